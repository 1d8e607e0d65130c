package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/** A simulated device on loopback and a real HTTP client talking to it: no mocks. */
final class SimHarness implements AutoCloseable {
    static final String TOKEN = "s3cret-token";

    final Path dir;
    final SimulatedDevice device;
    private HttpClient http = newClient();
    private long bootsSeen;

    private SimHarness(Path dir, SimulatedDevice device) {
        this.dir = dir;
        this.device = device;
        this.bootsSeen = device.stats().boots();
    }

    /** A device with the token {@link #TOKEN}, quick reboots, and the tweaks of {@code tune}. */
    static SimHarness start(Path dir, UnaryOperator<SimulatorConfig.Builder> tune) throws IOException {
        SimulatorConfig.Builder b = SimulatorConfig.builder(dir).token(TOKEN).faults(FaultSpec.parse("seed=1,reboot-ms=150"));
        return new SimHarness(dir, SimulatedDevice.start(tune.apply(b).build()));
    }

    static SimHarness start(Path dir) throws IOException {
        return start(dir, b -> b);
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
    }

    /** Power-cycles the device; the client's pooled connections died with it, so a fresh client follows. */
    void restart() throws IOException {
        device.restart();
        bootsSeen = device.stats().boots();
        http = newClient();
    }

    /** Waits out one reboot (POST /reboot or a fault) until the device is up again, then starts a fresh client. */
    void awaitRebooted() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((device.stats().boots() <= bootsSeen || !device.isUp()) && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(device.stats().boots()).as("boots").isEqualTo(bootsSeen + 1);
        assertThat(device.isUp()).as("device up again after its reboot").isTrue();
        bootsSeen++;
        http = newClient();
    }

    URI uri(String path) {
        return path.startsWith("/fieldflash/") ? device.baseUri().resolve(path) : URI.create(device.baseUri() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN);
    }

