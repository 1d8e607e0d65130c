package io.fieldflash.sim.espota;

import io.fieldflash.AtomicFile;
import io.fieldflash.device.espota.EspOtaAuth;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of ArduinoOTA, as the ESP32 (arduino-esp32 3.x) and the ESP8266 (esp8266/Arduino) run it: a UDP
 * listener for invitations, {@code AUTH <nonce>} when it has a password (MD5 or, on an ESP32 with 3.3.1 or later,
 * SHA-256 over a PBKDF2 key), then it connects back to the laptop, writes what it receives, sends back each piece's
 * count, checks the image (first byte 0xE9, size, MD5) and ends with {@code OK} or its error text.
 *
 * <p>The two flavours differ where the real ones do: the ESP32 says {@code OK} before it prepares the update, so an
 * image too large for its partition gets an {@code OK} and then no connection; the ESP8266 prepares first and says
 * {@code ERR: ...} on UDP. A good image is kept as {@code received.bin} in the state folder (and the device "restarts").
 */
public final class EspOtaSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("sim.espota");

    /** Which device to be. */
    public enum Flavour { ESP32, ESP8266 }

    /**
     * @param bind       address to listen on (127.0.0.1 in tests)
     * @param port       UDP port, 0 for a free one
     * @param flavour    ESP32 or ESP8266 behaviour
     * @param password   the OTA password, empty for none
     * @param scheme     the challenge an ESP32 uses (MD5 before 3.3.1, SHA-256 from 3.3.1); an ESP8266 always uses MD5
     * @param maxImage   the update partition's size
     * @param stateDir   where {@code received.bin} is kept
     * @param dropAfter  the first transfer's connection is cut after this many bytes; negative: never
     * @param silent     the device answers nothing at all
     * @param stallAfter the first transfer stops being read after this many bytes (the device hangs); negative: never
     * @param readTimeout how long the device waits for data before giving up on a transfer (1 s on a real one)
     * @param md5Stored  the password was given to the device as its MD5 hash ({@code setPasswordHash}), which a 3.3.1 device
     *                   then uses in the SHA-256 challenge
     */
    public record Config(InetAddress bind, int port, Flavour flavour, String password, EspOtaAuth scheme, long maxImage,
                         Path stateDir, long dropAfter, boolean silent, long stallAfter, Duration readTimeout, boolean md5Stored) {
        public Config {
            if (flavour == Flavour.ESP8266) scheme = EspOtaAuth.MD5;
            if (password == null) password = "";
        }

        public static Config of(Path stateDir, Flavour flavour) {
            return new Config(InetAddress.getLoopbackAddress(), 0, flavour, "", EspOtaAuth.SHA256, 1_310_720, stateDir, -1, false, -1,
                    Duration.ofSeconds(5), false);
        }

        public Config password(String p, EspOtaAuth s) {
            return new Config(bind, port, flavour, p, s, maxImage, stateDir, dropAfter, silent, stallAfter, readTimeout, md5Stored);
        }

        /** The password given as its MD5 hash (setPasswordHash) on a device that uses the SHA-256 challenge. */
        public Config passwordGivenAsMd5() {
            return new Config(bind, port, flavour, password, scheme, maxImage, stateDir, dropAfter, silent, stallAfter, readTimeout, true);
        }

        public Config maxImage(long m) {
            return new Config(bind, port, flavour, password, scheme, m, stateDir, dropAfter, silent, stallAfter, readTimeout, md5Stored);
        }

        public Config faults(long drop, boolean quiet, long stall) {
            return new Config(bind, port, flavour, password, scheme, maxImage, stateDir, drop, quiet, stall, readTimeout, md5Stored);
        }

        public Config at(InetAddress b, int p) {
            return new Config(b, p, flavour, password, scheme, maxImage, stateDir, dropAfter, silent, stallAfter, readTimeout, md5Stored);
        }
    }

    /** The file the last good image is kept in. */
    public static final String RECEIVED = "received.bin";

    private final Config config;
    private final DatagramSocket udp;
    private final Thread loop;
    private final AtomicInteger transfers = new AtomicInteger();
    private final AtomicInteger updates = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean stopped;

    private EspOtaSimulator(Config config) throws IOException {
        this.config = config;
        Files.createDirectories(config.stateDir());
        this.udp = new DatagramSocket(new InetSocketAddress(config.bind(), config.port()));
        this.loop = Thread.ofPlatform().daemon().name("espota-sim-" + udp.getLocalPort()).start(this::serve);
    }

    public static EspOtaSimulator start(Config config) throws IOException {
        return new EspOtaSimulator(config);
    }

    public int port() {
        return udp.getLocalPort();
    }

    public InetAddress address() {
        return udp.getLocalAddress();
    }

    /** Transfers that connected back. */
    public int transfers() {
        return transfers.get();
    }

    /** Images taken whole and good. */
    public int updates() {
        return updates.get();
    }

    public Path received() {
        return config.stateDir().resolve(RECEIVED);
    }

    public String describe() {
        return config.flavour() + " ArduinoOTA" + (config.password().isEmpty() ? "" : " with a password (" + config.scheme() + " challenge)");
    }

    /** Waits until stopped. */
    public void awaitStopped() throws InterruptedException {
        loop.join();
    }

    @Override
    public void close() {
        stopped = true;
        udp.close();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the device's loop ---------------------------------------------------------------------------------------

    private record Invitation(InetAddress from, int fromPort, int tcpPort, long size, String md5) {}

    private void serve() {
        byte[] buf = new byte[1460];
        Invitation pending = null;
        String nonce = "";
        while (!stopped) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                if (stopped) return;
                continue;
            }
            if (config.silent()) continue;
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
            String[] f = text.trim().split(" ");
            try {
                if (pending == null) {
                    if (f.length != 4 || !(f[0].equals("0") || f[0].equals("100")) || f[3].length() != 32) continue;   // not an invitation
                    Invitation inv = new Invitation(p.getAddress(), p.getPort(), Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]);
                    LOG.info("invitation from {}:{} for {} bytes", inv.from().getHostAddress(), inv.fromPort(), inv.size());
                    if (!config.password().isEmpty()) {
                        nonce = nonce();
                        pending = inv;
                        answer(inv, "AUTH " + nonce);
                        continue;
                    }
                    run(inv);
                } else {
                    // The ESP32 answers the packet at hand; the ESP8266 keeps answering the invitation's source port.
                    Invitation inv = config.flavour() == Flavour.ESP32
                            ? new Invitation(p.getAddress(), p.getPort(), pending.tcpPort(), pending.size(), pending.md5())
                            : pending;
                    pending = null;
                    if (f.length != 3 || !f[0].equals("200") || f[1].length() != config.scheme().hexLength()
                            || f[2].length() != config.scheme().hexLength()) {
                        continue;     // the real device goes back to idle without a word
                    }
                    String stored = config.md5Stored() ? EspOtaAuth.MD5.passwordHash(config.password()) : config.scheme().passwordHash(config.password());
                    String expected = config.scheme().response(stored, nonce, f[1]);
                    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), f[2].getBytes(StandardCharsets.US_ASCII))) {
                        LOG.info("authentication failed");
                        answer(inv, "Authentication Failed");
                        continue;
                    }
                    run(inv);
                }
            } catch (NumberFormatException | IOException e) {
                pending = null;
            }
        }
    }

    private String nonce() {
        byte[] b = new byte[config.scheme().hexLength() / 2];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void answer(Invitation inv, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        udp.send(new DatagramPacket(b, b.length, inv.from(), inv.fromPort()));   // to the invitation's source port
    }

    /** The update itself, in the device's loop (a real device does nothing else meanwhile). */
    private void run(Invitation inv) throws IOException {
        boolean fits = inv.size() > 0 && inv.size() <= config.maxImage();
        if (config.flavour() == Flavour.ESP8266) {
            if (!fits) {
                answer(inv, "ERR: ERROR[4]: Not Enough Space");
                return;
            }
            answer(inv, "OK");
        } else {
            answer(inv, "OK");
            if (!fits) {
                LOG.info("Begin ERROR: Not Enough Space (the laptop is not told)");
                return;
            }
        }
        int attempt = transfers.incrementAndGet();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(inv.from(), inv.tcpPort()), 2000);
            s.setSoTimeout((int) config.readTimeout().toMillis());
            receive(s, inv, attempt == 1);
        } catch (SocketTimeoutException e) {
            LOG.info("Receive Failed");
        } catch (IOException e) {
            LOG.info("transfer ended: {}", e.getMessage());
        }
    }

    private void receive(Socket s, Invitation inv, boolean first) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path part = config.stateDir().resolve("receiving.part");
        byte[] buf = new byte[1460];
        long total = 0;
        try (OutputStream file = Files.newOutputStream(part)) {
            while (total < inv.size()) {
                if (first && config.stallAfter() >= 0 && total >= config.stallAfter()) {
                    LOG.info("fault: the device hangs after {} bytes", total);
                    while (!stopped && !s.isClosed()) sleep(50);
                    return;
                }
                int n = in.read(buf, 0, (int) Math.min(buf.length, inv.size() - total));
                if (n < 0) {
                    LOG.info("the laptop closed the connection after {} bytes", total);
                    return;
                }
                if (total == 0 && (buf[0] & 0xff) != 0xE9) {
                    out.write(error("Wrong Magic Byte", "ERROR[10]: Magic byte is wrong, not 0xE9"));
                    out.flush();
                    return;
                }
                if (first && config.dropAfter() >= 0 && total + n > config.dropAfter()) {
                    LOG.info("fault: connection cut after {} bytes", total);
                    s.setSoLinger(true, 0);
                    return;
                }
                file.write(buf, 0, n);
                md5.update(buf, 0, n);
                total += n;
                out.write(Integer.toString(n).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (SocketException e) {
            LOG.info("connection lost after {} bytes", total);
            return;
        }
        String got = HexFormat.of().formatHex(md5.digest());
        if (!got.equals(inv.md5())) {
            out.write(error("MD5 Check Failed", "ERROR[7]: MD5 Failed: expected:" + inv.md5() + ", calculated:" + got));
            out.flush();
            return;
        }
        AtomicFile.move(part, received());
        updates.incrementAndGet();
        out.write("OK".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        LOG.info("update of {} bytes written; rebooting", total);
    }

    private byte[] error(String esp32, String esp8266) {
        return ((config.flavour() == Flavour.ESP32 ? esp32 : esp8266) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
