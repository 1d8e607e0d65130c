package io.fieldflash.wifi;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Local IPv4 addresses from {@link NetworkInterface}: what to bind a socket to so that traffic to a device
 * on a SoftAP leaves through the Wi-Fi interface.
 */
public final class LocalAddresses {
    private LocalAddresses() {}

    /**
     * The IPv4 address of the interface with this name ({@code wlp2s0}, {@code en0}) or, failing that, with
     * this display name; empty when there is none or the interface is down.
     */
    public static Optional<Inet4Address> ipv4Of(String interfaceName) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(interfaceName);
            if (ni != null) return ipv4On(ni);
        } catch (SocketException e) {
            return Optional.empty();
        }
        return ipv4Where(ni -> interfaceName.equals(ni.getDisplayName()));
    }

    /** The IPv4 address of the interface with this MAC address ({@code 8c:c6:81:aa:bb:cc}). */
    public static Optional<Inet4Address> ipv4OfHardwareAddress(String mac) {
        byte[] wanted = parseMac(mac);
        if (wanted.length == 0) return Optional.empty();
        return ipv4Where(ni -> {
            try {
                return Arrays.equals(wanted, ni.getHardwareAddress());
            } catch (SocketException e) {
                return false;
            }
        });
    }

    /**
     * The local IPv4 address on the same subnet as {@code target} (e.g. the device at 192.168.4.1): for when
     * the technician joined the device's network from the system menu.
     */
    public static Optional<Inet4Address> onSubnetOf(InetAddress target) {
        if (!(target instanceof Inet4Address t)) return Optional.empty();
        for (NetworkInterface ni : interfaces()) {
            try {
                if (!ni.isUp()) continue;
            } catch (SocketException e) {
                continue;
            }
            for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                if (ia.getAddress() instanceof Inet4Address a && samePrefix(a, t, ia.getNetworkPrefixLength())) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Inet4Address> ipv4Where(Predicate<NetworkInterface> which) {
        for (NetworkInterface ni : interfaces()) {
            if (which.test(ni)) return ipv4On(ni);
        }
        return Optional.empty();
    }

    private static Optional<Inet4Address> ipv4On(NetworkInterface ni) {
        try {
            if (!ni.isUp()) return Optional.empty();
        } catch (SocketException e) {
            return Optional.empty();
        }
        return ni.inetAddresses()
                .filter(a -> a instanceof Inet4Address)
                .map(a -> (Inet4Address) a)
                .filter(a -> !a.isLinkLocalAddress())
                .findFirst();
    }

    private static List<NetworkInterface> interfaces() {
        try {
            var e = NetworkInterface.getNetworkInterfaces();
            return e == null ? List.of() : Collections.list(e);
        } catch (SocketException e) {
            return List.of();
        }
    }

    static boolean samePrefix(Inet4Address a, Inet4Address b, int prefix) {
        if (prefix <= 0 || prefix > 32) return false;
        int x = toInt(a), y = toInt(b);
        int mask = prefix == 32 ? -1 : ~((1 << (32 - prefix)) - 1);
        return (x & mask) == (y & mask);
    }

    private static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static byte[] parseMac(String mac) {
        String[] parts = mac.strip().split("[:-]");
        if (parts.length != 6) return new byte[0];
        byte[] out = new byte[6];
        try {
            for (int i = 0; i < 6; i++) out[i] = (byte) Integer.parseInt(parts[i], 16);
        } catch (NumberFormatException e) {
            return new byte[0];
        }
        return out;
    }
}
