package io.fieldflash.wifi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns one row per access point into one {@link WifiNetwork} per SSID. */
final class ScanResults {
    private ScanResults() {}

    /** One access point as a tool listed it. */
    record Entry(String ssid, String bssid, int signal, String security, boolean open, boolean inUse) {}

    /**
     * Hidden networks (empty SSID) are dropped: they cannot be joined by name and a device's setup network
     * is never hidden. Several access points of one SSID become one network with the strongest one's
     * BSSID, signal and security; it is in use if any of them is. Sorted {@link WifiNetwork#DEVICES_FIRST}.
     */
    static List<WifiNetwork> merge(List<Entry> entries, SoftApPatterns patterns) {
        Map<String, Entry> strongest = new LinkedHashMap<>();
        Map<String, Boolean> inUse = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.ssid().isEmpty()) continue;
            strongest.merge(e.ssid(), e, (a, b) -> b.signal() > a.signal() ? b : a);
            inUse.merge(e.ssid(), e.inUse(), Boolean::logicalOr);
        }
        List<WifiNetwork> out = new ArrayList<>();
        for (Entry e : strongest.values()) {
            String security = e.security().isBlank() || e.security().equals("--") ? "Open" : e.security().strip();
            out.add(new WifiNetwork(e.ssid(), e.bssid().toLowerCase(Locale.ROOT), clamp(e.signal()), security,
                    e.open(), inUse.get(e.ssid()), patterns.looksLikeDevice(e.ssid())));
        }
        out.sort(WifiNetwork.DEVICES_FIRST);
        return List.copyOf(out);
    }

    static int clamp(int signal) {
        return Math.max(0, Math.min(100, signal));
    }

    /** Signal quality 0–100 from dBm, as Windows computes it: -100 dBm is 0, -50 dBm and above is 100. */
    static int qualityFromDbm(int dbm) {
        return clamp(2 * (dbm + 100));
    }
}
