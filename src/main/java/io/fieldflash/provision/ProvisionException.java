package io.fieldflash.provision;

import io.fieldflash.FieldFlashException;

/** A set-up step over a device's access point failed: what went wrong, in plain words, and what to do. */
public final class ProvisionException extends FieldFlashException {

    /** Why a step failed. */
    public enum Reason {
        /** No connection to the device (wrong address, not joined to its access point). */
        UNREACHABLE,
        /** The device did not answer within the deadline. */
        TIMEOUT,
        /** The device closed the connection without an answer. */
        NO_ANSWER,
        /** The answer was larger than any real answer can be. */
        TOO_LARGE,
        /** The answer was not what the protocol says. */
        MALFORMED,
        /** The device's public key could not be read or is unusable. */
        BAD_KEY,
        /** configure-ap -2: the device does not see the network in its own scan. */
        NETWORK_NOT_FOUND,
        /** configure-ap -3: the network name was refused. */
        BAD_SSID,
        /** configure-ap -4: the password's length does not fit the security type. */
        BAD_KEY_LENGTH,
        /** configure-ap -16640: the password did not decrypt on the device. */
        PASSWORD_NOT_DECRYPTED,
        /** Any other non-zero result code. */
        REFUSED,
        /** connect-ap was sent but the device did not confirm it. */
        CONNECT_UNCONFIRMED
    }

    private final Reason reason;
    private final int deviceCode;

    public ProvisionException(Reason reason, String message, String hint) {
        this(reason, 0, message, hint, null);
    }

    public ProvisionException(Reason reason, String message, String hint, Throwable cause) {
        this(reason, 0, message, hint, cause);
    }

    private ProvisionException(Reason reason, int deviceCode, String message, String hint, Throwable cause) {
        super(message, hint, cause);
        this.reason = reason;
        this.deviceCode = deviceCode;
    }

    /** A non-zero {@code r} from {@code command}, said in plain words. */
    public static ProvisionException refused(String command, int r) {
        return switch (command + " " + r) {
            case "configure-ap -2" -> new ProvisionException(Reason.NETWORK_NOT_FOUND, r,
                    "The device cannot find the network in its own scan (code -2).",
                    "Check the network name (it is case-sensitive) and that the site's access point is on and in range of the device.",
                    null);
            case "configure-ap -3" -> new ProvisionException(Reason.BAD_SSID, r,
                    "The device refused the network name (code -3).",
                    "A network name is 1 to 32 bytes; check it for typing errors.", null);
            case "configure-ap -4" -> new ProvisionException(Reason.BAD_KEY_LENGTH, r,
                    "The device refused the password: its length does not fit the security type (code -4).",
                    "WPA and WPA2 passwords are 8 to 63 characters (or 64 hex digits), WEP keys 5 or 13 characters (10 or 26 hex digits). "
                            + "Check the password and --security; nothing was changed on the device.", null);
            case "configure-ap -16640" -> new ProvisionException(Reason.PASSWORD_NOT_DECRYPTED, r,
                    "The device could not decrypt the password (code -16640).",
                    "Its key may have changed since FieldFlash read it (was another phone or laptop setting it up?). "
                            + "Run provision again; if it repeats, put the device back into listening mode (hold SETUP until it blinks blue).", null);
            default -> new ProvisionException(Reason.REFUSED, r,
                    "The device refused " + command + " (code " + r + ").",
                    "connect-ap was not sent, so the device is still in listening mode: check the values and run provision again.", null);
        };
    }

    public Reason reason() {
        return reason;
    }

    /** The device's non-zero result code, 0 when the failure was not an answer of the device. */
    public int deviceCode() {
        return deviceCode;
    }

    @Override
    public String code() {
        return "SOFTAP_" + reason.name();
    }
}
