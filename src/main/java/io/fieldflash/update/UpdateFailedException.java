package io.fieldflash.update;

import io.fieldflash.FieldFlashException;

/** A step after the transfer did not end as it must (the new firmware did not start, or was not confirmed). */
public final class UpdateFailedException extends FieldFlashException {

    /** Why. */
    public enum Reason {
        /** The device came back without the new firmware running: it did not start, and the device went back. */
        BOOT_FAILED,
        /** The new firmware runs on trial but could not be made permanent. */
        CONFIRM_FAILED
    }

    private final Reason reason;

    public UpdateFailedException(Reason reason, String message, String hint, Throwable cause) {
        super(message, hint, cause);
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
