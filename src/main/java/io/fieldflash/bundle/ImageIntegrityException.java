package io.fieldflash.bundle;

import java.io.IOException;

/** Thrown from an image stream the moment its bytes stop matching the manifest. */
public final class ImageIntegrityException extends IOException {
    private final ReasonCode reason;

    public ImageIntegrityException(ReasonCode reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    public BundleException toBundleException() {
        return new BundleException(reason, getMessage(), this);
    }
}
