package io.fieldflash;

/**
 * Base of every error FieldFlash shows to a person.
 *
 * <p>The message is a sentence for a person (what is wrong); {@link #hint()} says what to do next;
 * {@link #code()} is a stable, machine-readable reason (e.g. {@code SIGNATURE_INVALID}) that the
 * command line prints in {@code --json} output and maps to exit codes. No stack trace is ever
 * shown to a user for one of these.
 */
public abstract class FieldFlashException extends Exception {
    private final String hint;

    protected FieldFlashException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint == null ? "" : hint;
    }

    /** Stable reason code, upper snake case. */
    public abstract String code();

    /** What the user can do about it; empty when there is nothing useful to say. */
    public String hint() {
        return hint;
    }
}
