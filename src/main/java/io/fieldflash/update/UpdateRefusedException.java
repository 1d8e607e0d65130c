package io.fieldflash.update;

import io.fieldflash.FieldFlashException;

/** The preflight found that the bundle must not go onto this device; nothing was sent. */
public final class UpdateRefusedException extends FieldFlashException {

    /** Why. {@code INCOMPATIBLE_HARDWARE} and {@code DOWNGRADE} are the bundle format's connect-time codes. */
    public enum Reason {
        /** The device is another product than the bundle is for. */
        WRONG_PRODUCT,
        /** The device's hardware revision is not in the bundle's list. */
        INCOMPATIBLE_HARDWARE,
        /** The bundle's security counter is below the device's, or below what this laptop once installed on it. */
        DOWNGRADE,
        /** An image is larger than the device accepts. */
        IMAGE_TOO_LARGE,
        /** The device runs other firmware on trial; that must be settled first. */
        TRIAL_PENDING,
        /**
         * The bundle's version is older than the device's at a security counter the device accepts, and the operator
         * did not confirm the downgrade ({@link JobSettings#allowDowngrade()}).
         */
        OLDER_VERSION
    }

    private final Reason reason;

    public UpdateRefusedException(Reason reason, String message, String hint) {
        super(message, hint, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return reason.name();
    }
}
