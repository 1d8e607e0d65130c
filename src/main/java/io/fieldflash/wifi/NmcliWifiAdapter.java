package io.fieldflash.wifi;

import io.fieldflash.wifi.WifiException.Reason;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux: NetworkManager through {@code nmcli}.
 *
 * <p>Joining creates an in-memory ({@code save no}), user-private, non-autoconnecting profile whose PSK is
 * "not saved" ({@code wifi-sec.psk-flags 2}), and activates it with {@code passwd-file}: the password goes
 * to nmcli in a 0600 file that is deleted as soon as nmcli returns, never on a command line where
 * {@code ps} would show it. The profile never takes the default route and has a low route metric, so
 * the device's subnet goes over Wi-Fi while the Internet stays on Ethernet.
 */
final class NmcliWifiAdapter implements WifiAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NmcliWifiAdapter.class);

    static final String NMCLI = "nmcli";
    static final String PROFILE_PREFIX = "FieldFlash ";
    static final String PSK_PROPERTY = "802-11-wireless-security.psk";

    static final Duration SCAN_TIMEOUT = Duration.ofSeconds(45);
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(15);
    static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(20);
    static final int RESTORE_WAIT_SECONDS = 30;
    /** How much longer than nmcli's own {@code --wait} nmcli may take to report. */
    static final Duration REPORT_MARGIN = Duration.ofSeconds(15);

    static final List<String> DEVICE_STATUS = List.of(NMCLI, "--terse", "--escape", "yes",
            "--fields", "DEVICE,TYPE,STATE", "device", "status");
    static final List<String> ACTIVE_CONNECTIONS = List.of(NMCLI, "--terse", "--escape", "yes",
            "--fields", "NAME,UUID,TYPE,DEVICE", "connection", "show", "--active");

    private static final Pattern ADDED = Pattern.compile("\\(([0-9a-fA-F-]{36})\\) successfully added");
    private static final Pattern IP4 = Pattern.compile("^IP4\\.ADDRESS\\[\\d+]:(\\d+\\.\\d+\\.\\d+\\.\\d+)(/\\d+)?$");

    private final Tool tool;
    private final SoftApPatterns patterns;
    private final String userName;
    private final Path secretsDir;

    NmcliWifiAdapter(CommandRunner runner, SoftApPatterns patterns) {
        this(runner, patterns, System.getProperty("user.name"), defaultSecretsDir());
    }

    NmcliWifiAdapter(CommandRunner runner, SoftApPatterns patterns, String userName, Path secretsDir) {
        this.tool = new Tool(runner);
        this.patterns = patterns;
        this.userName = userName;
        this.secretsDir = secretsDir;
    }

    /** {@code $XDG_RUNTIME_DIR} (a per-user tmpfs) when there is one, else the temp folder. */
    static Path defaultSecretsDir() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) return Path.of(runtime);
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    static List<String> scanArgv(boolean rescan) {
        return List.of(NMCLI, "--terse", "--escape", "yes", "--fields", "IN-USE,SSID,BSSID,SIGNAL,SECURITY,CHAN",
                "device", "wifi", "list", "--rescan", rescan ? "yes" : "no");
    }

    @Override
    public String description() {
        return "NetworkManager (nmcli)";
    }

    // ---------------------------------------------------------------- scan

    @Override
    public List<WifiNetwork> scan() throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(SCAN_TIMEOUT, scanArgv(true)), Reason.SCAN_FAILED, "The Wi-Fi scan");
        if (!r.succeeded()) {
            // e.g. "Scanning not allowed immediately following previous scan": the last scan is recent enough
            LOG.info("nmcli would not rescan ({}); listing the last scan", ToolText.gist(r.output()));
            r = tool.run(Command.of(QUERY_TIMEOUT, scanArgv(false)), Reason.SCAN_FAILED, "Listing Wi-Fi networks");
            if (!r.succeeded()) throw failure(r, Reason.SCAN_FAILED, "The Wi-Fi scan", "");
        }
        return ScanResults.merge(parseWifiList(r.stdout()), patterns);
    }

    static List<ScanResults.Entry> parseWifiList(String stdout) {
        List<ScanResults.Entry> out = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isEmpty()) continue;
            List<String> f = splitTerse(line);
            if (f.size() != 6) {
                LOG.warn("unexpected nmcli wifi list line with {} fields", f.size());
                continue;
            }
            int signal;
            try {
                signal = Integer.parseInt(f.get(3).strip());
            } catch (NumberFormatException e) {
                signal = 0;
            }
            String security = f.get(4).strip();
            boolean open = security.isEmpty() || security.equals("--");
            out.add(new ScanResults.Entry(f.get(1), f.get(2), signal, security, open, f.get(0).strip().equals("*")));
        }
        return out;
    }

    /**
     * Splits one line of nmcli's terse output ({@code --escape yes}): fields are separated by {@code :};
     * a {@code :} or {@code \} inside a value is written {@code \:} or {@code \\}.
     */
    static List<String> splitTerse(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (c == ':') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    // ---------------------------------------------------------------- join

    @Override
    public WifiConnection join(String ssid, char[] password, Duration timeout) throws WifiException, InterruptedException {
        Credentials.checkJoin(ssid, password, timeout);
        Deadline deadline = Deadline.after(timeout);
        String device = wifiDevice();
        PreviousNetwork previous = activeWifiConnection(device);
        boolean open = password.length == 0;
        String uuid = addProfile(device, ssid, open);
        try {
            activate(uuid, ssid, open ? null : password, deadline);
            Inet4Address address = ipv4Address(device, ssid);
            LOG.info("joined {} on {} as {}", ssid, device, address.getHostAddress());
            return new WifiConnection(ssid, device, address, previous, uuid);
        } catch (WifiException | InterruptedException | RuntimeException e) {
            undoJoin(uuid, previous);
            throw e;
        }
    }

    private String wifiDevice() throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, DEVICE_STATUS), Reason.UNAVAILABLE, "Asking NetworkManager for the Wi-Fi adapter");
        if (!r.succeeded()) throw failure(r, Reason.UNAVAILABLE, "Asking NetworkManager for the Wi-Fi adapter", "");
        String unavailable = null;
        String candidate = null;
        for (String line : ToolText.lines(r.stdout())) {
            List<String> f = splitTerse(line);
            if (f.size() != 3 || !f.get(1).equals("wifi")) continue;
            String state = f.get(2);
            if (state.startsWith("unavailable")) {
                unavailable = f.get(0);
            } else if (!state.startsWith("unmanaged")) {
                if (state.startsWith("connected")) return f.getFirst();
                if (candidate == null) candidate = f.getFirst();
            }
        }
        if (candidate != null) return candidate;
        if (unavailable != null) {
            throw new WifiException(Reason.UNAVAILABLE, "Wi-Fi is switched off on this laptop (" + unavailable + " is unavailable).");
        }
        throw new WifiException(Reason.UNAVAILABLE, "This laptop has no Wi-Fi adapter that NetworkManager manages.");
    }

    private PreviousNetwork activeWifiConnection(String device) throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, ACTIVE_CONNECTIONS), Reason.JOIN_FAILED, "Asking NetworkManager for the current network");
        if (!r.succeeded()) throw failure(r, Reason.JOIN_FAILED, "Asking NetworkManager for the current network", "");
        for (String line : ToolText.lines(r.stdout())) {
            List<String> f = splitTerse(line);
            if (f.size() != 4) continue;
            boolean wifi = f.get(2).equals("802-11-wireless") || f.get(2).equals("wifi");
            if (wifi && f.get(3).equals(device) && !f.get(0).startsWith(PROFILE_PREFIX)) {
                return new PreviousNetwork.Saved(f.get(1), f.get(0));
            }
        }
        return PreviousNetwork.NONE;
    }

    List<String> addProfileArgv(String device, String ssid, boolean open) {
        List<String> argv = new ArrayList<>(List.of(NMCLI, "connection", "add", "save", "no", "type", "wifi",
                "ifname", device, "con-name", PROFILE_PREFIX + ssid, "ssid", ssid,
                "connection.autoconnect", "no",
                "connection.permissions", "user:" + userName,
                "ipv4.method", "auto", "ipv4.never-default", "yes", "ipv4.may-fail", "no", "ipv4.route-metric", "50",
                "ipv6.method", "ignore"));
        if (!open) argv.addAll(List.of("wifi-sec.key-mgmt", "wpa-psk", "wifi-sec.psk-flags", "2"));
        return argv;
    }

    private String addProfile(String device, String ssid, boolean open) throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(CHANGE_TIMEOUT, addProfileArgv(device, ssid, open)), Reason.JOIN_FAILED,
                "Creating the network profile");
        if (!r.succeeded()) throw failure(r, Reason.JOIN_FAILED, "Creating a network profile for \"" + ssid + "\"", ssid);
        Matcher m = ADDED.matcher(r.stdout());
        if (!m.find()) {
            throw new WifiException(Reason.JOIN_FAILED,
                    "NetworkManager created a profile for \"" + ssid + "\" but did not say which (" + ToolText.gist(r.output()) + ").");
        }
        return m.group(1);
    }

    private void activate(String uuid, String ssid, char[] password, Deadline deadline) throws WifiException, InterruptedException {
        long wait = deadline.secondsLeft();
        List<String> argv = new ArrayList<>(List.of(NMCLI, "--wait", Long.toString(wait), "connection", "up", "uuid", uuid));
        Path secrets = null;
        try {
            if (password != null) {
                secrets = writePasswordFile(password);
                argv.addAll(List.of("passwd-file", secrets.toString()));
            }
            Command up = Command.of(Duration.ofSeconds(wait).plus(REPORT_MARGIN), argv);
            CommandResult r = tool.run(up, Reason.JOIN_TIMEOUT, "Joining \"" + ssid + "\"");
            if (!r.succeeded()) throw failure(r, Reason.JOIN_FAILED, "Joining \"" + ssid + "\"", ssid);
        } finally {
            if (secrets != null) deleteQuietly(secrets);
        }
    }

    /** A 0600 file (created so, never wider) with the one line nmcli's passwd-file reads. */
    private Path writePasswordFile(char[] password) throws WifiException {
        byte[] secret = Credentials.asciiBytes(password);
        Path file = null;
        try {
            file = Files.createTempFile(secretsDir, "fieldflash-wifi-", ".secret",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((PSK_PROPERTY + ":").getBytes(StandardCharsets.US_ASCII)));
                ch.write(ByteBuffer.wrap(secret));
            }
            return file;
        } catch (IOException | UnsupportedOperationException e) {
            if (file != null) deleteQuietly(file);
            throw new WifiException(Reason.JOIN_FAILED,
                    "FieldFlash could not hand the password to NetworkManager (" + e.getClass().getSimpleName() + ").",
                    "Check that the temporary folder " + secretsDir + " is writable, or join from the system menu.", e);
        } finally {
            Credentials.wipe(secret);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }

    private Inet4Address ipv4Address(String device, String ssid) throws WifiException, InterruptedException {
        CommandResult r = tool.run(Command.of(QUERY_TIMEOUT, NMCLI, "--terse", "--escape", "yes", "--fields", "IP4.ADDRESS",
                "device", "show", device), Reason.JOIN_FAILED, "Asking NetworkManager for the laptop's address");
        if (r.succeeded()) {
            for (String line : ToolText.lines(r.stdout())) {
                Matcher m = IP4.matcher(line.strip());
                if (m.matches()) {
                    try {
                        if (InetAddress.getByName(m.group(1)) instanceof Inet4Address a) return a;
                    } catch (UnknownHostException e) {
                        // a literal address never needs a lookup
                    }
                }
            }
        }
        throw new WifiException(Reason.JOIN_FAILED,
                "The laptop joined \"" + ssid + "\" but got no IPv4 address on " + device + ".",
                "Make sure the device is in access-point mode (it hands out addresses), then try again.");
    }

    /** After a failed join: remove the profile and go back, best effort. */
    private void undoJoin(String uuid, PreviousNetwork previous) throws InterruptedException {
        tool.quietly(Command.of(CHANGE_TIMEOUT, NMCLI, "connection", "delete", "uuid", uuid));
        if (previous instanceof PreviousNetwork.Saved saved) tool.quietly(reactivate(saved));
    }


    private static Command reactivate(PreviousNetwork.Saved saved) {
        return Command.of(Duration.ofSeconds(RESTORE_WAIT_SECONDS).plus(REPORT_MARGIN),
                NMCLI, "--wait", Integer.toString(RESTORE_WAIT_SECONDS), "connection", "up", "uuid", saved.id());
    }

    // ---------------------------------------------------------------- leave

    @Override
    public void leave(WifiConnection connection) throws WifiException, InterruptedException {
        List<String> problems = new ArrayList<>();
        String uuid = connection.temporaryProfile();
        if (!uuid.isEmpty()) {
            // "not an active connection" when the device already went away: nothing to do
            tool.quietly(Command.of(CHANGE_TIMEOUT, NMCLI, "connection", "down", "uuid", uuid));
            CommandResult del = tool.runForLeave(Command.of(CHANGE_TIMEOUT, NMCLI, "connection", "delete", "uuid", uuid), problems,
                    "remove its temporary profile \"" + PROFILE_PREFIX + connection.ssid() + "\"");
            if (del != null && !del.succeeded() && del.exitCode() != 10) {
                problems.add("remove its temporary profile \"" + PROFILE_PREFIX + connection.ssid() + "\" ("
                        + ToolText.gist(del.output()) + ")");
            }
        }
        if (connection.previous() instanceof PreviousNetwork.Saved saved) {
            CommandResult up = tool.runForLeave(reactivate(saved), problems, "rejoin \"" + saved.name() + "\"");
            if (up != null && !up.succeeded()) {
                problems.add("rejoin \"" + saved.name() + "\" (" + ToolText.gist(up.output()) + ")");
            }
        }
        Tool.finishLeave(connection, problems);
    }


    // ---------------------------------------------------------------- errors

    /**
     * Maps nmcli's exit status and error text (see nmcli(1) "Exit Status" and NetworkManager's device
     * state reasons) to a reason a technician can act on.
     */
    static WifiException failure(CommandResult r, Reason fallback, String what, String ssid) {
        String out = r.output();
        String gist = ToolText.gist(out);
        String network = ssid.isEmpty() ? "the network" : "\"" + ssid + "\"";
        if (r.exitCode() == 8 || ToolText.containsIgnoreCase(out, "NetworkManager is not running")) {
            return new WifiException(Reason.UNAVAILABLE, "NetworkManager is not running on this laptop.",
                    "Ask IT to start NetworkManager, or join the device's Wi-Fi from the system menu.");
        }
        if (ToolText.containsIgnoreCase(out, "not authorized") || ToolText.containsIgnoreCase(out, "insufficient privileges")
                || ToolText.containsIgnoreCase(out, "permission denied")) {
            return new WifiException(Reason.PERMISSION_DENIED,
                    "This user account is not allowed to change Wi-Fi networks (NetworkManager said: " + gist + ").");
        }
        if (fallback.isJoinFailure()) {
            if (ToolText.containsIgnoreCase(out, "Secrets were required")
                    || ToolText.containsIgnoreCase(out, "supplicant took too long to authenticate")
                    || ToolText.containsIgnoreCase(out, "supplicant disconnected")) {
                return new WifiException(Reason.JOIN_WRONG_PASSWORD, "The Wi-Fi " + network + " did not accept the password.");
            }
            if (ToolText.containsIgnoreCase(out, "network could not be found")
                    || ToolText.containsIgnoreCase(out, "No network with SSID")) {
                return new WifiException(Reason.JOIN_NOT_FOUND, "The Wi-Fi " + network + " is not in range.");
            }
            if (r.exitCode() == 3 || ToolText.containsIgnoreCase(out, "Timeout expired")) {
                return new WifiException(Reason.JOIN_TIMEOUT, what + " did not finish in time (" + gist + ").");
            }
            if (ToolText.containsIgnoreCase(out, "IP configuration could not be reserved")) {
                return new WifiException(Reason.JOIN_FAILED,
                        "The laptop reached " + network + " but the device gave it no address.",
                        "Make sure the device is in access-point mode (it hands out addresses), then try again.");
            }
        }
        return new WifiException(fallback, what + " failed: " + gist + ".");
    }
}
