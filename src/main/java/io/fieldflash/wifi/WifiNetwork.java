package io.fieldflash.wifi;

import java.util.Comparator;
import java.util.Objects;

/**
 * One Wi-Fi network as the operating system's scan saw it, one per SSID (the strongest access point
 * when several share a name).
 *
 * @param ssid            the network name, exactly as broadcast (never empty: hidden networks are not listed)
 * @param bssid           the strongest access point's MAC address, lower case; empty when the OS does not tell
 *                        (recent macOS)
 * @param signal          0–100, the OS's own signal quality (nmcli, netsh) or one computed from dBm (macOS)
 * @param security        the OS's description, e.g. {@code WPA2}, {@code WPA2-Personal}, {@code Open}
 * @param open            no password needed
 * @param inUse           the laptop is connected to it now
 * @param looksLikeDevice its name matches a {@link SoftApPatterns} pattern
 */
public record WifiNetwork(String ssid, String bssid, int signal, String security, boolean open, boolean inUse,
                          boolean looksLikeDevice) {

    /** Devices first, then the strongest, then by name: the order the wizard lists networks in. */
    public static final Comparator<WifiNetwork> DEVICES_FIRST = Comparator
            .comparing(WifiNetwork::looksLikeDevice).reversed()
            .thenComparing(Comparator.comparingInt(WifiNetwork::signal).reversed())
            .thenComparing(WifiNetwork::ssid);

    public WifiNetwork {
        Objects.requireNonNull(ssid, "ssid");
        Objects.requireNonNull(bssid, "bssid");
        Objects.requireNonNull(security, "security");
        if (signal < 0 || signal > 100) throw new IllegalArgumentException("signal " + signal + " is not 0-100");
    }
}
