package io.fieldflash.bundle;

import io.fieldflash.FieldFlashException;

/** A bundle was refused; {@link #reason()} says at which check. */
public final class BundleException extends FieldFlashException {
    private final ReasonCode reason;

    public BundleException(ReasonCode reason, String message) {
        this(reason, message, null);
    }

    public BundleException(ReasonCode reason, String message, Throwable cause) {
        super(message, reason.hint(), cause);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    @Override
    public String code() {
        return reason.name();
    }
}
