package io.fieldflash.wifi;

import io.fieldflash.wifi.WifiException.Reason;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Windows: {@code netsh wlan}, reading its English output.
 *
 * <p>Joining writes a temporary WLAN profile XML (WPA2-Personal/AES, or open), adds it for the current user
 * only, deletes the XML at once, then connects with it and waits until Windows reports the network connected
 * and an IPv4 address on the interface. The password is in that XML for the few milliseconds
 * {@code netsh wlan add profile} needs; it is never on a command line. netsh cannot ask Windows to
 * rescan: {@link #scan()} lists what Windows last saw (it rescans on its own about every minute).
 */
final class NetshWifiAdapter implements WifiAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NetshWifiAdapter.class);

    static final String NETSH = "netsh";
    static final String PROFILE_PREFIX = "FieldFlash-";
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(15);
    static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(20);
    static final Duration DEFAULT_POLL = Duration.ofMillis(750);

    static final List<String> SHOW_NETWORKS = List.of(NETSH, "wlan", "show", "networks", "mode=bssid");
    static final List<String> SHOW_INTERFACES = List.of(NETSH, "wlan", "show", "interfaces");

    private static final Pattern IPV4 = Pattern.compile("\\b(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})\\b");

    private final Tool tool;
    private final SoftApPatterns patterns;
    private final Path tempDir;
    private final Duration pollInterval;

    NetshWifiAdapter(CommandRunner runner, SoftApPatterns patterns) {
        this(runner, patterns, Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_POLL);
    }

    NetshWifiAdapter(CommandRunner runner, SoftApPatterns patterns, Path tempDir, Duration pollInterval) {
        this.tool = new Tool(runner);
        this.patterns = patterns;
        this.tempDir = tempDir;
        this.pollInterval = pollInterval;
    }

    @Override
    public String description() {
        return "Windows WLAN (netsh)";
    }

    /** What {@code netsh wlan show interfaces} says about one Wi-Fi interface. */
    record Interface(String name, String description, String mac, String state, String ssid, String bssid, String profile) {
        boolean connected() {
            return state.equalsIgnoreCase("connected");
        }
    }

    // ---------------------------------------------------------------- scan

    @Override
    public List<WifiNetwork> scan() throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, SHOW_NETWORKS), Reason.SCAN_FAILED, "Listing Wi-Fi networks");
        checkCommonErrors(r);
        if (!r.succeeded()) throw new WifiException(Reason.SCAN_FAILED, "Listing Wi-Fi networks failed: " + ToolText.gist(r.output()) + ".");
        List<ScanResults.Entry> entries = parseNetworks(r.stdout());
        List<Interface> interfaces = interfaces();
        List<ScanResults.Entry> marked = new ArrayList<>();
        for (ScanResults.Entry e : entries) {
            boolean inUse = interfaces.stream().anyMatch(i -> i.connected() && i.ssid().equals(e.ssid())
                    && (i.bssid().isEmpty() || i.bssid().equalsIgnoreCase(e.bssid())));
            marked.add(new ScanResults.Entry(e.ssid(), e.bssid(), e.signal(), e.security(), e.open(), inUse));
        }
        return ScanResults.merge(marked, patterns);
    }

    /** Parses {@code netsh wlan show networks mode=bssid}: one entry per BSSID. */
    static List<ScanResults.Entry> parseNetworks(String stdout) {
        List<ScanResults.Entry> out = new ArrayList<>();
        String ssid = null, auth = "", enc = "", bssid = null;
        int signal = 0;
        for (String line : ToolText.lines(stdout)) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String raw = line.substring(colon + 1);
            String value = raw.startsWith(" ") ? raw.substring(1) : raw;
            if (key.matches("SSID \\d+")) {
                if (ssid != null && bssid != null) out.add(entry(ssid, bssid, signal, auth, enc));
                ssid = value;
                auth = enc = "";
                bssid = null;
                signal = 0;
            } else if (ssid == null) {
                continue;
            } else if (key.matches("BSSID \\d+")) {
                if (bssid != null) out.add(entry(ssid, bssid, signal, auth, enc));
                bssid = value.strip();
                signal = 0;
            } else if (key.equalsIgnoreCase("Authentication")) {
                auth = value.strip();
            } else if (key.equalsIgnoreCase("Encryption")) {
                enc = value.strip();
            } else if (bssid != null && value.strip().matches("\\d{1,3}\\s*%")) {   // "Signal : 88%" in any language
                signal = Integer.parseInt(value.strip().replaceAll("\\D", ""));
            }
        }
        if (ssid != null && bssid != null) out.add(entry(ssid, bssid, signal, auth, enc));
        return out;
    }

    private static ScanResults.Entry entry(String ssid, String bssid, int signal, String auth, String enc) {
        boolean open = auth.equalsIgnoreCase("Open") && (enc.isEmpty() || enc.equalsIgnoreCase("None"));
        String security = auth.isEmpty() ? "unknown" : auth;
        return new ScanResults.Entry(ssid, bssid, ScanResults.clamp(signal), security, open, false);
    }

    /** Parses {@code netsh wlan show interfaces}. */
    static List<Interface> parseInterfaces(String stdout) {
        List<Interface> out = new ArrayList<>();
        String[] cur = null;   // name, description, mac, state, ssid, bssid, profile
        for (String line : ToolText.lines(stdout)) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.startsWith(" ")) continue;
            String key = line.substring(0, colon).strip();
            String raw = line.substring(colon + 1);
            String value = (raw.startsWith(" ") ? raw.substring(1) : raw);
            switch (key) {
                case "Name" -> {
                    if (cur != null) out.add(toInterface(cur));
                    cur = new String[] {value.strip(), "", "", "", "", "", ""};
                }
                case "Description" -> set(cur, 1, value.strip());
                case "Physical address" -> set(cur, 2, value.strip());
                case "State" -> set(cur, 3, value.strip());
                case "SSID" -> set(cur, 4, value.stripTrailing());
                case "BSSID", "AP BSSID" -> set(cur, 5, value.strip());
                case "Profile" -> set(cur, 6, value.stripTrailing());
                default -> { }
            }
        }
        if (cur != null) out.add(toInterface(cur));
        return out;
    }

    private static void set(String[] cur, int i, String value) {
        if (cur != null) cur[i] = value;
    }

    private static Interface toInterface(String[] f) {
        return new Interface(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
    }

    private List<Interface> interfaces() throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, SHOW_INTERFACES), Reason.UNAVAILABLE, "Asking Windows for the Wi-Fi adapter");
        checkCommonErrors(r);
        if (!r.succeeded()) {
            throw new WifiException(Reason.UNAVAILABLE, "Windows did not describe its Wi-Fi adapter: " + ToolText.gist(r.output()) + ".");
        }
        return parseInterfaces(r.stdout());
    }

    /** The errors any netsh wlan command can give, whatever it was asked. */
    static void checkCommonErrors(CommandResult r) throws WifiException {
        String out = r.output();
        if (ToolText.containsIgnoreCase(out, "location permission")) {
            throw new WifiException(Reason.PERMISSION_DENIED,
                    "Windows will not show Wi-Fi networks to programs while Location is off.",
                    "Turn on Location services and \"Let desktop apps access your location\" "
                            + "(Settings > Privacy & security > Location), or join the device's Wi-Fi from the network menu.");
        }
        if (ToolText.containsIgnoreCase(out, "wlansvc") && ToolText.containsIgnoreCase(out, "not running")) {
            throw new WifiException(Reason.UNAVAILABLE, "Windows' WLAN AutoConfig service is not running.",
                    "Ask IT to start the WLAN AutoConfig service, or join the device's Wi-Fi from the network menu.");
        }
        if (ToolText.containsIgnoreCase(out, "no wireless interface")) {
            throw new WifiException(Reason.UNAVAILABLE, "This laptop has no Wi-Fi adapter, or it is switched off.");
        }
        if (ToolText.containsIgnoreCase(out, "requires elevation") || ToolText.containsIgnoreCase(out, "access is denied")) {
            throw new WifiException(Reason.PERMISSION_DENIED,
                    "Windows did not allow this (it said: " + ToolText.gist(out) + ").");
        }
    }

    // ---------------------------------------------------------------- join

    static String profileNameFor(String ssid) {
        return PROFILE_PREFIX + ssid.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public WifiConnection join(String ssid, char[] password, Duration timeout) throws WifiException, InterruptedException {
        Credentials.checkJoin(ssid, password, timeout);
        Deadline deadline = Deadline.after(timeout);
        List<Interface> interfaces = interfaces();
        Interface iface = interfaces.stream().filter(Interface::connected).findFirst()
                .or(() -> interfaces.stream().findFirst())
                .orElseThrow(() -> new WifiException(Reason.UNAVAILABLE, "This laptop has no Wi-Fi adapter, or it is switched off."));
        PreviousNetwork previous = iface.connected() && !iface.profile().isEmpty() && !iface.profile().startsWith(PROFILE_PREFIX)
                ? new PreviousNetwork.Saved(iface.profile(), iface.ssid().isEmpty() ? iface.profile() : iface.ssid())
                : PreviousNetwork.NONE;
        String profile = profileNameFor(ssid);
        addProfile(iface.name(), profile, ssid, password);
        try {
            connect(iface.name(), profile, ssid);
            waitUntilConnected(iface.name(), ssid, password.length == 0, deadline);
            Inet4Address address = waitForAddress(iface.name(), ssid, deadline);
            LOG.info("joined {} on {} as {}", ssid, iface.name(), address.getHostAddress());
            return new WifiConnection(ssid, iface.name(), address, previous, profile);
        } catch (WifiException | InterruptedException | RuntimeException e) {
            tool.quietly(Command.of(CHANGE_TIMEOUT, NETSH, "wlan", "delete", "profile", "name=" + profile, "interface=" + iface.name()));
            if (previous instanceof PreviousNetwork.Saved saved) tool.quietly(connectCommand(iface.name(), saved.id()));
            throw e;
        }
    }

    private void addProfile(String iface, String profile, String ssid, char[] password) throws WifiException, InterruptedException {
        Path xml = null;
        byte[] bytes = WlanProfileXml.build(profile, ssid, password);
        try {
            xml = Files.createTempFile(tempDir, "fieldflash-wlan-", ".xml", ownerOnly());
            try (FileChannel ch = FileChannel.open(xml, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(bytes));
            }
            CommandResult r = tool.run(Command.of(CHANGE_TIMEOUT, NETSH, "wlan", "add", "profile", "filename=" + xml,
                    "interface=" + iface, "user=current"), Reason.JOIN_FAILED, "Adding the Wi-Fi profile");
            checkCommonErrors(r);
            if (!r.succeeded() || !ToolText.containsIgnoreCase(r.output(), "is added")) {
                throw new WifiException(Reason.JOIN_FAILED,
                        "Windows did not accept a Wi-Fi profile for \"" + ssid + "\": " + ToolText.gist(r.output()) + ".");
            }
        } catch (IOException e) {
            throw new WifiException(Reason.JOIN_FAILED, "FieldFlash could not write the Wi-Fi profile for \"" + ssid + "\".",
                    "Check that the temporary folder " + tempDir + " is writable, or join from the network menu.", e);
        } finally {
            Credentials.wipe(bytes);
            if (xml != null) {
                try {
                    Files.deleteIfExists(xml);
                } catch (IOException e) {
                    LOG.warn("could not delete {}: {}", xml, e.toString());
                }
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];   // Windows: the user's %TEMP% is already private to the user
    }

    private static Command connectCommand(String iface, String profile) {
        return Command.of(CHANGE_TIMEOUT, NETSH, "wlan", "connect", "name=" + profile, "interface=" + iface);
    }

    private void connect(String iface, String profile, String ssid) throws WifiException, InterruptedException {
        CommandResult r = tool.run(connectCommand(iface, profile), Reason.JOIN_TIMEOUT, "Joining \"" + ssid + "\"");
        checkCommonErrors(r);
        if (r.succeeded() && ToolText.containsIgnoreCase(r.output(), "completed successfully")) return;
        if (ToolText.containsIgnoreCase(r.output(), "is not available to connect")) {
            throw new WifiException(Reason.JOIN_NOT_FOUND, "The Wi-Fi \"" + ssid + "\" is not in range.");
        }
        throw new WifiException(Reason.JOIN_FAILED, "Joining \"" + ssid + "\" failed: " + ToolText.gist(r.output()) + ".");
    }

    /**
     * Windows connects in the background; netsh only says it started. A network that reaches
     * "authenticating" and then drops back to "disconnected" refused the password.
     */
    private void waitUntilConnected(String iface, String ssid, boolean open, Deadline deadline)
            throws WifiException, InterruptedException {
        boolean authenticating = false;
        while (true) {
            CommandResult r = tool.run(Command.of(deadline.cap(QUERY_TIMEOUT), SHOW_INTERFACES), Reason.JOIN_TIMEOUT, "Joining \"" + ssid + "\"");
            checkCommonErrors(r);
            Optional<Interface> now = parseInterfaces(r.stdout()).stream().filter(i -> i.name().equals(iface)).findFirst();
            if (now.isPresent()) {
                Interface i = now.get();
                if (i.connected() && i.ssid().equals(ssid)) return;
                if (i.state().equalsIgnoreCase("authenticating")) authenticating = true;
                if (authenticating && !open && i.state().equalsIgnoreCase("disconnected")) {
                    throw new WifiException(Reason.JOIN_WRONG_PASSWORD, "The Wi-Fi \"" + ssid + "\" did not accept the password.");
                }
            }
            if (deadline.expired()) {
                throw new WifiException(Reason.JOIN_TIMEOUT, "Joining \"" + ssid + "\" did not finish in time"
                        + now.map(i -> " (Windows says: " + i.state() + ")").orElse("") + ".");
            }
            Thread.sleep(pollInterval);
        }
    }

    private Inet4Address waitForAddress(String iface, String ssid, Deadline deadline) throws WifiException, InterruptedException {
        while (true) {
            CommandResult r = tool.run(Command.of(deadline.cap(QUERY_TIMEOUT), NETSH, "interface", "ipv4", "show", "addresses",
                    "name=" + iface), Reason.JOIN_TIMEOUT, "Getting an address from \"" + ssid + "\"");
            if (r.succeeded()) {
                Optional<Inet4Address> a = parseAddress(r.stdout());
                if (a.isPresent()) return a.get();
            }
            if (deadline.expired()) {
                throw new WifiException(Reason.JOIN_FAILED,
                        "The laptop joined \"" + ssid + "\" but got no IPv4 address on " + iface + ".",
                        "Make sure the device is in access-point mode (it hands out addresses), then try again.");
            }
            Thread.sleep(pollInterval);
        }
    }

    /** The interface's IPv4 address from {@code netsh interface ipv4 show addresses}, not an automatic 169.254 one. */
    static Optional<Inet4Address> parseAddress(String stdout) {
        for (String line : ToolText.lines(stdout)) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon);
            if (!key.matches("(?i).*\\bIP\\b.*") || key.matches("(?i).*DHCP.*")) continue;
            Matcher m = IPV4.matcher(line.substring(colon + 1));
            if (!m.find()) continue;
            try {
                if (InetAddress.getByName(m.group(1)) instanceof Inet4Address a && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            } catch (UnknownHostException e) {
                // not an address after all
            }
        }
        return Optional.empty();
    }


    // ---------------------------------------------------------------- leave

    @Override
    public void leave(WifiConnection connection) throws WifiException, InterruptedException {
        String iface = connection.interfaceName();
        List<String> problems = new ArrayList<>();
        tool.quietly(Command.of(CHANGE_TIMEOUT, NETSH, "wlan", "disconnect", "interface=" + iface));
        if (connection.previous() instanceof PreviousNetwork.Saved saved) {
            step(connectCommand(iface, saved.id()), "rejoin \"" + saved.name() + "\"", "completed successfully", problems);
        }
        if (!connection.temporaryProfile().isEmpty()) {
            step(Command.of(CHANGE_TIMEOUT, NETSH, "wlan", "delete", "profile", "name=" + connection.temporaryProfile(),
                    "interface=" + iface), "remove its Wi-Fi profile \"" + connection.temporaryProfile() + "\"", "is deleted", problems);
        }
        Tool.finishLeave(connection, problems);
    }

    private void step(Command command, String what, String successText, List<String> problems) throws InterruptedException {
        try {
            CommandResult r = tool.run(command, Reason.LEAVE_FAILED, what);
            if (!r.succeeded() || !ToolText.containsIgnoreCase(r.output(), successText)) {
                problems.add(what + " (" + ToolText.gist(r.output()) + ")");
            }
        } catch (WifiException e) {
            problems.add(what + " (" + e.getMessage() + ")");
        }
    }

    // ---------------------------------------------------------------- address

    /**
     * netsh names interfaces by their connection name ("Wi-Fi"), which {@link java.net.NetworkInterface} does
     * not know: the interface is found by its MAC address instead.
     */
    @Override
    public Optional<InetAddress> localAddress(String interfaceName) {
        try {
            CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, SHOW_INTERFACES), Reason.UNAVAILABLE, "Asking Windows for the Wi-Fi adapter");
            for (Interface i : parseInterfaces(r.stdout())) {
                if (i.name().equals(interfaceName)) {
                    Optional<Inet4Address> a = LocalAddresses.ipv4OfHardwareAddress(i.mac());
                    if (a.isPresent()) return a.map(InetAddress.class::cast);
                    if (!i.description().isEmpty()) return LocalAddresses.ipv4Of(i.description()).map(InetAddress.class::cast);
                }
            }
        } catch (WifiException e) {
            LOG.warn("could not look up {}: {}", interfaceName, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return WifiAdapter.super.localAddress(interfaceName);
    }
}
