package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.log.RunLog;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request the simulated device parses, as raw bytes over a real loopback socket to a running device: the
 * request line, headers, {@code Content-Length} and chunked bodies, tus headers and metadata, install bodies. The
 * seeds are the requests of a real update by the FieldFlash client, captured on the wire, plus the requests it makes
 * less often (HEAD, DELETE, OPTIONS, chunked bodies, pipelining).
 *
 * <p>For every input: the device answers with well-formed status lines and never a 500 (or just closes) within a
 * bounded time, logs no exception and no raw control character, keeps running, and answers a clean
 * {@code GET /info} afterwards.
 */
class SimulatorRequestFuzzTest {
    /** Stand for the id and the offset of the upload the device holds; replaced just before an input is sent. */
    static final String UPLOAD = "@UPLOAD@";
    static final String OFFSET = "@OFFSET@";
    static final Pattern UPLOAD_OFFSET = Pattern.compile("(?im)^(Upload-Offset: *)\\d+\\r$");
    static final Pattern UPLOAD_ID = Pattern.compile("/fieldflash/v1/uploads/([0-9a-f]{24})");
    static final Duration ANSWER_WAIT = Duration.ofSeconds(6);

    @TempDir
    Path tmp;

    @Test
    void everyRequestGetsAnAnswerOrACloseAndTheDeviceStaysWell() throws Exception {
        TestBundles.Made bundle = TestBundles.make(tmp.resolve("bundle"), "2.5.0", 7, 10_000, 5);
        byte[] image = Files.readAllBytes(bundle.image());
        List<byte[]> seeds = new ArrayList<>(captureAnUpdate(bundle));
        seeds.addAll(handWritten());
        seeds.addAll(handWritten().stream().filter(b -> new String(b, StandardCharsets.ISO_8859_1).contains("chunked")).toList());

        SimulatedDevice device = SimulatedDevice.start(Sim.config(tmp.resolve("fuzzed")).logRequests(true)
                .faults(FaultSpec.parse("seed=3,reboot-ms=10")).lockoutAfter(Integer.MAX_VALUE)
                .maxChunkSize(16 * 1024).ioTimeout(Duration.ofSeconds(2)).requestDeadline(Duration.ofSeconds(3)).build());
        List<RunLog.Line> log = new CopyOnWriteArrayList<>();
        try (device; AutoCloseable sub = RunLog.subscribe(log::add)) {
            Live[] live = {liveUpload(device, image, 0)};
            int inputs = Fuzz.run("simulator-request", 7L, seeds, dictionary(), new Fuzz.Limits(Duration.ofSeconds(15), 256L << 20),
                    input -> {
                        log.clear();
                        assertThat(device.awaitUp(Duration.ofSeconds(5))).as("the device is up").isTrue();
                        byte[] wire = withHostileNumber(new String(input, StandardCharsets.ISO_8859_1)).replace(UPLOAD, live[0].id())
                                .replace(OFFSET, Long.toString(live[0].offset())).getBytes(StandardCharsets.ISO_8859_1);
                        String answer = exchange(device.port(), wire);
                        assertWellFormed(answer);
                        assertThat(device.awaitUp(Duration.ofSeconds(5))).as("the device is up after the input").isTrue();
                        assertThat(exchange(device.port(), "GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII))).as("a clean GET /info afterwards").startsWith("HTTP/1.1 200 ");
                        for (RunLog.Line l : log) {
                            assertThat(l.level()).as(l.toString()).isNotEqualTo("ERROR");
                            assertThat(l.message()).as(l.toString()).doesNotContain("Exception").doesNotContain("\tat ")
                                    .doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f]");
                        }
                        live[0] = liveUpload(device, image, live[0].made());
                    });
            System.out.println("simulator-request: " + inputs + " inputs from " + seeds.size() + " seeds");
            assertThat(inputs).isGreaterThan(seeds.size());
        }
    }

    /**
     * The number mutation the byte-wise fuzzer lacks: for every other input, one number in it (a length, an offset,
     * a chunk size) becomes a hostile one. Chosen from the input's own hash, so the same input is always sent the same.
     */
    static String withHostileNumber(String input) {
        java.util.Random r = new java.util.Random(java.util.Arrays.hashCode(input.getBytes(StandardCharsets.ISO_8859_1)));
        if (r.nextBoolean()) return input;
        List<int[]> numbers = new ArrayList<>();
        Matcher m = NUMBER.matcher(input);
        while (m.find()) numbers.add(new int[] {m.start(), m.end()});
        if (numbers.isEmpty()) return input;
        int[] at = numbers.get(r.nextInt(numbers.size()));
        return input.substring(0, at[0]) + HOSTILE_NUMBERS.get(r.nextInt(HOSTILE_NUMBERS.size())) + input.substring(at[1]);
    }

    /** A decimal or hexadecimal number standing alone: after a space, colon or line start, before a line end or ';'. */
    static final Pattern NUMBER = Pattern.compile("(?<=[ :\\n])[0-9A-Fa-f]{1,20}(?=\\r\\n|;)");
    static final List<String> HOSTILE_NUMBERS = List.of("-1", "+1", "-0", "", "18446744073709551616",
            "9223372036854775807", "7fffffffffffffff", "1e3", "0x10", "\u0661");

    /** Sends {@code wire}, half-closes, and reads the whole answer; "" when the device closed without one. */
    static String exchange(int port, byte[] wire) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) ANSWER_WAIT.toMillis());
            try {
                OutputStream out = s.getOutputStream();
                out.write(wire);
                out.flush();
                s.shutdownOutput();
            } catch (SocketException e) {
                // the device answered and closed before reading everything: its answer is still there to read
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) got.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer and no close within " + ANSWER_WAIT.toSeconds() + " s; got so far: "
                        + got.toString(StandardCharsets.ISO_8859_1));
            } catch (SocketException e) {
                // reset: a closed link is an allowed answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Each answer starts with a status line, none is a 500, and no header carries a control character. */
    static void assertWellFormed(String answer) {
        if (answer.isEmpty()) return;
        assertThat(answer).as("answer").matches("(?s)HTTP/1\\.1 [1-5]\\d\\d [^\\r\\n]*\\r\\n.*");
        Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(answer);
        while (status.find()) assertThat(status.group(1)).as(answer).isNotEqualTo("500");
        int end = answer.indexOf("\r\n\r\n");
        String head = end < 0 ? answer : answer.substring(0, end);
        for (String line : head.split("\r\n")) {
            assertThat(line).as("answer header").doesNotContainPattern("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f]");
        }
    }

    /** The upload the device holds; {@code made} counts the ones this test made. */
    record Live(String id, long offset, int made) {}

    /**
     * The upload the device holds, after making one of the bundle's image when it holds none: every other one complete
     * (so that install goes as far as the manifest), the others half sent (so that PATCH bodies are read).
     */
    static Live liveUpload(SimulatedDevice device, byte[] image, int made) throws IOException {
        String info = exchange(device.port(), "GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        JsonNode upload = Json.MAPPER.readTree(info.substring(info.indexOf("\r\n\r\n") + 4)).path("upload");
        if (upload.isObject()) {
            Matcher m = UPLOAD_ID.matcher(upload.path("location").asText());
            if (m.matches()) return new Live(m.group(1), upload.path("offset").asLong(), made);
        }
        String sha = io.fieldflash.AtomicFile.sha256Hex(image);
        String created = exchange(device.port(), ("POST /fieldflash/v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Sim.TOKEN
                + "\r\nTus-Resumable: 1.0.0\r\nUpload-Length: " + image.length + "\r\nUpload-Metadata: image "
                + b64("app") + ",sha256 " + b64(sha) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Matcher m = UPLOAD_ID.matcher(created);
        assertThat(m.find()).as("an upload can be made: " + created).isTrue();
        String id = m.group(1);
        int sent = made % 2 == 0 ? image.length : image.length / 2;
        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        patch.writeBytes(("PATCH /fieldflash/v1/uploads/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Sim.TOKEN
                + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: "
                + sent + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        patch.write(image, 0, sent);
        assertThat(exchange(device.port(), patch.toByteArray())).startsWith("HTTP/1.1 204 ");
        return new Live(id, sent, made + 1);
    }

    /**
     * Runs a real update (the client's {@link UpdateJob} against a simulated device) through a loopback relay that
     * writes down the bytes the client sends, and returns them: each connection whole, and each request on its own.
     */
    private List<byte[]> captureAnUpdate(TestBundles.Made bundle) throws Exception {
        try (SimulatedDevice target = SimulatedDevice.start(Sim.config(tmp.resolve("captured")).faults(FaultSpec.parse("seed=1,reboot-ms=20")).build());
             Relay relay = new Relay(target.port())) {
            JobSettings fast = JobSettings.DEFAULT.withRetry(new RetryPolicy(5, Duration.ofMillis(5), Duration.ofMillis(50), 2, 0.5))
                    .withReboot(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(20));
            HttpSettings http = HttpSettings.DEFAULT.withChunkSize(4096).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
            JobResult r = UpdateJob.create(new BundleSource.Verified(bundle.bundle()),
                    new HttpDevice(java.net.URI.create("http://127.0.0.1:" + relay.port()), Sim.TOKEN, http),
                    UpdateStores.in(tmp.resolve("home")), fast).run();
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            relay.close();
            List<byte[]> out = new ArrayList<>();
            for (byte[] connection : relay.recorded()) {
                String text = UPLOAD_ID.matcher(new String(connection, StandardCharsets.ISO_8859_1))
                        .replaceAll("/fieldflash/v1/uploads/" + UPLOAD);
                text = UPLOAD_OFFSET.matcher(text).replaceAll("$1" + OFFSET + "\r");
                out.add(text.getBytes(StandardCharsets.ISO_8859_1));
                out.addAll(requests(text));
            }
            assertThat(out).as("captured requests").hasSizeGreaterThan(5);
            return out;
        }
    }

    /** Splits a connection's bytes into its requests (by Content-Length; a chunked or odd rest stays whole). */
    static List<byte[]> requests(String stream) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < stream.length()) {
            int headEnd = stream.indexOf("\r\n\r\n", at);
            if (headEnd < 0) break;
            Matcher cl = Pattern.compile("(?im)^content-length: *(\\d+)\\r$").matcher(stream.substring(at, headEnd + 2));
            int length = cl.find() ? Integer.parseInt(cl.group(1)) : 0;
            int end = Math.min(stream.length(), headEnd + 4 + length);
            out.add(stream.substring(at, end).getBytes(StandardCharsets.ISO_8859_1));
            at = end;
        }
        return out;
    }

    private static List<byte[]> handWritten() {
        String auth = "Authorization: Bearer " + Sim.TOKEN + "\r\nTus-Resumable: 1.0.0\r\n";
        String up = "/fieldflash/v1/uploads/" + UPLOAD;
        return Fuzz.dictionary(
                "HEAD " + up + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "DELETE " + up + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "OPTIONS /fieldflash/v1/uploads HTTP/1.1\r\nHost: x\r\n\r\n",
                "HEAD /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\n\r\n",
                "PATCH " + up + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/offset+octet-stream\r\n"
                        + "Upload-Offset: " + OFFSET + "\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n",
                "POST " + up + " HTTP/1.1\r\nHost: x\r\n" + auth + "X-HTTP-Method-Override: PATCH\r\n"
                        + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: " + OFFSET + "\r\nContent-Length: 3\r\n\r\nabc",
                "POST " + up + "/install HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nb\r\n{\"sha256\":1\r\n1\r\n}\r\n0\r\n\r\n",
                "POST /fieldflash/v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth + "Upload-Length: 10\r\nUpload-Metadata: image YXBw,x,y eg==\r\n"
                        + "Expect: 100-continue\r\nContent-Length: 0\r\n\r\n",
                "GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\n\r\nGET /fieldflash/v1/info HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                "POST /fieldflash/v1/confirm HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 0\r\n\r\n",
                "PATCH " + up + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/offset+octet-stream\r\n"
                        + "Upload-Offset: " + OFFSET + "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
                "PUT /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n",
                "GET /fieldflash/v1/settings HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "PUT /fieldflash/v1/settings HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 43\r\n\r\n"
                        + "{\"values\":{\"gateUpDelay\":5,\"siteName\":\"x\"}}");
    }

    private static List<byte[]> dictionary() {
        return Fuzz.dictionary("\r\n", "\r\n\r\n", "\r\n-1\r\n", "\r\n+4\r\n", "\r\n7fffffffffffffff\r\n", "\r\n 4 \r\n", "\n", "\r", "Transfer-Encoding: chunked\r\n", "Content-Length: ", "-1", "+1",
                "18446744073709551616", "ffffffffffffffff", "9223372036854775807", "Upload-Offset: ", "Upload-Length: ",
                "Upload-Metadata: ", "Upload-Checksum: sha256 ", "\u001b[2J", "\u0000", "\u009b", "\u202e", "Expect: 100-continue\r\n",
                "X-HTTP-Method-Override: ", "Tus-Resumable: 1.0.0\r\n", "Tus-Resumable: 0.2.2\r\n", "Authorization: Bearer ",
                "/fieldflash/v1/uploads/", "/install", "/reboot", "/confirm", "HTTP/1.0", ";ext=1", "0\r\n\r\n", "%00",
                "{\"sha256\":", "\"manifest\":\"", "Connection: close\r\n", "Connection: keep-alive\r\n", " ", ",", "=", "==",
                "Content-Type: application/offset+octet-stream\r\n", UPLOAD, OFFSET);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A loopback TCP relay that writes down, per connection, what the client sends. */
    static final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int target;
        private final List<ByteArrayOutputStream> connections = new CopyOnWriteArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(int target) throws IOException {
            this.target = target;
            Thread.ofVirtual().name("relay-accept").start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        List<byte[]> recorded() {
            List<byte[]> out = new ArrayList<>();
            for (ByteArrayOutputStream b : connections) {
                synchronized (b) {
                    if (b.size() > 0) out.add(b.toByteArray());
                }
            }
            return out;
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket device;
                    try {
                        device = new Socket(InetAddress.getLoopbackAddress(), target);
                    } catch (IOException refused) {
                        client.setSoLinger(true, 0);
                        client.close();   // the device is rebooting: so is the relay
                        continue;
                    }
                    sockets.add(client);
                    sockets.add(device);
                    ByteArrayOutputStream record = new ByteArrayOutputStream();
                    connections.add(record);
                    Thread.ofVirtual().start(() -> pump(client, device, record));
                    Thread.ofVirtual().start(() -> pump(device, client, null));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to, ByteArrayOutputStream record) {
            byte[] buf = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (record != null) {
                        synchronized (record) {
                            record.write(buf, 0, n);
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    to.setSoLinger(true, 0);
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // both ends are gone
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) s.close();
        }
    }
}
