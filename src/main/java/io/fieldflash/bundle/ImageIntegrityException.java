package io.fieldflash.bundle;

import java.io.IOException;

/**
 * Thrown from an image stream the moment its bytes stop matching the manifest (its message, like a
 * {@link BundleException}'s, is safe to print).
 */
public final class ImageIntegrityException extends IOException {
    private final ReasonCode reason;

    public ImageIntegrityException(ReasonCode reason, String message) {
        super(BundleException.safe(message));
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    public BundleException toBundleException() {
        return new BundleException(reason, getMessage(), this);
    }
}
