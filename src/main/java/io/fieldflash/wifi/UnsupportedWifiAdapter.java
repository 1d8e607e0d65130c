package io.fieldflash.wifi;

import java.time.Duration;
import java.util.List;

/**
 * Used where FieldFlash cannot drive Wi-Fi (the OS's tool is missing): every operation explains that and
 * what to do instead. {@link #localAddress} still works, for a network joined from the system menu.
 */
public final class UnsupportedWifiAdapter implements WifiAdapter {
    private final String message;

    public UnsupportedWifiAdapter(String message) {
        this.message = message;
    }

    /** Why Wi-Fi cannot be driven here, as a sentence for the technician. */
    public String message() {
        return message;
    }

    @Override
    public List<WifiNetwork> scan() throws WifiException {
        throw missing();
    }

    @Override
    public WifiConnection join(String ssid, char[] password, Duration timeout) throws WifiException {
        throw missing();
    }

    @Override
    public void leave(WifiConnection connection) throws WifiException {
        throw missing();
    }

    @Override
    public boolean isSupported() {
        return false;
    }

    @Override
    public String description() {
        return "none (" + message + ")";
    }

    private WifiException missing() {
        return new WifiException(WifiException.Reason.TOOL_MISSING, message);
    }
}
