package io.fieldflash.wifi;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * The laptop is on a device's access point. Hand it back to {@link WifiAdapter#leave} when done.
 *
 * @param ssid             the device's network
 * @param interfaceName    the Wi-Fi interface as the OS tool names it ({@code wlp2s0}, {@code Wi-Fi}, {@code en0})
 * @param localAddress     the IPv4 address the laptop got on it: bind sockets to it so that traffic to the device
 *                         leaves through the access point even when Ethernet is up
 * @param previous         the network to return to
 * @param temporaryProfile what FieldFlash created to join and removes on leave (NetworkManager connection UUID,
 *                         Windows profile name, macOS preferred-network name); empty when nothing was created
 */
public record WifiConnection(String ssid, String interfaceName, Inet4Address localAddress, PreviousNetwork previous,
                             String temporaryProfile) {
    public WifiConnection {
        Objects.requireNonNull(ssid, "ssid");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(temporaryProfile, "temporaryProfile");
    }
}
