package io.fieldflash.wifi;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The laptop's Wi-Fi, driven through the operating system's own tools: {@code nmcli} on Linux,
 * {@code netsh wlan} on Windows, {@code networksetup} and {@code system_profiler} on macOS. Nothing is
 * installed; see docs/wifi.md for the exact commands.
 *
 * <p>All methods block (run them off the FX thread), bound every command by a timeout and honour
 * interruption: an interrupted {@link #join} removes what it created and puts the laptop back before it
 * throws {@link InterruptedException}.
 */
public interface WifiAdapter {

    /**
     * Asks the OS to look for networks, then lists them: one per SSID (the strongest access point), devices
     * first ({@link WifiNetwork#DEVICES_FIRST}); hidden networks are left out.
     */
    List<WifiNetwork> scan() throws WifiException, InterruptedException;

    /**
     * Joins a network, first remembering the one the laptop is on. Returns once the laptop has an IPv4
     * address on it.
     *
     * @param password the WPA2 passphrase (8–63 characters), or empty for an open network; not kept, and
     *                 never put in a log or a message
     * @param timeout  for the whole join, including getting an address
     */
    WifiConnection join(String ssid, char[] password, Duration timeout) throws WifiException, InterruptedException;

    /**
     * Leaves the device's network, removes what FieldFlash created to join it, and rejoins the network the
     * laptop was on. Every step is tried even if an earlier one fails; the exception says what did not happen.
     */
    void leave(WifiConnection connection) throws WifiException, InterruptedException;

    /** The IPv4 address the laptop has on this interface now, from {@link java.net.NetworkInterface}. */
    default Optional<InetAddress> localAddress(String interfaceName) {
        return LocalAddresses.ipv4Of(interfaceName).map(InetAddress.class::cast);
    }

    /** False when FieldFlash cannot drive Wi-Fi here: every operation then throws a {@code WIFI_TOOL_MISSING}. */
    default boolean isSupported() {
        return true;
    }

    /** The tool behind this adapter, for logs and the about box, e.g. "NetworkManager (nmcli)". */
    String description();

    /** The adapter for this machine, with the built-in {@link SoftApPatterns}. */
    static WifiAdapter forCurrentOs(CommandRunner runner) {
        return forCurrentOs(runner, SoftApPatterns.defaults());
    }

    /** The adapter for this machine: nmcli, netsh or networksetup; {@link #isSupported() unsupported} without them. */
    static WifiAdapter forCurrentOs(CommandRunner runner, SoftApPatterns patterns) {
        return WifiAdapters.forOs(Os.current(), System.getProperty("os.name", "this system"), runner, patterns);
    }
}
