package io.fieldflash.wifi;

/** Picks the adapter for an operating system. */
final class WifiAdapters {
    private WifiAdapters() {}

    static WifiAdapter forOs(Os os, String osName, CommandRunner runner, SoftApPatterns patterns) {
        return switch (os) {
            case LINUX -> runner.isInstalled(NmcliWifiAdapter.NMCLI)
                    ? new NmcliWifiAdapter(runner, patterns)
                    : new UnsupportedWifiAdapter(
                            "NetworkManager's nmcli is not available; join the device's Wi-Fi from the system menu, "
                                    + "then type the device address.");
            case WINDOWS -> runner.isInstalled(NetshWifiAdapter.NETSH)
                    ? new NetshWifiAdapter(runner, patterns)
                    : new UnsupportedWifiAdapter(
                            "Windows' netsh is not available; join the device's Wi-Fi from the network menu, "
                                    + "then type the device address.");
            case MACOS -> runner.isInstalled(MacWifiAdapter.NETWORKSETUP) && runner.isInstalled(MacWifiAdapter.SYSTEM_PROFILER)
                    ? new MacWifiAdapter(runner, patterns)
                    : new UnsupportedWifiAdapter(
                            "macOS's networksetup is not available; join the device's Wi-Fi from the Wi-Fi menu, "
                                    + "then type the device address.");
            case OTHER -> new UnsupportedWifiAdapter(
                    "FieldFlash cannot change Wi-Fi networks on " + osName + "; join the device's Wi-Fi from the "
                            + "system menu, then type the device address.");
        };
    }
}
