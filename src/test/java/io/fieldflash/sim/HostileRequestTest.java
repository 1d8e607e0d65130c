package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.log.RunLog;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests a hostile or broken client may send: every one gets a 4xx with a sentence (never a 500, never an
 * exception in the log), nothing from it is echoed raw into an answer's headers or the log, and no client can hold
 * the device with slow or endless requests or with many connections.
 */
class HostileRequestTest extends SimulatorTest {
    private final List<RunLog.Line> log = new CopyOnWriteArrayList<>();
    private AutoCloseable subscription;

    @BeforeEach
    void captureLog() {
        subscription = RunLog.subscribe(log::add);
    }

    @AfterEach
    void logStaysClean() throws Exception {
        subscription.close();
        for (RunLog.Line l : log) {
            assertThat(l.level()).as(l.toString()).isNotEqualTo("ERROR");
            assertThat(l.message()).as(l.toString()).doesNotContain("Exception").doesNotContain("\u001b").doesNotContain("\r")
                    .doesNotContain("\u0000");
        }
    }

    private String head(String location) {
        return "HEAD " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SimHarness.TOKEN + "\r\nTus-Resumable: 1.0.0\r\n\r\n";
    }

    private static String statusLine(String answer) {
        return answer.isEmpty() ? "(closed)" : answer.substring(0, answer.indexOf("\r\n"));
    }

