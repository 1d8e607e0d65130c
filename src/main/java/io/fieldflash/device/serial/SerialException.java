package io.fieldflash.device.serial;

import io.fieldflash.FieldFlashException;

/**
 * A serial port could not be opened, configured, read or written. The message says which port and what
 * happened; the hint says what a person can do (plug the cable in, close the other program, join the dialout group).
 */
public final class SerialException extends FieldFlashException {

    /** Why. */
    public enum Reason {
        /** No such port (unplugged, or a wrong name). */
        PORT_NOT_FOUND,
        /** The port exists but could not be opened (busy, or no permission). */
        PORT_BUSY,
        /** The port refused a setting (e.g. a baud rate the adapter cannot do). */
        SETTING_REFUSED,
        /** The port went away while in use (cable pulled, other end of a pseudo-terminal closed). */
        PORT_CLOSED
    }

    private final Reason reason;

    public SerialException(Reason reason, String message, String hint) {
        super(message, hint, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return "SERIAL_" + reason.name();
    }
}
