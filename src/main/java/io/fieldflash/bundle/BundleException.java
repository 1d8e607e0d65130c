package io.fieldflash.bundle;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.util.Optional;

/**
 * A bundle was refused; {@link #reason()} says at which check.
 *
 * <p>The message is safe to print as it is: whoever builds one inserts values from the bundle through
 * {@link Printable} (cut with {@link Printable#cut} while they are not yet authenticated), and as a last guard
 * a message that still holds a control, bidi or other unsafe character is escaped whole here.
 */
public final class BundleException extends FieldFlashException {
    private final ReasonCode reason;
    private final InnerVerdict inner;

    public BundleException(ReasonCode reason, String message) {
        this(reason, message, null);
    }

    public BundleException(ReasonCode reason, String message, Throwable cause) {
        super(safe(message), reason.hint(), cause);
        this.reason = reason;
        this.inner = null;
    }

    /**
     * {@link ReasonCode#INNER_IMAGE}: a firmware image inside the bundle failed its format's check; the hint is
     * what the vendor must fix for that {@link InnerVerdict#reason()}.
     */
    public BundleException(String message, InnerVerdict verdict) {
        super(safe(message), verdict.reason().hint(), null);
        this.reason = ReasonCode.INNER_IMAGE;
        this.inner = verdict;
    }

    /** For {@link ReasonCode#INNER_IMAGE}: the image's verdict (its reason code, detail and what was found). */
    public Optional<InnerVerdict> innerVerdict() {
        return Optional.ofNullable(inner);
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