    @Test
    void aNegativeOrSignedChunkSizeIsABadRequest() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(new byte[10]);
        for (String size : List.of("-1", "+5", "0x5", " ", "1234567890abcdef0", "-0")) {
            String answer = sim.raw("PATCH " + loc + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SimHarness.TOKEN
                    + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n0\r\n\r\n");
            assertThat(statusLine(answer)).as("chunk size '" + size + "'").startsWith("HTTP/1.1 400 ");
            assertThat(answer).contains("chunk size");
        }
        assertThat(sim.raw("POST " + loc + "/install HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SimHarness.TOKEN
                + "\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n{}\r\n0\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .contains("chunk size");
        assertThat(sim.info().path("upload").path("offset").asLong()).isZero();
    }

    /**
     * JSON bodies that are not UTF-8: given raw bytes, Jackson takes {@code 7b 00 00 00} for UTF-32 (and a byte order
     * mark for UTF-16) and fails with an I/O error, not a parse error. Every JSON body reader answers 400 to them.
     */
    @Test
    void jsonBodiesThatAreNotUtf8AreBadRequests() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(new byte[10]);
        List<String> bodies = List.of(
                "{\u0000\u0000\u0000}\u0000",                           // UTF-32 cut in the middle of a character
                "{\u0000\u0000\u0000\u00ff\u00ff\u00ff\u007f",           // a UTF-32 "character" above U+10FFFF
                "{\u0000\u0000\u0000\"\u0000\u0000\u0000\u0000\u0000\u00d8\u0000",
                "{\u0000\u0000\u0000}\u0000\u0000\u0000",                 // well-formed UTF-32, still not UTF-8
                "\u00fe\u00ff\u0000{\u0000}",                             // UTF-16 with a byte order mark
                "{\"sha256\": \"\u00c3\u0028\"}");                        // broken UTF-8
        for (String body : bodies) {
            for (String target : List.of("POST " + loc + "/install", "PUT /fieldflash/v1/settings")) {
                String answer = sim.raw(target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SimHarness.TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
                assertThat(statusLine(answer)).as(target + " with body " + body.chars().mapToObj(c -> String.format("%02x", c)).toList())
                        .startsWith("HTTP/1.1 400 ");
                assertThat(answer).contains("BAD_REQUEST");
            }
        }
        assertThat(sim.info().path("upload").path("offset").asLong()).isZero();
    }

    @Test
    void badLengthsAndOffsetsAreBadRequests() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(new byte[10]);
        String auth = "Authorization: Bearer " + SimHarness.TOKEN + "\r\nTus-Resumable: 1.0.0\r\n";
        for (String cl : List.of("-1", "+5", "1e3", "5, 6", "1234567890123456789", "0x10", "")) {
            assertThat(sim.raw("PATCH " + loc + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/offset+octet-stream\r\n"
                    + "Upload-Offset: 0\r\nContent-Length: " + cl + "\r\n\r\nhello")).as("Content-Length '" + cl + "'")
                    .startsWith("HTTP/1.1 400 ");
        }
        for (String off : List.of("-1", "+0", "0x0", "1234567890123456789", "", "0 0")) {
            assertThat(sim.raw("PATCH " + loc + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/offset+octet-stream\r\n"
                    + "Upload-Offset: " + off + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")).as("Upload-Offset '" + off + "'")
                    .startsWith("HTTP/1.1 400 ");
        }
        sim.send(sim.tus(loc).DELETE().build());
        for (String len : List.of("-1", "+5", "1e3", "", "99999999999999999999")) {
            assertThat(sim.raw("POST /fieldflash/v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth + "Upload-Length: " + len
                    + "\r\nConnection: close\r\n\r\n")).as("Upload-Length '" + len + "'").startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void controlCharactersInMetadataAreRefusedAndNeverEchoed() throws Exception {
        sim = SimHarness.start(dir);
        String auth = "Authorization: Bearer " + SimHarness.TOKEN + "\r\nTus-Resumable: 1.0.0\r\n";
        List<String> hostile = List.of("image YXBw,k\u001b[2Jey dmFs", "image YXBw,k\u0000ey dmFs", "image YXBw,k\rX-Evil: 1 dmFs",
                "image YXBw,k\u009bey dmFs", "image YXBw,key dm\u001bFs", "image YXBw,key not-base64!", "ima ge YXBw");
        for (String meta : hostile) {
            String answer = sim.raw("POST /fieldflash/v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth + "Upload-Length: 10\r\n"
                    + "Upload-Metadata: " + meta + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(meta).startsWith("HTTP/1.1 400 ").doesNotContain("\u001b").doesNotContain("X-Evil")
                    .doesNotContain("\u0000").doesNotContain("\u009b");
        }
        assertThat(sim.info().path("upload").isNull()).as("nothing was created").isTrue();
        // What is accepted is echoed as it came: printable ASCII only.
        String created = sim.raw("POST /fieldflash/v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth + "Upload-Length: 10\r\n"
                + "Upload-Metadata: image YXBw,filename Zm9vLmJpbg==,flag\r\nConnection: close\r\n\r\n");
        assertThat(created).startsWith("HTTP/1.1 201 ");
        String loc = created.lines().filter(l -> l.startsWith("Location: ")).findFirst().orElseThrow().substring(10);
        assertThat(sim.raw(head(loc).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")))
                .contains("Upload-Metadata: image YXBw,filename Zm9vLmJpbg==,flag\r\n");
    }

    @Test
    void endlessTrailersAreCut() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(new byte[5]);
        StringBuilder trailers = new StringBuilder();
        for (int i = 0; i < 1000; i++) trailers.append("X-T").append(i).append(": v\r\n");
        String answer = sim.raw("PATCH " + loc + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SimHarness.TOKEN
                + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n" + trailers + "\r\n");
        // The body's bytes arrived whole before the trailers went wrong: kept, as for any broken body.
        assertThat(answer).doesNotStartWith("HTTP/1.1 204 ");
        assertThat(log).anySatisfy(l -> assertThat(l.message()).contains("trailer"));
        assertThat(sim.info().path("protocol").asText()).isEqualTo("fieldflash-http/1");
    }

    @Test
    void headOfInfoNeedsNoToken() throws Exception {
        sim = SimHarness.start(dir);
        HttpResponse<String> r = sim.send(HttpRequest.newBuilder(sim.uri("/info"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sim.raw("OPTIONS /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .contains("Allow: GET, HEAD, OPTIONS");
    }

    @Test
    void aRequestThatTricklesInIsCutAtItsDeadline() throws Exception {
        sim = SimHarness.start(dir, b -> b.requestDeadline(Duration.ofMillis(800)));
        try (Socket s = new Socket("127.0.0.1", sim.device.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            boolean cut = false;
            try {
                // One header byte every 100 ms: each wait is short, but the request never ends.
                for (int i = 0; i < 100 && !cut; i++) {
                    out.write('X');
                    out.flush();
                    Thread.sleep(100);
                    cut = s.getInputStream().available() > 0;
                }
            } catch (java.io.IOException e) {
                cut = true;
            }
            assertThat(cut).as("answered or cut before 10 s of trickling").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(9));
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            // the 408 is sent before the close, but a reset (our bytes still arriving) may discard it: then the
            // stream just ends, and the log below says what the device answered
            if (!answer.isEmpty()) assertThat(answer).isEqualTo("HTTP/1.1 408");
        } catch (java.net.SocketException e) {
            // the reset can overtake the 408; the log says what happened
        }
        assertThat(log).anySatisfy(l -> assertThat(l.message()).contains("408"));
        assertThat(sim.info().path("protocol").asText()).isEqualTo("fieldflash-http/1");
    }

    @Test
    void connectionsBeyondTheCapAreTurnedAwayAndTheDeviceStaysUsable() throws Exception {
        sim = SimHarness.start(dir, b -> b.maxConnections(4));
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", sim.device.port());
                idle.add(s);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            String answer = "";
            while (!answer.startsWith("HTTP/1.1 503") && System.nanoTime() < deadline) {
                try {
                    answer = sim.raw("GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                } catch (java.net.SocketException e) {
                    answer = "";
                }
            }
            assertThat(answer).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1");
        } finally {
            for (Socket s : idle) s.close();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String answer = "";
        while (!answer.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
            answer = sim.raw("GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        assertThat(answer).startsWith("HTTP/1.1 200 ");
    }
}
