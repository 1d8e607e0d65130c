package io.fieldflash.wifi;

import io.fieldflash.FieldFlashException;

/**
 * Wi-Fi could not be scanned, joined or left. {@link #code()} is {@code WIFI_} followed by the
 * {@link Reason}'s name (e.g. {@code WIFI_JOIN_WRONG_PASSWORD}). Messages and hints are sentences for
 * a technician; they never contain a password.
 */
public final class WifiException extends FieldFlashException {

    /** Why. The {@code JOIN_*} reasons are the ways a join fails that a technician can act on differently. */
    public enum Reason {
        /** The operating system's Wi-Fi tool (nmcli, netsh, networksetup) is not there. */
        TOOL_MISSING,
        /** No Wi-Fi adapter, Wi-Fi switched off, or the OS's Wi-Fi service is not running. */
        UNAVAILABLE,
        /** The user account or the OS's privacy settings do not allow this. */
        PERMISSION_DENIED,
        /** The OS's tool could not list networks. */
        SCAN_FAILED,
        /** The SSID or password cannot be a valid one (checked before anything runs). */
        INVALID_INPUT,
        /** The access point refused the password. */
        JOIN_WRONG_PASSWORD,
        /** No access point with that name is in range. */
        JOIN_NOT_FOUND,
        /** Joining did not finish in time. */
        JOIN_TIMEOUT,
        /** Joining failed for another reason; the message quotes the tool. */
        JOIN_FAILED,
        /** The laptop could not be put back on its previous network, or FieldFlash's profile not removed. */
        LEAVE_FAILED;

        /** Whether this is one of the ways a join fails. */
        public boolean isJoinFailure() {
            return name().startsWith("JOIN_");
        }

        String defaultHint() {
            return switch (this) {
                case TOOL_MISSING ->
                        "Join the device's Wi-Fi from the system menu, then type the device address (usually http://192.168.4.1).";
                case UNAVAILABLE ->
                        "Switch Wi-Fi on (system menu or the laptop's Wi-Fi key) and try again; or join the device's Wi-Fi from the system menu.";
                case PERMISSION_DENIED ->
                        "Ask IT to allow this account to change Wi-Fi networks, or join the device's Wi-Fi from the system menu.";
                case SCAN_FAILED ->
                        "Wait a few seconds and scan again. If it keeps failing, join the device's Wi-Fi from the system menu.";
                case INVALID_INPUT ->
                        "Check the network name and password on the device's label or in the vendor's instructions.";
                case JOIN_WRONG_PASSWORD ->
                        "Check the password on the device's label or in the vendor's instructions (it is case-sensitive) and try again.";
                case JOIN_NOT_FOUND ->
                        "Make sure the device is in access-point mode and close by, wait a few seconds, then scan again.";
                case JOIN_TIMEOUT ->
                        "Move closer to the device, check that it is still in access-point mode and that the password is right, then try again.";
                case JOIN_FAILED ->
                        "Try again. If it keeps failing, join the device's Wi-Fi from the system menu.";
                case LEAVE_FAILED ->
                        "Choose your usual network from the system's Wi-Fi menu.";
            };
        }
    }

    private final Reason reason;

    public WifiException(Reason reason, String message) {
        this(reason, message, reason.defaultHint(), null);
    }

    public WifiException(Reason reason, String message, String hint) {
        this(reason, message, hint, null);
    }

    public WifiException(Reason reason, String message, String hint, Throwable cause) {
        super(message, hint, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return "WIFI_" + reason.name();
    }
}
