package io.fieldflash.device.esprom;

import io.fieldflash.FieldFlashException;
import io.fieldflash.device.DeviceException;

/**
 * The ROM bootloader conversation failed. {@link #reason()} is machine-readable, the message says what was
 * expected and what happened, the hint what a person can do.
 */
public final class EspRomException extends FieldFlashException {

    /** Why; {@link #retryable()} marks the ones a resend can get over. */
    public enum Reason {
        /** The unit did not answer SYNC: not in its bootloader, wrong port, TX/RX swapped, no power. */
        NO_BOOTLOADER(false),
        /** A command got no (complete) answer in time. */
        NO_RESPONSE(true),
        /** The ROM answered a command with a failure status. */
        COMMAND_FAILED(true),
        /** The ROM answered something that does not fit the command. */
        BAD_RESPONSE(true),
        /** The detect register holds a value of no chip FieldFlash knows. */
        UNKNOWN_CHIP(false),
        /** The unit is another chip than the bundle is for. */
        WRONG_CHIP(false),
        /** The line did not work at the faster baud rate. */
        BAUD_FAILED(false),
        /** The flash does not hold what was written (MD5 differs). */
        VERIFY_FAILED(true),
        /** An application image's header is broken. */
        BAD_IMAGE(false),
        /** The image does not fit the flash at its offset. */
        TOO_LARGE(false),
        /** The serial port went away or could not be used. */
        PORT(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;
    private final int romError;

    public EspRomException(Reason reason, String message, String hint) {
        this(reason, message, hint, -1, null);
    }

    public EspRomException(Reason reason, String message, String hint, int romError, Throwable cause) {
        super(message, hint, cause);
        this.reason = reason;
        this.romError = romError;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return reason.retryable();
    }

    /** The ROM's error code for {@link Reason#COMMAND_FAILED}, else -1. */
    public int romError() {
        return romError;
    }

    @Override
    public String code() {
        return "ESP_ROM_" + reason.name();
    }

    /** The same failure in the terms every transport shares, this exception as its cause. */
    public DeviceException toDeviceException() {
        DeviceException.Reason r = switch (reason) {
            case NO_BOOTLOADER, NO_RESPONSE, PORT -> DeviceException.Reason.UNREACHABLE;
            case COMMAND_FAILED -> DeviceException.Reason.DEVICE_ERROR;
            case BAD_RESPONSE, UNKNOWN_CHIP, BAUD_FAILED -> DeviceException.Reason.PROTOCOL_ERROR;
            case WRONG_CHIP, BAD_IMAGE -> DeviceException.Reason.INSTALL_REFUSED;
            case VERIFY_FAILED -> DeviceException.Reason.CHECKSUM_REJECTED;
            case TOO_LARGE -> DeviceException.Reason.TOO_LARGE;
        };
        return new DeviceException(r, getMessage(), hint(), this, 0, code(), java.time.Duration.ZERO);
    }
}
