package io.fieldflash.sim.webupdater;

import io.fieldflash.Printable;
import io.fieldflash.sim.Http1Server;
import io.fieldflash.sim.Reply;
import io.fieldflash.sim.Request;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the simulated Arduino web pages share ({@link WebUpdaterProfile}, {@code sim.elegantota.ElegantOtaProfile}): the
 * configuration, the HTTP server on loopback, the device's {@link ArduinoUpdate}, Basic authentication as the ESP web
 * servers check it, and an upload loop that feeds a multipart file part to a handler with the configured faults.
 */
public abstract class WebProfile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebProfile.class);
    /** The ESP32 app partition of the default partition table (1.25 MiB). */
    public static final long DEFAULT_PARTITION = 0x140000;

    /**
     * @param stateDir  where the received image is kept ({@code firmware.bin}) and the one under way ({@code upload.part})
     * @param chip      which Arduino core the device runs (for the web updater, ESP32 means arduino-esp32 3.3 or later)
     * @param user      Basic authentication user; with {@code password}, both non-empty, the pages ask for them
     * @param dropAt    the first upload is cut off (connection reset) after this many bytes of the file; -1 for never
     * @param stallAt   every upload stops being read after this many bytes of the file and is never answered; -1 for never
     */
    public record Config(Path stateDir, InetAddress bind, int port, ArduinoUpdate.Chip chip, String user, String password,
                         long partitionSize, long dropAt, long stallAt) {
        public Config {
            if (user == null) user = "";
            if (password == null) password = "";
        }

        public static Config of(Path stateDir, ArduinoUpdate.Chip chip) {
            return new Config(stateDir, InetAddress.getLoopbackAddress(), 0, chip, "", "", DEFAULT_PARTITION, -1, -1);
        }

        public Config withAuth(String u, String p) {
            return new Config(stateDir, bind, port, chip, u, p, partitionSize, dropAt, stallAt);
        }

        public Config withPort(int p) {
            return new Config(stateDir, bind, p, chip, user, password, partitionSize, dropAt, stallAt);
        }

        public Config withBind(InetAddress a) {
            return new Config(stateDir, a, port, chip, user, password, partitionSize, dropAt, stallAt);
        }

        public Config dropping(long at) {
            return new Config(stateDir, bind, port, chip, user, password, partitionSize, at, stallAt);
        }

        public Config stalling(long at) {
            return new Config(stateDir, bind, port, chip, user, password, partitionSize, dropAt, at);
        }

        /** True when the pages ask for a user and password (both set). */
        public boolean asksPassword() {
            return !user.isEmpty() && !password.isEmpty();
        }
    }

    /** What the device does with a file part as it arrives (the web server's upload callback). */
    protected interface UploadHandler {
        void start(MultipartReader.Part part) throws IOException;

        void write(byte[] b, int len) throws IOException;

        void end() throws IOException;

        /** The upload broke off; the connection is gone and nothing is answered. */
        void aborted() throws IOException;
    }

    protected final Config cfg;
    protected final ArduinoUpdate update;
    private final Http1Server server;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean dropped = new AtomicBoolean();

    protected WebProfile(Config cfg) throws IOException {
        this.cfg = cfg;
        this.update = new ArduinoUpdate(cfg.chip(), cfg.stateDir(), cfg.partitionSize());
        this.server = new Http1Server(cfg.bind(), cfg.port(), Duration.ofSeconds(30), Duration.ofMinutes(30), 8, this::serve);
    }

    /** Starts listening. */
    protected final void listen() throws IOException {
        server.open();
        LOG.info("{} listening on {}", describe(), address());
    }

    /** E.g. {@code Arduino web updater (ESP32)}. */
    public abstract String describe();

    /** Answers one request. */
    protected abstract Reply handle(Request r) throws IOException;

    private Reply serve(Request r) throws IOException {
        Reply reply = handle(r);
        if (reply instanceof Reply.Respond resp) {
            LOG.info("{} {} → {}", r.method(), Printable.cut(r.target(), 200), resp.status());
        }
        return reply;
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:PORT}: what a person types. */
    public URI address() {
        String host = cfg.bind().isAnyLocalAddress() ? "127.0.0.1" : cfg.bind().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port());
    }

    /** The last image the device took whole. */
    public Path receivedImage() {
        return update.firmwareFile();
    }

    /** How many images the device took whole since start. */
    public int flashed() {
        return update.flashed();
    }

    /** True while an update session is open on the device (after an upload broke off, on some devices). */
    public boolean sessionOpen() {
        return update.running();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        stopped.countDown();
        server.close(Duration.ofSeconds(2));
    }

    // ---- for the profiles ------------------------------------------------------------------------------------

    /** The ESP web servers' {@code authenticate()}: true when no password is set or the request carries the right one. */
    protected final boolean authenticated(Request r) {
        if (!cfg.asksPassword()) return true;
        Optional<String> h = r.header("Authorization");
        if (h.isEmpty() || !h.get().regionMatches(true, 0, "Basic ", 0, 6)) return false;
        try {
            String pair = new String(Base64.getDecoder().decode(h.get().substring(6).strip()), StandardCharsets.UTF_8);
            return pair.equals(cfg.user() + ":" + cfg.password());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The ESP web servers' {@code requestAuthentication()}. */
    protected static Reply.Respond askForPassword() {
        return Reply.text(401, "text/html", "").header("WWW-Authenticate", "Basic realm=\"Login Required\"");
    }

    /** The ESP web servers' answer to an unknown path. */
    protected static Reply.Respond notFound(Request r) {
        return Reply.text(404, "text/plain", "Not found: " + r.path());
    }

    /**
     * Reads a multipart body and hands its first file part to {@code h} in pieces the size the ESP web servers use,
     * with the configured faults. Returns normally when the body was read whole (then the final handler answers);
     * a connection that broke (or was cut by a fault) ends in an {@link Reply.Abort} to return instead.
     */
    protected final Optional<Reply> upload(Request r, UploadHandler h) throws IOException {
        String boundary = MultipartReader.boundary(r.header("Content-Type").orElse("")).orElse(null);
        if (boundary == null) return Optional.empty();     // no file: the final handler answers alone
        MultipartReader mr = new MultipartReader(new BufferedInputStream(r.body(), 16 * 1024), boundary);
        boolean started = false;
        try {
            Optional<MultipartReader.Part> part;
            while ((part = mr.next()).isPresent()) {
                if (!part.get().isFile() || started) continue;
                started = true;
                h.start(part.get());
                byte[] buf = new byte[2048];         // arduino-esp32 HTTP_UPLOAD_BUFLEN
                long total = 0;
                int n;
                while ((n = mr.read(buf, 0, buf.length)) >= 0) {
                    if (n == 0) continue;
                    if (cfg.dropAt() >= 0 && total + n > cfg.dropAt() && dropped.compareAndSet(false, true)) {
                        int keep = (int) (cfg.dropAt() - total);
                        if (keep > 0) h.write(buf, keep);
                        LOG.info("fault: the upload is cut off after {} bytes", cfg.dropAt());
                        h.aborted();
                        return Optional.of(new Reply.Abort(true, "drop fault"));
                    }
                    if (cfg.stallAt() >= 0 && total + n > cfg.stallAt()) stall();
                    h.write(buf, n);
                    total += n;
                }
                if (cfg.stallAt() >= 0 && total >= cfg.stallAt()) stall();
                h.end();
            }
        } catch (IOException e) {
            if (started) {
                LOG.info("the upload broke off: {}", e.toString());
                h.aborted();
            }
            return Optional.of(new Reply.Abort(false, "connection lost"));
        }
        return Optional.empty();
    }

    /** The device stops reading and never answers (until the simulator stops). */
    private void stall() throws IOException {
        LOG.info("fault: the device stops answering");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("stalled");
    }

    /** {@code reply}, sent on a closing connection, after which the device restarts (any update session is gone). */
    protected final Reply.Respond thenRestart(Reply.Respond reply) {
        return reply.closing().then(() -> {
            try {
                update.restart();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The query parameter {@code name} of {@code r}, URL-decoded. */
    protected static Optional<String> param(Request r, String name) {
        String t = r.target();
        int q = t.indexOf('?');
        if (q < 0) return Optional.empty();
        for (String kv : t.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) return Optional.of(eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    /** Reads {@code in} to its end, dropping it. */
    protected static void drain(InputStream in) throws IOException {
        in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    static List<String> flavors() {
        return List.of("esp32", "esp8266");
    }
}
