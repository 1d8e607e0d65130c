package io.fieldflash.bundle;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;

/**
 * A bundle was refused; {@link #reason()} says at which check.
 *
 * <p>The message is safe to print as it is: whoever builds one inserts values from the bundle through
 * {@link Printable} (cut with {@link Printable#cut} while they are not yet authenticated), and as a last guard
 * a message that still holds a control, bidi or other unsafe character is escaped whole here.
 */
public final class BundleException extends FieldFlashException {
    private final ReasonCode reason;

    public BundleException(ReasonCode reason, String message) {
        this(reason, message, null);
    }

    public BundleException(ReasonCode reason, String message, Throwable cause) {
        super(safe(message), reason.hint(), cause);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    @Override
    public String code() {
        return reason.name();
    }

    /**
     * {@code message} unchanged when it has nothing a terminal would act on; otherwise escaped whole (its
     * already-escaped parts then show doubled backslashes, which is ugly but never unsafe).
     */
    static String safe(String message) {
        if (message == null) return null;
        String withoutBackslashes = message.replace("\\", "");
        return Printable.of(withoutBackslashes).equals(withoutBackslashes) ? message : Printable.of(message);
    }
}