    HttpRequest.Builder tus(String path) {
        return request(path).header("Tus-Resumable", "1.0.0");
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    JsonNode info() throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/info")).timeout(Duration.ofSeconds(10)).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** POST /uploads; returns the response (201 with Location, or an error). */
    HttpResponse<String> create(long length, String image, String sha256Hex) throws IOException, InterruptedException {
        HttpRequest.Builder b = tus("/uploads").header("Upload-Length", Long.toString(length))
                .POST(HttpRequest.BodyPublishers.noBody());
        StringBuilder meta = new StringBuilder();
        if (image != null) meta.append("image ").append(b64(image.getBytes(StandardCharsets.UTF_8)));
        if (sha256Hex != null) {
            if (!meta.isEmpty()) meta.append(',');
            meta.append("sha256 ").append(b64(sha256Hex.getBytes(StandardCharsets.US_ASCII)));
        }
        if (!meta.isEmpty()) b.header("Upload-Metadata", meta.toString());
        return send(b.build());
    }

    /** Creates an upload for {@code image} and returns its location. */
    String createFor(byte[] image) throws IOException, InterruptedException {
        return createUpload(image, "app");
    }

    /** Creates an upload for the image named {@code name} with the bytes {@code image}; returns its location. */
    String createUpload(byte[] image, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = create(image.length, name, sha256Hex(image));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    HttpResponse<String> head(String location) throws IOException, InterruptedException {
        return send(tus(location).HEAD().build());
    }

    long offset(String location) throws IOException, InterruptedException {
        HttpResponse<String> r = head(location);
        assertThat(r.statusCode()).isEqualTo(200);
        return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
    }

    /** PATCH with a correct sha256 checksum. */
    HttpResponse<String> patch(String location, long offset, byte[] chunk) throws IOException, InterruptedException {
        return patch(location, offset, chunk, "sha256 " + b64(sha256(chunk)));
    }

    /** PATCH with the given Upload-Checksum header (null: none). */
    HttpResponse<String> patch(String location, long offset, byte[] chunk, String checksum) throws IOException, InterruptedException {
        HttpRequest.Builder b = tus(location).header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", Long.toString(offset)).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk));
        if (checksum != null) b.header("Upload-Checksum", checksum);
        return send(b.build());
    }

    /** Uploads {@code image} in chunks of {@code chunk} bytes (no faults expected) and returns the location. */
    String upload(byte[] image, int chunk) throws IOException, InterruptedException {
        String loc = createFor(image);
        for (int off = 0; off < image.length; off += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(image, off, Math.min(image.length, off + chunk));
            HttpResponse<String> r = patch(loc, off, part);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        }
        return loc;
    }

    HttpResponse<String> install(String location, byte[] image, Release release) throws IOException, InterruptedException {
        return install(location, sha256Hex(image), release.manifest, release.signatures);
    }

    HttpResponse<String> install(String location, String sha256Hex, byte[] manifest, byte[] signatures)
            throws IOException, InterruptedException {
        ObjectNode o = Json.MAPPER.createObjectNode().put("sha256", sha256Hex).put("manifest", b64(manifest))
                .put("signatures", b64(signatures));
        return post(location + "/install", o.toString());
    }

    /**
     * Sends a PATCH whose head announces {@code chunk.length} body bytes but whose body stops after {@code sent}
     * bytes, then closes the socket: a link that breaks mid-body.
     */
    void brokenPatch(String location, long offset, byte[] chunk, int sent, boolean withChecksum) throws IOException {
        try (Socket s = new Socket(device.baseUri().getHost(), device.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            String head = "PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: " + offset
                    + "\r\n" + (withChecksum ? "Upload-Checksum: sha256 " + b64(sha256(chunk)) + "\r\n" : "")
                    + "Content-Length: " + chunk.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(chunk, 0, sent);
            out.flush();
        }
    }

    /** Polls HEAD until the offset is {@code expected} (the device notices a broken body within moments). */
    void awaitOffset(String location, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = offset(location);
            if (last == expected) return;
            Thread.sleep(10);
        }
        assertThat(last).as("Upload-Offset").isEqualTo(expected);
    }

    /** Waits until the device has read at least {@code n} request body bytes in all. */
    void awaitBytesReceived(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (device.stats().bytesReceived() < n && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(device.stats().bytesReceived()).isGreaterThanOrEqualTo(n);
    }

    /** A raw request on a fresh socket; returns the whole answer as text (the server closes after it). */
    String raw(String request) throws IOException {
        try (Socket s = new Socket(device.baseUri().getHost(), device.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() {
        device.stop();
        http.close();
    }

    // ------------------------------------------------------------ bundles

    /** A manifest and its signatures, as a client sends them to install. */
    record Release(byte[] manifest, byte[] signatures) {}

    static Release release(byte[] image, String version, long counter, List<String> hardware, SigningKey... keys) {
        return release(List.of(new Image("app", image)), "crossing-controller", version, counter, hardware, keys);
    }

    record Image(String name, byte[] bytes) {}

    static Release release(List<Image> images, String product, String version, long counter, List<String> hardware,
                           SigningKey... keys) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("format", "fieldflash-bundle/1").put("vendor", "Acme Rail Systems").put("product", product);
        ArrayNode hw = m.putArray("hardware");
        hardware.forEach(hw::add);
        m.put("version", version).put("securityCounter", counter).put("created", "2026-11-01T10:00:00Z")
                .put("expires", "2099-01-01T00:00:00Z");
        ArrayNode imgs = m.putArray("images");
        for (Image i : images) {
            imgs.addObject().put("name", i.name()).put("file", "images/" + i.name() + ".bin").put("size", i.bytes().length)
                    .put("sha256", sha256Hex(i.bytes()));
        }
        byte[] manifest = m.toString().getBytes(StandardCharsets.UTF_8);
        ObjectNode s = Json.MAPPER.createObjectNode();
        ArrayNode sigs = s.putArray("signatures");
        for (SigningKey k : keys) sigs.addObject().put("keyid", k.keyid()).put("alg", k.alg().id()).put("sig", b64(k.sign(manifest)));
        return new Release(manifest, s.toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] randomImage(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] b) {
        return HexFormat.of().formatHex(sha256(b));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    /** A wall clock that tests move by hand (expiry, lockout) instead of sleeping. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-21T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
