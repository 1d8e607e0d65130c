package io.fieldflash.wifi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Checks of an SSID and a WPA password before any tool runs, and the few places a password is turned into
 * bytes. The password is never made into a {@code String}, except for macOS's {@code networksetup}, which
 * only takes it as an argument.
 */
final class Credentials {
    private Credentials() {}

    static void checkJoin(String ssid, char[] password, Duration timeout) throws WifiException {
        if (ssid == null || ssid.isEmpty()) {
            throw new WifiException(WifiException.Reason.INVALID_INPUT, "No network name was given.");
        }
        if (ssid.getBytes(StandardCharsets.UTF_8).length > 32) {
            throw new WifiException(WifiException.Reason.INVALID_INPUT,
                    "\"" + ssid + "\" is longer than a Wi-Fi network name can be (32 bytes).");
        }
        if (ssid.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new WifiException(WifiException.Reason.INVALID_INPUT,
                    "The network name contains control characters; FieldFlash cannot join it.");
        }
        if (password == null) {
            throw new WifiException(WifiException.Reason.INVALID_INPUT, "No password was given (use an empty one for an open network).");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (password.length == 0) return;   // open network
        if (password.length == 64 && isHex(password)) return;   // a raw 256-bit PSK
        boolean printableAscii = true;
        for (char c : password) {
            if (c < 0x20 || c > 0x7e) {
                printableAscii = false;
                break;
            }
        }
        if (!printableAscii || password.length < 8 || password.length > 63) {
            throw new WifiException(WifiException.Reason.INVALID_INPUT,
                    "That cannot be a Wi-Fi (WPA2) password: those have 8 to 63 letters, digits or symbols "
                            + "(you typed " + password.length + (printableAscii ? "" : ", some not on a keyboard") + ").",
                    "Check the password on the device's label or in the vendor's instructions.");
        }
    }

    private static boolean isHex(char[] s) {
        for (char c : s) {
            if (Character.digit(c, 16) < 0) return false;
        }
        return true;
    }

    /** The ASCII bytes of a (checked) password; the caller zeroes them after use. */
    static byte[] asciiBytes(char[] password) {
        byte[] b = new byte[password.length];
        for (int i = 0; i < password.length; i++) b[i] = (byte) password[i];
        return b;
    }

    static void wipe(byte[] b) {
        if (b != null) Arrays.fill(b, (byte) 0);
    }
}
