package io.fieldflash.sim.particle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fieldflash.Printable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Photon in listening mode ({@code fieldflash simulate --profile particle-softap}): the SoftAP set-up protocol
 * on raw TCP and on HTTP, as Device OS serves it. It answers {@code public-key} with its RSA-1024 key in the
 * device's fixed-size slot (DER, then zero bytes), decrypts the {@code configure-ap} password with its private
 * key, keeps what it got in its state folder, and leaves listening mode (stops) after {@code connect-ap}.
 */
public final class ParticleSoftApDevice implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParticleSoftApDevice.class);

    /** Size of the Photon's public-key slot: the DER key, then zeros. */
    public static final int PUBLIC_KEY_SLOT = 384;
    /** Largest request data taken. */
    static final int MAX_REQUEST = 4096;
    /** How long one connection may take to send its request. */
    static final int READ_TIMEOUT_MS = 10_000;
    private static final List<String> COMMANDS = List.of("version", "device-id", "public-key", "scan-ap", "configure-ap", "connect-ap", "set");

    /** Where it listens and how it behaves. {@code tcpPort}/{@code httpPort} 0 pick free ports. */
    public record Config(Path stateDir, InetAddress bind, int tcpPort, int httpPort, String deviceId, ParticleFaults faults) {}

    /** The networks its fake scan finds: SSID, RSSI, security word, channel. */
    public static final List<ScanEntry> SCAN = List.of(
            new ScanEntry("Site Office WLAN", -48, 0x00400004, 6),
            new ScanEntry("Pump House 2", -71, 0x00400006, 11),
            new ScanEntry("Maintenance", -63, 0x00200002, 1),
            new ScanEntry("Guest", -80, 0, 1));

    public record ScanEntry(String ssid, int rssi, int security, int channel) {}

    private final Config config;
    private final ParticleState state;
    private final ServerSocket tcp;
    private final HttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    private ParticleSoftApDevice(Config config, ParticleState state, ServerSocket tcp, HttpServer http) {
        this.config = config;
        this.state = state;
        this.tcp = tcp;
        this.http = http;
    }

    /** Starts both listeners. */
    public static ParticleSoftApDevice start(Config config) throws IOException {
        ParticleState state = ParticleState.open(config.stateDir(), config.deviceId());
        ServerSocket tcp = new ServerSocket();
        HttpServer http;
        try {
            tcp.bind(new InetSocketAddress(config.bind(), config.tcpPort()));
            http = HttpServer.create(new InetSocketAddress(config.bind(), config.httpPort()), 16);
        } catch (IOException e) {
            tcp.close();
            throw e;
        }
        ParticleSoftApDevice d = new ParticleSoftApDevice(config, state, tcp, http);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", d::serveHttp);
        http.start();
        Thread.ofPlatform().daemon().name("particle-softap-tcp").start(d::acceptTcp);
        LOG.info("Particle SoftAP device {} on tcp {} and http {}", state.deviceId(), d.tcpPort(), d.httpPort());
        return d;
    }

    public int tcpPort() {
        return tcp.getLocalPort();
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public ParticleState state() {
        return state;
    }

    public String describe() {
        return "Photon " + state.deviceId() + " in listening mode";
    }

    /** Waits until it stopped (after connect-ap, or {@link #stop()}). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStopped(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (stopping) return;
        stopping = true;
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing
        }
        http.stop(0);
        stopped.countDown();
    }

    @Override
    public void close() {
        stop();
    }

    /** After connect-ap the device leaves its access point: the answer goes out, then the listeners stop. */
    private void leaveSoon() {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // stop anyway
            }
            LOG.info("connect-ap: leaving listening mode");
            stop();
        });
    }

    // ---- transports

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                break;
            }
            Thread.ofVirtual().start(() -> serveTcp(s));
        }
    }

    /** {@code NAME\nLEN\n\nDATA}, then {@code \n\n} and the answer, then close; an unknown name gets nothing. */
    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(READ_TIMEOUT_MS);
            InputStream in = s.getInputStream();
            StringBuilder name = new StringBuilder();
            while (name.length() < 30) {
                int c = in.read();
                if (c <= 0 || c == '\n') break;
                name.append((char) c);
            }
            int length = 0;
            while (true) {
                int c = in.read();
                if (c < 0) return;
                if (c == '\n') break;
                if (c < '0' || c > '9') return;
                length = length * 10 + (c - '0');
                if (length > MAX_REQUEST) return;
            }
            boolean seenNewline = true;      // the line feed ending the length counts
            while (true) {
                int c = in.read();
                if (c < 0) return;
                if (c == '\n') {
                    if (seenNewline) break;
                    seenNewline = true;
                } else {
                    seenNewline = false;
                }
            }
            byte[] data = in.readNBytes(length);
            String command = name.toString();
            if (!COMMANDS.contains(command)) {
                LOG.info("tcp: unknown command '{}'", Printable.cut(command, 40));
                return;
            }
            Optional<String> answer = handle(command, new String(data, StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            answer.ifPresent(a -> {
                try {
                    out.write(a.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            out.flush();
            s.shutdownOutput();
            if (command.equals("connect-ap") && state.connected()) leaveSoon();
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("tcp connection ended: {}", e.toString());
        }
    }

    /** {@code GET /NAME} or {@code POST /NAME}: always 200 for a known command, the result only in the JSON. */
    private void serveHttp(HttpExchange ex) throws IOException {
        try (ex) {
            String command = ex.getRequestURI().getPath().substring(1);
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            if (!COMMANDS.contains(command)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] data = ex.getRequestBody().readNBytes(MAX_REQUEST + 1);
            if (data.length > MAX_REQUEST) data = new byte[0];
            Optional<String> answer = handle(command, new String(data, StandardCharsets.UTF_8));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);     // chunked, as the device sends it
            if (answer.isPresent()) ex.getResponseBody().write(answer.get().getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().close();
            if (command.equals("connect-ap") && state.connected()) leaveSoon();
        }
    }

    // ---- commands

    /** The answer to a command, or empty when the device answers nothing (it could not read the request). */
    Optional<String> handle(String command, String data) throws IOException {
        state.received(command);
        LOG.info("{} {}", command, data.isEmpty() ? "" : "(" + data.length() + " characters)");
        Optional<String> answer = switch (command) {
            case "version" -> Optional.of("{\"v\":2}");
            case "device-id" -> Optional.of("{\"id\":\"" + state.deviceId() + "\",\"c\":\"" + (state.claimCode().isEmpty() ? "0" : "1") + "\"}");
            case "public-key" -> Optional.of("{\"b\":\"" + publicKeyHex() + "\",\"r\":0}");
            case "scan-ap" -> Optional.of(scanAnswer());
            case "configure-ap" -> configure(data);
            case "set" -> set(data);
            case "connect-ap" -> {
                state.connected(true);
                yield Optional.of("{\"r\":0}");
            }
            default -> Optional.empty();
        };
        OptionalInt fault = config.faults().codeFor(command);
        if (fault.isPresent()) {
            if (command.equals("connect-ap")) state.connected(false);
            if (fault.getAsInt() == ParticleFaults.NO_ANSWER) return Optional.empty();
            return Optional.of("{\"r\":" + fault.getAsInt() + "}");
        }
        return answer;
    }

    /** The key's DER in the slot: upper-case hex, zero bytes after the key. */
    String publicKeyHex() {
        byte[] der = state.publicKey().getEncoded();
        return HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(der, Math.max(PUBLIC_KEY_SLOT, der.length)));
    }

    private static String scanAnswer() {
        StringBuilder out = new StringBuilder("{\"scans\":[");
        for (int i = 0; i < SCAN.size(); i++) {
            ScanEntry e = SCAN.get(i);
            if (i > 0) out.append(',');
            // the firmware writes the SSID unescaped
            out.append("{\"ssid\":\"").append(e.ssid()).append("\",\"rssi\":").append(e.rssi()).append(",\"sec\":").append(e.security())
                    .append(",\"ch\":").append(e.channel()).append(",\"mdr\":72200}");
        }
        return out.append("]}").toString();
    }

    private Optional<String> configure(String data) throws IOException {
        Optional<Map<String, FlatJson.Value>> req = read(data, Map.of("idx", false, "ssid", true, "pwd", true, "ch", false, "sec", false));
        if (req.isEmpty()) return Optional.empty();
        Map<String, FlatJson.Value> r = req.get();
        String ssid = r.containsKey("ssid") ? truncate(r.get("ssid").raw(), 32) : "";
        int sec = number(r, "sec");
        int ch = number(r, "ch");
        int idx = number(r, "idx");
        byte[] password = new byte[0];
        String pwdHex = r.containsKey("pwd") ? r.get("pwd").raw() : "";
        if (!pwdHex.isEmpty()) {
            try {
                byte[] cipherText = HexFormat.of().parseHex(pwdHex.length() % 2 == 0 ? pwdHex : pwdHex + "0");
                Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
                rsa.init(Cipher.DECRYPT_MODE, state.privateKey());
                password = rsa.doFinal(cipherText);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return Optional.of("{\"r\":-16640}");
            }
            if (password.length > 64) return Optional.of("{\"r\":-16640}");
        }
        if (ssid.isEmpty()) return Optional.of("{\"r\":-3}");
        if (!keyLengthFits(sec, password.length)) return Optional.of("{\"r\":-4}");
        state.store(new ParticleState.StoredNetwork(idx, ssid, new String(password, StandardCharsets.UTF_8),
                HexFormat.of().formatHex(password), sec, ch));
        LOG.info("configure-ap: stored '{}' (security 0x{}, channel {})", Printable.of(ssid), Integer.toHexString(sec), ch);
        return Optional.of("{\"r\":0}");
    }

    private static boolean keyLengthFits(int sec, int bytes) {
        if (sec == 0) return true;
        if ((sec & 0x00600000) != 0) return bytes >= 8 && bytes <= 64;
        return bytes == 5 || bytes == 13 || bytes == 10 || bytes == 26;
    }

    private Optional<String> set(String data) throws IOException {
        Optional<Map<String, FlatJson.Value>> req = read(data, Map.of("k", true, "v", true));
        if (req.isEmpty()) return Optional.empty();
        FlatJson.Value k = req.get().get("k");
        FlatJson.Value v = req.get().get("v");
        if (k == null || v == null || !k.raw().equals("cc") || v.raw().getBytes(StandardCharsets.UTF_8).length > 63) return Optional.of("{\"r\":-1}");
        state.claimCode(v.raw());
        return Optional.of("{\"r\":0}");
    }

    /** A request the firmware can read: known keys only, each of its type (true: string). */
    private static Optional<Map<String, FlatJson.Value>> read(String data, Map<String, Boolean> keys) {
        Optional<Map<String, FlatJson.Value>> parsed = FlatJson.parse(data);
        if (parsed.isEmpty()) return parsed;
        for (Map.Entry<String, FlatJson.Value> e : parsed.get().entrySet()) {
            Boolean string = keys.get(e.getKey());
            if (string == null || string != e.getValue().string()) return Optional.empty();
        }
        return parsed;
    }

    private static int number(Map<String, FlatJson.Value> r, String key) {
        FlatJson.Value v = r.get(key);
        if (v == null) return 0;
        try {   // atoi: leading digits, else 0
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^-?\\d+").matcher(v.raw());
            return m.find() ? (int) Long.parseLong(m.group()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String truncate(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= maxBytes ? s : new String(b, 0, maxBytes, StandardCharsets.UTF_8);
    }
}
