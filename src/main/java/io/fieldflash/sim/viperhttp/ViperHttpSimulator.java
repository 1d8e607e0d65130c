package io.fieldflash.sim.viperhttp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ViperHTTP's OTA routes as {@code viperhttp_ota.py} serves them: {@code GET /ota/status}, {@code POST /ota/begin},
 * {@code /ota/chunk?offset=N}, {@code /ota/finalize}, {@code /ota/abort}, the token in {@code X-OTA-Token} or
 * {@code ?token=}, errors as {@code {"detail": ...}}. One session at a time, sequential writes only, and a session
 * that failed stays active until it is aborted. With {@link Dialect#DOCUMENTED} it serves what the project's
 * documentation describes instead: {@code Authorization: Bearer}, {@code begin {"size"}}, {@code /ota/write},
 * {@code finalize {"sha256"}}.
 *
 * <p>The update partition's bytes live in memory (as in flash, lost at no restart); a finalized image that starts with
 * the ESP image magic 0xE9 is kept as {@code received.bin} in the state folder; one that does not is refused the way
 * ESP-IDF refuses to boot it.
 */
public final class ViperHttpSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("sim.viperhttp");
    /** Largest request body the device reads. */
    public static final int MAX_BODY = 64 * 1024;
    public static final String RECEIVED = "received.bin";

    public enum Dialect { CODE, DOCUMENTED }

    /**
     * @param bind      address to listen on
     * @param port      TCP port, 0 for a free one
     * @param token     the OTA token, empty for none
     * @param dialect   which API to serve
     * @param capacity  the update partition's size
     * @param stateDir  where the received image is kept
     * @param dropChunk the chunk request with this number (1 = first) loses its connection halfway; 0: never
     * @param hangAfter from request number N on, the device answers nothing; 0: never
     */
    public record Config(InetAddress bind, int port, String token, Dialect dialect, long capacity, Path stateDir, int dropChunk, int hangAfter) {
        public Config {
            if (token == null) token = "";
        }

        public static Config of(Path stateDir, String token) {
            return new Config(InetAddress.getLoopbackAddress(), 0, token, Dialect.CODE, 1_572_864, stateDir, 0, 0);
        }

        public Config dialect(Dialect d) {
            return new Config(bind, port, token, d, capacity, stateDir, dropChunk, hangAfter);
        }

        public Config faults(int drop, int hang) {
            return new Config(bind, port, token, dialect, capacity, stateDir, drop, hang);
        }

        public Config at(InetAddress b, int p) {
            return new Config(b, p, token, dialect, capacity, stateDir, dropChunk, hangAfter);
        }

        public Config capacity(long c) {
            return new Config(bind, port, token, dialect, c, stateDir, dropChunk, hangAfter);
        }
    }

    private static final class OtaError extends Exception {
        final int status;

        OtaError(String detail, int status) {
            super(detail);
            this.status = status;
        }
    }

    private static final class Session {
        final int id;
        final long expectedSize;        // -1: not given
        final String expectedSha;       // null: not given
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final MessageDigest sha;

        Session(int id, long expectedSize, String expectedSha) {
            this.id = id;
            this.expectedSize = expectedSize;
            this.expectedSha = expectedSha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Config config;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger chunks = new AtomicInteger();
    private final AtomicInteger finalized = new AtomicInteger();
    private Session session;
    private int seq;
    private Object lastResult = null;
    private String lastError = null;

    private ViperHttpSimulator(Config config) throws IOException {
        this.config = config;
        Files.createDirectories(config.stateDir());
        server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static ViperHttpSimulator start(Config config) throws IOException {
        return new ViperHttpSimulator(config);
    }

    public URI baseUri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    public Path received() {
        return config.stateDir().resolve(RECEIVED);
    }

    /** Images finalized. */
    public int finalizedCount() {
        return finalized.get();
    }

    /** Chunk requests seen (including dropped ones). */
    public int chunkRequests() {
        return chunks.get();
    }

    public synchronized boolean sessionActive() {
        return session != null;
    }

    public String describe() {
        return "ViperHTTP OTA (" + (config.dialect() == Dialect.CODE ? "released code's API" : "documented API") + ")"
                + (config.token().isEmpty() ? "" : " with a token");
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- requests ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        int n = requests.incrementAndGet();
        try (ex) {
            if (config.hangAfter() > 0 && n >= config.hangAfter()) {
                LOG.info("fault: request {} is never answered", n);
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            String method = ex.getRequestMethod();
            byte[] body;
            try {
                body = readBody(ex, path.equals("/ota/chunk") || path.equals("/ota/write"));
            } catch (OtaError e) {
                reply(ex, e.status, error(e.getMessage()));
                return;
            }
            if (body == null) return;    // connection dropped on purpose
            if (!authorized(ex, query)) {
                reply(ex, 401, error("invalid ota token"));
                return;
            }
            JsonNode payload = json(body);
            Object answer;
            try {
                synchronized (this) {
                    answer = switch (method + " " + path) {
                        case "GET /ota/status" -> status();
                        case "POST /ota/begin" -> begin(payload, query);
                        case "POST /ota/abort" -> abort();
                        case "POST /ota/finalize" -> finalizeSession(payload, query);
                        default -> {
                            boolean chunk = config.dialect() == Dialect.CODE ? path.equals("/ota/chunk") : path.equals("/ota/write");
                            if (method.equals("POST") && chunk) yield write(body, query.get("offset"));
                            throw new OtaError("Not Found", 404);
                        }
                    };
                }
            } catch (OtaError e) {
                synchronized (this) {
                    if (e.status != 401 && e.status != 404) lastError = e.getMessage();
                }
                reply(ex, e.status, error(e.getMessage()));
                return;
            }
            reply(ex, 200, (JsonNode) answer);
        }
    }

    /** The body, at most {@link #MAX_BODY} bytes (413 past it); null when this chunk request is the one to drop. */
    private byte[] readBody(HttpExchange ex, boolean chunk) throws IOException, OtaError {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = len == null ? -1 : parseLong(len, -1);
        if (declared > MAX_BODY) throw new OtaError("request body too large", 413);
        int number = chunk ? chunks.incrementAndGet() : 0;
        try (InputStream in = ex.getRequestBody()) {
            if (chunk && config.dropChunk() > 0 && number == config.dropChunk()) {
                in.readNBytes((int) Math.max(0, declared / 2));
                LOG.info("fault: chunk request {} loses its connection halfway", number);
                throw new IOException("dropped");     // the server closes the connection without an answer
            }
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) throw new OtaError("request body too large", 413);
            return b;
        }
    }

    private boolean authorized(HttpExchange ex, Map<String, String> query) {
        if (config.token().isEmpty()) return true;
        String provided;
        if (config.dialect() == Dialect.CODE) {
            provided = ex.getRequestHeaders().getFirst("X-OTA-Token");
            if (provided == null) provided = query.get("token");
        } else {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            provided = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        }
        return provided != null && MessageDigest.isEqual(provided.getBytes(StandardCharsets.UTF_8), config.token().getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode status() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("supported", true);
        out.put("active", session != null);
        out.set("running_partition", partition("ota_0", 0x10000));
        out.set("boot_partition", partition("ota_0", 0x10000));
        out.set("next_update_partition", partition("ota_1", 0x10000 + config.capacity()));
        out.set("last_result", lastResult == null ? NullNode.getInstance() : (JsonNode) lastResult);
        if (lastError == null) out.putNull("last_error"); else out.put("last_error", lastError);
        if (session == null) {
            out.putNull("session");
            return out;
        }
        ObjectNode s = out.putObject("session");
        long written = session.bytes.size();
        s.put("id", session.id).put("active", true).put("capacity_bytes", config.capacity()).put("block_size", 4096)
                .put("block_count", config.capacity() / 4096).put("written_bytes", written);
        if (session.expectedSize >= 0) {
            s.put("expected_size", session.expectedSize).put("remaining_bytes", Math.max(0, session.expectedSize - written))
                    .put("progress_pct", session.expectedSize > 0 ? written * 100.0 / session.expectedSize : 0.0);
        } else {
            s.putNull("expected_size").putNull("remaining_bytes").putNull("progress_pct");
        }
        if (session.expectedSha == null) s.putNull("expected_sha256"); else s.put("expected_sha256", session.expectedSha);
        s.put("elapsed_ms", 0);
        return out;
    }

    private ObjectNode partition(String label, long address) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("type", 0).put("subtype", label.equals("ota_0") ? 16 : 17).put("address", address).put("size", config.capacity())
                .put("label", label).put("encrypted", false);
        return p;
    }

    private ObjectNode begin(JsonNode payload, Map<String, String> query) throws OtaError {
        boolean documented = config.dialect() == Dialect.DOCUMENTED;
        String sizeField = documented ? "size" : "expected_size";
        String size = text(payload, sizeField, query);
        String sha = documented ? null : text(payload, "expected_sha256", query);
        boolean force = "true".equalsIgnoreCase(text(payload, "force", query)) || "1".equals(text(payload, "force", query));
        if (session != null) {
            if (!force) throw new OtaError("ota session already active", 409);
            abort();
        }
        long expected = -1;
        if (size != null) {
            expected = parseLong(size, Long.MIN_VALUE);
            if (expected == Long.MIN_VALUE) throw new OtaError(sizeField + " must be int", 400);
            if (expected < 0) throw new OtaError(sizeField + " must be >= 0", 400);
            if (expected > config.capacity()) throw new OtaError(sizeField + " exceeds update partition capacity", 400);
        } else if (documented) {
            throw new OtaError("size is required", 400);
        }
        if (sha != null && !sha.isBlank()) {
            sha = sha.trim().toLowerCase(java.util.Locale.ROOT);
            if (sha.length() != 64) throw new OtaError("expected_sha256 must be 64 hex chars", 400);
            if (!sha.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) throw new OtaError("expected_sha256 must be lowercase/uppercase hex", 400);
        } else {
            sha = null;
        }
        session = new Session(++seq, expected, sha);
        lastError = null;
        LOG.info("begin session {} for {} bytes", session.id, expected);
        return status();
    }

    private ObjectNode write(byte[] data, String offsetText) throws OtaError {
        if (session == null) throw new OtaError("ota session is not active", 409);
        if (data.length == 0) throw new OtaError("empty chunk", 400);
        long written = session.bytes.size();
        long offset = written;
        if (offsetText != null) {
            offset = parseLong(offsetText, Long.MIN_VALUE);
            if (offset == Long.MIN_VALUE) throw new OtaError("offset must be int", 400);
            if (offset < 0) throw new OtaError("offset must be >= 0", 400);
        }
        if (offset != written) throw new OtaError("offset mismatch; only sequential writes are supported", 409);
        if (session.expectedSize >= 0 && written + data.length > session.expectedSize) throw new OtaError("chunk exceeds expected_size", 400);
        if (written + data.length > config.capacity()) throw new OtaError("chunk exceeds update partition capacity", 400);
        session.bytes.writeBytes(data);
        session.sha.update(data);
        return status();
    }

    private ObjectNode finalizeSession(JsonNode payload, Map<String, String> query) throws OtaError {
        if (session == null) throw new OtaError("ota session is not active", 409);
        long written = session.bytes.size();
        boolean strict = !"false".equalsIgnoreCase(text(payload, "strict_size", query));
        if (strict && session.expectedSize >= 0 && written != session.expectedSize) throw new OtaError("written size does not match expected_size", 409);
        if (written <= 0) throw new OtaError("no firmware bytes written", 409);
        String digest = HexFormat.of().formatHex(cloneDigest(session.sha));
        String expected = config.dialect() == Dialect.DOCUMENTED ? text(payload, "sha256", query) : session.expectedSha;
        if (expected != null && !digest.equalsIgnoreCase(expected.trim())) throw new OtaError("sha256 mismatch", 409);
        byte[] image = session.bytes.toByteArray();
        boolean setBoot = !"false".equalsIgnoreCase(text(payload, "set_boot", query));
        if (setBoot && (image[0] & 0xff) != 0xE9) {
            // esp_ota_set_boot_partition validates the image first: ESP_ERR_OTA_VALIDATE_FAILED
            throw new OtaError("failed to set boot partition: OSError(5379)", 500);
        }
        try {
            AtomicFile.write(received(), image);
        } catch (IOException e) {
            throw new OtaError("write failed at offset 0: " + e.getMessage(), 500);
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("ok", true).put("session_id", session.id).put("written_bytes", written);
        if (session.expectedSize >= 0) result.put("expected_size", session.expectedSize); else result.putNull("expected_size");
        result.put("sha256", digest).put("set_boot", setBoot).put("reboot", false);
        result.set("partition", partition("ota_1", 0x10000 + config.capacity()));
        lastResult = result;
        lastError = null;
        session = null;
        finalized.incrementAndGet();
        LOG.info("finalized {} bytes, sha256 {}", written, digest);
        return result;
    }

    private ObjectNode abort() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (session == null) return out.put("ok", true).put("aborted", false).put("active", false);
        int id = session.id;
        session = null;
        lastError = "aborted";
        return out.put("ok", true).put("aborted", true).put("session_id", id).put("active", false);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static byte[] cloneDigest(MessageDigest md) {
        try {
            return ((MessageDigest) md.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A field from the JSON body, else from the query, as the device reads it; null when absent. */
    private static String text(JsonNode payload, String name, Map<String, String> query) {
        JsonNode v = payload.path(name);
        if (v.isValueNode() && !v.isNull()) return v.asText();
        return query.get(name);
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n == null || !n.isObject() ? Json.MAPPER.createObjectNode() : n;
        } catch (IOException | RuntimeException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static ObjectNode error(String detail) {
        return Json.MAPPER.createObjectNode().put("detail", detail);
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        LOG.info("{} {} -> {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), status);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the pair is ignored
            }
        }
        return out;
    }

    private static long parseLong(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
