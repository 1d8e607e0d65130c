package io.fieldflash.bundle;

import io.fieldflash.FieldFlashException;

/** A key file or key text could not be used. */
public final class KeyException extends FieldFlashException {
    public KeyException(String message) {
        this(message, null);
    }

    public KeyException(String message, Throwable cause) {
        super(message, "Check that the file is a PEM key made by 'fieldflash keys generate' or OpenSSL (ed25519, P-256, or RSA of 2048 to 8192 bits with exponent 65537).", cause);
    }

    @Override
    public String code() {
        return "BAD_KEY";
    }
}
