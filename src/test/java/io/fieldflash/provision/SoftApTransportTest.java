package io.fieldflash.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The two transports against small hostile servers on loopback: framing, deadlines, size caps, odd answers. */
class SoftApTransportTest {

    /** A one-shot raw server: records the request (until the data length is read), answers {@code reply}. */
    static final class RawDevice implements AutoCloseable {
        final ServerSocket server;
        final AtomicReference<byte[]> request = new AtomicReference<>();

        RawDevice(Function<byte[], byte[]> reply, boolean hang) throws Exception {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    int newlines = 0;
                    while (newlines < 3) {
                        int c = in.read();
                        if (c < 0) return;
                        got.write(c);
                        if (c == '\n') newlines++;
                    }
                    String head = got.toString(StandardCharsets.UTF_8);
                    int len = Integer.parseInt(head.split("\n")[1]);
                    got.write(in.readNBytes(len));
                    request.set(got.toByteArray());
                    s.getOutputStream().write(reply.apply(got.toByteArray()));
                    s.getOutputStream().flush();
                    if (hang) Thread.sleep(60_000);
                } catch (Exception ignored) {
                    // the test decides
                }
            });
        }

        SoftApTransport transport() {
            return SoftApTransport.of(SoftApAddress.parse("tcp://127.0.0.1:" + server.getLocalPort()));
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    @Test
    void theRequestCountsUtf8BytesAndUsesLineFeedsOnly() throws Exception {
        try (RawDevice d = new RawDevice(req -> "\n\n{\"r\":0}".getBytes(StandardCharsets.UTF_8), false)) {
            String json = WireJson.object().put("ssid", "Caf\u00e9 / 2").text();
            assertThat(d.transport().exchange("configure-ap", json, Duration.ofSeconds(5))).isEqualTo("{\"r\":0}");
            // 19 characters but 20 bytes (é is two in UTF-8); / is not escaped
            assertThat(new String(d.request.get(), StandardCharsets.UTF_8)).isEqualTo("configure-ap\n20\n\n{\"ssid\":\"Caf\u00e9 / 2\"}");
        }
        try (RawDevice d = new RawDevice(req -> "\n\n{\"v\":2}".getBytes(StandardCharsets.UTF_8), false)) {
            assertThat(d.transport().exchange("version", "", Duration.ofSeconds(5))).isEqualTo("{\"v\":2}");
            assertThat(new String(d.request.get(), StandardCharsets.UTF_8)).isEqualTo("version\n0\n\n");
        }
    }

    @Test
    void aDeviceThatKeepsTheConnectionOpenAfterAnAnswerIsFine() throws Exception {
        try (RawDevice d = new RawDevice(req -> "\n\n{\"id\":\"x}\",\"c\":\"0\"}".getBytes(StandardCharsets.UTF_8), true)) {
            assertThat(d.transport().exchange("device-id", "", Duration.ofSeconds(5))).isEqualTo("{\"id\":\"x}\",\"c\":\"0\"}");
        }
    }

    @Test
    void silenceEndsAtTheDeadline() throws Exception {
        try (RawDevice d = new RawDevice(req -> new byte[0], true)) {
            assertThatThrownBy(() -> d.transport().exchange("device-id", "", Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.TIMEOUT));
        }
    }

    @Test
    void anEndlessAnswerIsCut() throws Exception {
        byte[] big = new byte[SoftApTransport.MAX_REPLY_BYTES + 10];
        java.util.Arrays.fill(big, (byte) '[');
        big[0] = '\n';
        big[1] = '\n';
        try (RawDevice d = new RawDevice(req -> big, true)) {
            assertThatThrownBy(() -> d.transport().exchange("scan-ap", "", Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.TOO_LARGE));
        }
    }

    @Test
    void anAnswerWithoutTheLeadingLineFeedsIsMalformed() throws Exception {
        try (RawDevice d = new RawDevice(req -> "HTTP/1.1 200 OK\r\n\r\n{}".getBytes(StandardCharsets.UTF_8), false)) {
            assertThatThrownBy(() -> d.transport().exchange("version", "", Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.MALFORMED));
        }
        try (RawDevice d = new RawDevice(req -> new byte[0], false)) {
            assertThat(d.transport().exchange("configure-ap", "{}", Duration.ofSeconds(5))).as("nothing at all: no answer").isEmpty();
        }
    }

    @Test
    void httpPostsTheJsonAndTakesOnly200() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        AtomicReference<String> got = new AtomicReference<>();
        server.createContext("/", ex -> {
            got.set(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean known = !ex.getRequestURI().getPath().equals("/nope");
            byte[] body = "{\"r\":0}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(known ? 200 : 404, known ? 0 : -1);
            if (known) ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        // a busy common pool (the GUI, a test) must not stall an exchange
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<?>[] blockers = new CompletableFuture<?>[ForkJoinPool.getCommonPoolParallelism()];
        for (int i = 0; i < blockers.length; i++) {
            blockers[i] = CompletableFuture.runAsync(() -> {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // released
                }
            });
        }
        try {
            SoftApTransport t = SoftApTransport.of(SoftApAddress.parse("http://127.0.0.1:" + server.getAddress().getPort()));
            assertThat(t.exchange("set", "{\"k\":\"cc\",\"v\":\"a/b\"}", Duration.ofSeconds(5))).isEqualTo("{\"r\":0}");
            assertThat(got.get()).isEqualTo("POST /set {\"k\":\"cc\",\"v\":\"a/b\"}");
            assertThat(t.exchange("version", "", Duration.ofSeconds(5))).isEqualTo("{\"r\":0}");
            assertThat(got.get()).isEqualTo("GET /version ");
            assertThatThrownBy(() -> t.exchange("nope", "", Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.getMessage()).contains("HTTP status 404"));
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    /** A raw HTTP server that answers {@code head} and then writes {@code chunk} forever (or stays silent). */
    static ServerSocket hostileHttp(String head, byte[] chunk) throws Exception {
        ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                while (true) {
                    if (chunk.length == 0) Thread.sleep(60_000);
                    s.getOutputStream().write(chunk);
                }
            } catch (Exception ignored) {
                // the client gave up, as it should
            }
        });
        return server;
    }

    @Test
    void httpAnswersAreCappedAndDeadlined() throws Exception {
        byte[] chunk = ("1000\r\n" + "[".repeat(0x1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket s = hostileHttp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk)) {
            SoftApTransport t = SoftApTransport.of(SoftApAddress.parse("http://127.0.0.1:" + s.getLocalPort()));
            assertThatThrownBy(() -> t.exchange("scan-ap", "", Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.TOO_LARGE));
        }
        try (ServerSocket s = hostileHttp("HTTP/1.1 200 OK\r\nX-Endless: ", "a".getBytes(StandardCharsets.US_ASCII))) {
            SoftApTransport t = SoftApTransport.of(SoftApAddress.parse("http://127.0.0.1:" + s.getLocalPort()));
            assertThatThrownBy(() -> t.exchange("version", "", Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.TOO_LARGE));
        }
        try (ServerSocket s = hostileHttp("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{", new byte[0])) {
            SoftApTransport t = SoftApTransport.of(SoftApAddress.parse("http://127.0.0.1:" + s.getLocalPort()));
            assertThatThrownBy(() -> t.exchange("version", "", Duration.ofMillis(400)))
                    .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.TIMEOUT));
        }
    }

    @Test
    void addressesDefaultToThePhotonsPorts() {
        assertThat(SoftApAddress.parse("tcp://192.0.2.1")).isEqualTo(new SoftApAddress(SoftApAddress.Transport.TCP, "192.0.2.1", 5609));
        assertThat(SoftApAddress.parse("http://192.0.2.1")).isEqualTo(new SoftApAddress(SoftApAddress.Transport.HTTP, "192.0.2.1", 80));
        assertThat(SoftApAddress.parse("http://[::1]:8080").toString()).isEqualTo("http://[::1]:8080");
        assertThatThrownBy(() -> SoftApAddress.parse("https://192.0.2.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SoftApAddress.parse("http://192.0.2.1/setup")).isInstanceOf(IllegalArgumentException.class);
    }
}
