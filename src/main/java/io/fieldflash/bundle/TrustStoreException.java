package io.fieldflash.bundle;

import io.fieldflash.FieldFlashException;

/** A trust store or trust update could not be read or was refused. */
public final class TrustStoreException extends FieldFlashException {
    /** Why. */
    public enum Reason {
        /** Not readable, not PEM or fieldflash-trust/1 JSON, or a field is wrong. */
        BAD_TRUST_STORE,
        /** A key's {@code keyid} is not the SHA-256 of its public key. */
        KEYID_MISMATCH,
        /** A trust update is not newer than the trust store it would replace. */
        TRUST_ROLLBACK,
        /** A trust update skips versions: the ones between must be applied first, in order. */
        TRUST_UPDATE_GAP,
        /**
         * A trust update is not signed by enough root keys of the current trust store, or not by enough root keys
         * of the trust store it brings.
         */
        TRUST_UPDATE_UNSIGNED,
        /** The trust store file could not be written. */
        TRUST_STORE_UNWRITABLE,
        /**
         * A trust store file or folder exists but cannot be read (or it cannot be told whether it exists): its keys
         * and revocations would be missing, so nothing is verified until it is fixed.
         */
        TRUST_STORE_UNREADABLE,
        /** Applying a trust update would make a key that is revoked on this laptop trusted again. */
        REVOCATION_WOULD_LAPSE
    }

    private final Reason reason;

    public TrustStoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public TrustStoreException(Reason reason, String message, Throwable cause) {
        super(message, switch (reason) {
            case BAD_TRUST_STORE, KEYID_MISMATCH -> "Use the trust store file exactly as the vendor or your administrator issued it.";
            case TRUST_ROLLBACK -> "This laptop already has this trust store version or a newer one; nothing needs doing.";
            case TRUST_UPDATE_GAP -> "Apply the trust updates this laptop is missing first, one at a time in order of version, then this one.";
            case TRUST_UPDATE_UNSIGNED -> "Only a trust update signed by enough root keys of both the current and the new trust store can be applied. Ask the vendor for the official update file.";
            case TRUST_STORE_UNWRITABLE -> "Check that your FieldFlash folder exists, that you may write to it and that the disk is not full, then try again.";
            case TRUST_STORE_UNREADABLE -> "Ask the administrator to make it readable for every user (trust files hold no secrets: e.g. 'chmod a+rX' on it),"
                    + " or to remove it if it is not needed; until then FieldFlash verifies nothing with this trust store.";
            case REVOCATION_WOULD_LAPSE -> "Do not apply this update. Ask the vendor for one that keeps the key listed with \"revoked\": true,"
                    + " or the administrator to revoke the key in the other trust store file as well.";
        }, cause);
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
