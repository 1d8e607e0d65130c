package io.fieldflash.wifi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fieldflash.wifi.WifiException.Reason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * macOS: {@code networksetup} to join and leave, {@code system_profiler SPAirPortDataType -json} to scan
 * (the {@code airport -s} tool was removed in macOS 14.4), {@code ipconfig getifaddr} for the address.
 *
 * <p>{@code networksetup -setairportnetwork} only takes the password as an argument, so on macOS it is
 * visible to other local users' {@code ps} for the seconds the join takes; it never reaches a log. Since
 * macOS 14.4/15 network names are shown as {@code <redacted>} to programs without Location Services
 * permission: the scan then fails with {@code WIFI_PERMISSION_DENIED} and says how to grant it.
 */
final class MacWifiAdapter implements WifiAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MacWifiAdapter.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static final String NETWORKSETUP = "networksetup";
    static final String SYSTEM_PROFILER = "system_profiler";
    static final String IPCONFIG = "ipconfig";
    static final String REDACTED = "<redacted>";

    static final Duration SCAN_TIMEOUT = Duration.ofSeconds(60);
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(15);
    static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(20);
    static final Duration DEFAULT_POLL = Duration.ofMillis(750);

    static final List<String> SCAN = List.of(SYSTEM_PROFILER, "SPAirPortDataType", "-json");
    static final List<String> HARDWARE_PORTS = List.of(NETWORKSETUP, "-listallhardwareports");

    private static final Pattern DBM = Pattern.compile("^\\s*(-?\\d+)\\s*dBm");
    private static final Pattern CURRENT = Pattern.compile("^Current Wi-Fi Network: (.*)$", Pattern.MULTILINE);
    private static final Map<String, String> SECURITY = Map.ofEntries(
            Map.entry("none", "Open"),
            Map.entry("owe", "Enhanced Open (OWE)"),
            Map.entry("wep", "WEP"),
            Map.entry("wpa_personal", "WPA Personal"),
            Map.entry("wpa_personal_mixed", "WPA/WPA2 Personal"),
            Map.entry("wpa2_personal", "WPA2 Personal"),
            Map.entry("wpa2_personal_mixed", "WPA/WPA2 Personal"),
            Map.entry("wpa3_personal", "WPA3 Personal"),
            Map.entry("wpa3_transition", "WPA2/WPA3 Personal"),
            Map.entry("wpa_enterprise", "WPA Enterprise"),
            Map.entry("wpa2_enterprise", "WPA2 Enterprise"),
            Map.entry("wpa3_enterprise", "WPA3 Enterprise"));

    private final Tool tool;
    private final SoftApPatterns patterns;
    private final Duration pollInterval;

    MacWifiAdapter(CommandRunner runner, SoftApPatterns patterns) {
        this(runner, patterns, DEFAULT_POLL);
    }

    MacWifiAdapter(CommandRunner runner, SoftApPatterns patterns, Duration pollInterval) {
        this.tool = new Tool(runner);
        this.patterns = patterns;
        this.pollInterval = pollInterval;
    }

    @Override
    public String description() {
        return "macOS (networksetup, system_profiler)";
    }

    // ---------------------------------------------------------------- scan

    @Override
    public List<WifiNetwork> scan() throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(SCAN_TIMEOUT, SCAN), Reason.SCAN_FAILED, "The Wi-Fi scan");
        if (!r.succeeded()) throw new WifiException(Reason.SCAN_FAILED, "The Wi-Fi scan failed: " + ToolText.gist(r.output()) + ".");
        List<ScanResults.Entry> entries = parseProfiler(r.stdout());
        List<ScanResults.Entry> named = entries.stream().filter(e -> !e.ssid().equals(REDACTED)).toList();
        if (named.isEmpty() && entries.size() > named.size()) {
            throw new WifiException(Reason.PERMISSION_DENIED,
                    "macOS hides the names of Wi-Fi networks from FieldFlash.",
                    "Allow FieldFlash in System Settings > Privacy & Security > Location Services, then scan again; "
                            + "or join the device's Wi-Fi from the Wi-Fi menu.");
        }
        return ScanResults.merge(named, patterns);
    }

    /** Parses {@code system_profiler SPAirPortDataType -json}: the current network and the others in range. */
    static List<ScanResults.Entry> parseProfiler(String json) throws WifiException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WifiException(Reason.SCAN_FAILED, "macOS's Wi-Fi report could not be read (" + e.getOriginalMessage() + ").",
                    Reason.SCAN_FAILED.defaultHint(), e);
        }
        List<ScanResults.Entry> out = new ArrayList<>();
        for (JsonNode item : root.path("SPAirPortDataType")) {
            for (JsonNode iface : item.path("spairport_airport_interfaces")) {
                JsonNode current = iface.path("spairport_current_network_information");
                if (current.isObject() && current.has("_name")) out.add(entry(current, true));
                for (String key : List.of("spairport_airport_other_local_wireless_networks", "spairport_airport_local_wireless_networks")) {
                    for (JsonNode n : iface.path(key)) {
                        if (n.has("_name")) out.add(entry(n, false));
                    }
                }
            }
        }
        return out;
    }

    private static ScanResults.Entry entry(JsonNode n, boolean inUse) {
        String ssid = n.path("_name").asText("");
        String bssid = n.path("spairport_network_bssid").asText("");
        int signal = 0;
        Matcher m = DBM.matcher(n.path("spairport_signal_noise").asText(""));
        if (m.find()) signal = ScanResults.qualityFromDbm(Integer.parseInt(m.group(1)));
        String mode = n.path("spairport_security_mode").asText("").replaceFirst("^s?pairport_security_mode_", "");
        String security = mode.isEmpty() ? "unknown" : SECURITY.getOrDefault(mode, mode.replace('_', ' ').toUpperCase(Locale.ROOT));
        boolean open = mode.equals("none") || mode.equals("owe");
        return new ScanResults.Entry(ssid, bssid, signal, security, open, inUse);
    }

    // ---------------------------------------------------------------- join

    @Override
    public WifiConnection join(String ssid, char[] password, Duration timeout) throws WifiException, InterruptedException {
        Credentials.checkJoin(ssid, password, timeout);
        Deadline deadline = Deadline.after(timeout);
        String device = wifiDevice();
        PreviousNetwork previous = currentNetwork(device).<PreviousNetwork>map(s -> new PreviousNetwork.Saved(s, s))
                .orElse(PreviousNetwork.NONE);
        boolean alreadyPreferred = isPreferred(device, ssid);
        String temporary = alreadyPreferred ? "" : ssid;
        String secret = new String(password);   // networksetup takes it only as an argument
        try {
            List<String> argv = new ArrayList<>(List.of(NETWORKSETUP, "-setairportnetwork", device, ssid));
            Command join = Command.of(deadline.cap(Duration.ofSeconds(90)), argv);
            if (!secret.isEmpty()) {
                argv.add(secret);
                join = Command.of(deadline.cap(Duration.ofSeconds(90)), argv).withSecretAt(4);
            }
            CommandResult r = tool.run(join, Reason.JOIN_TIMEOUT, "Joining \"" + ssid + "\"");
            checkJoin(r, ssid, secret);
            Optional<String> now = currentNetwork(device);
            if (now.isPresent() && !now.get().equals(ssid)) {
                throw new WifiException(Reason.JOIN_FAILED, "macOS stayed on \"" + now.get() + "\" instead of joining \"" + ssid + "\".");
            }
            Inet4Address address = waitForAddress(device, ssid, deadline);
            LOG.info("joined {} on {} as {}", ssid, device, address.getHostAddress());
            return new WifiConnection(ssid, device, address, previous, temporary);
        } catch (WifiException | InterruptedException | RuntimeException e) {
            if (!temporary.isEmpty()) tool.quietly(removePreferred(device, temporary));
            if (previous instanceof PreviousNetwork.Saved saved) tool.quietly(rejoin(device, saved));
            throw e;
        }
    }

    private String wifiDevice() throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, HARDWARE_PORTS), Reason.UNAVAILABLE, "Asking macOS for the Wi-Fi adapter");
        return parseWifiDevice(r.stdout()).orElseThrow(() ->
                new WifiException(Reason.UNAVAILABLE, "This Mac has no Wi-Fi adapter."));
    }

    /** The device ({@code en0}) of the "Wi-Fi" (older macOS: "AirPort") hardware port. */
    static Optional<String> parseWifiDevice(String stdout) {
        boolean wifi = false;
        for (String line : ToolText.lines(stdout)) {
            if (line.startsWith("Hardware Port:")) {
                String port = line.substring("Hardware Port:".length()).strip();
                wifi = port.equals("Wi-Fi") || port.equals("AirPort");
            } else if (wifi && line.startsWith("Device:")) {
                return Optional.of(line.substring("Device:".length()).strip());
            }
        }
        return Optional.empty();
    }

    /** The network the Mac is on; empty when it is on none or macOS redacts the name. */
    private Optional<String> currentNetwork(String device) throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, NETWORKSETUP, "-getairportnetwork", device), Reason.JOIN_FAILED,
                "Asking macOS for the current network");
        Matcher m = CURRENT.matcher(r.stdout());
        if (!m.find()) return Optional.empty();   // "You are not associated with an AirPort network."
        String name = m.group(1).strip();
        if (name.isEmpty() || name.equals(REDACTED)) {
            LOG.info("macOS does not say which network {} is on", device);
            return Optional.empty();
        }
        return Optional.of(name);
    }

    private boolean isPreferred(String device, String ssid) throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, NETWORKSETUP, "-listpreferredwirelessnetworks", device),
                Reason.JOIN_FAILED, "Asking macOS for its saved networks");
        if (!r.succeeded() || !r.stdout().startsWith("Preferred networks")) {
            return true;   // cannot tell: then do not remove it afterwards either
        }
        return ToolText.lines(r.stdout()).stream().skip(1).map(String::strip).anyMatch(ssid::equals);
    }

    /**
     * networksetup prints nothing when it joined, a sentence otherwise; the number is CoreWLAN's error code
     * (-3905 timeout, -3912 challenge failure, -3924 invalid PMK, -3925 supplicant timeout: how a refused
     * password shows; -3930 operation not permitted).
     */
    static void checkJoin(CommandResult r, String ssid, String secret) throws WifiException {
        String out = ToolText.scrub(r.output(), secret);
        if (ToolText.containsIgnoreCase(out, "Could not find network")) {
            throw new WifiException(Reason.JOIN_NOT_FOUND, "The Wi-Fi \"" + ssid + "\" is not in range.");
        }
        if (out.contains("-3930") || ToolText.containsIgnoreCase(out, "not permitted")
                || ToolText.containsIgnoreCase(out, "administrator")) {
            throw new WifiException(Reason.PERMISSION_DENIED,
                    "macOS did not let this account change Wi-Fi networks (" + ToolText.gist(out) + ").",
                    "Ask IT to allow it (System Settings > Wi-Fi > Advanced: \"Require administrator authorization\"), "
                            + "or join the device's Wi-Fi from the Wi-Fi menu.");
        }
        if (ToolText.containsIgnoreCase(out, "Failed to join")) {
            if (out.matches("(?s).*-39(05|12|24|25)\\b.*")) {
                throw new WifiException(Reason.JOIN_WRONG_PASSWORD, "The Wi-Fi \"" + ssid + "\" did not accept the password.");
            }
            throw new WifiException(Reason.JOIN_FAILED, "Joining \"" + ssid + "\" failed: " + ToolText.gist(out) + ".");
        }
        if (!r.succeeded() || ToolText.containsIgnoreCase(out, "error")) {
            throw new WifiException(Reason.JOIN_FAILED, "Joining \"" + ssid + "\" failed: " + ToolText.gist(out) + ".");
        }
    }

    private Inet4Address waitForAddress(String device, String ssid, Deadline deadline) throws WifiException, InterruptedException {
        while (true) {
            CommandResult r = tool.run(Command.of(deadline.cap(QUERY_TIMEOUT), IPCONFIG, "getifaddr", device),
                    Reason.JOIN_TIMEOUT, "Getting an address from \"" + ssid + "\"");
            String text = r.stdout().strip();
            if (r.succeeded() && text.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                try {
                    if (InetAddress.getByName(text) instanceof Inet4Address a && !a.isLinkLocalAddress()) return a;
                } catch (UnknownHostException e) {
                    // not an address after all: keep waiting
                }
            }
            if (deadline.expired()) {
                throw new WifiException(Reason.JOIN_FAILED,
                        "The Mac joined \"" + ssid + "\" but got no IPv4 address on " + device + ".",
                        "Make sure the device is in access-point mode (it hands out addresses), then try again.");
            }
            Thread.sleep(pollInterval);
        }
    }

    private static Command removePreferred(String device, String ssid) {
        return Command.of(CHANGE_TIMEOUT, NETWORKSETUP, "-removepreferredwirelessnetwork", device, ssid);
    }

    /** Rejoins a saved network; macOS takes its password from the keychain. */
    private static Command rejoin(String device, PreviousNetwork.Saved saved) {
        return Command.of(Duration.ofSeconds(60), NETWORKSETUP, "-setairportnetwork", device, saved.id());
    }


    // ---------------------------------------------------------------- leave

    @Override
    public void leave(WifiConnection connection) throws WifiException, InterruptedException {
        String device = connection.interfaceName();
        List<String> problems = new ArrayList<>();
        if (!connection.temporaryProfile().isEmpty()) {
            CommandResult r = tool.runForLeave(removePreferred(device, connection.temporaryProfile()), problems,
                    "forget \"" + connection.temporaryProfile() + "\"");
            if (r != null && (!r.succeeded() || ToolText.containsIgnoreCase(r.output(), "error"))) {
                problems.add("forget \"" + connection.temporaryProfile() + "\" (" + ToolText.gist(r.output()) + ")");
            }
        }
        boolean back = false;
        if (connection.previous() instanceof PreviousNetwork.Saved saved) {
            CommandResult r = tool.runForLeave(rejoin(device, saved), new ArrayList<>(), "rejoin");
            back = r != null && r.succeeded() && r.output().isBlank();
            if (!back) LOG.warn("could not rejoin {}: {}", saved.name(), r == null ? "" : ToolText.gist(r.output()));
        }
        if (!back) {
            // networksetup cannot just disconnect: switching Wi-Fi off and on leaves the device's network and
            // lets macOS join its preferred networks by itself
            for (String state : List.of("off", "on")) {
                CommandResult r = tool.runForLeave(Command.of(CHANGE_TIMEOUT, NETWORKSETUP, "-setairportpower", device, state),
                        problems, "switch Wi-Fi " + state);
                if (r != null && !r.succeeded()) problems.add("switch Wi-Fi " + state + " (" + ToolText.gist(r.output()) + ")");
            }
        }
        Tool.finishLeave(connection, problems);
    }

}
