package io.fieldflash.sim;

import static io.fieldflash.sim.SimHarness.b64;
import static io.fieldflash.sim.SimHarness.json;
import static io.fieldflash.sim.SimHarness.randomImage;
import static io.fieldflash.sim.SimHarness.sha256;
import static io.fieldflash.sim.SimHarness.sha256Hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The transfer phase, tus 1.0.0 core + creation, checksum, termination, expiration, as the contract words it. */
class TusTransferTest extends SimulatorTest {
    @Test
    void optionsAnnouncesTheTusServerWithoutAuthentication() throws Exception {
        sim = SimHarness.start(dir);
        HttpResponse<String> r = sim.send(HttpRequest.newBuilder(sim.uri("/uploads"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Extension")).hasValue("creation,checksum,termination,expiration");
        assertThat(r.headers().firstValue("Tus-Checksum-Algorithm")).hasValue("sha256");
        assertThat(r.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(SimulatorConfig.DEFAULT_MAX_IMAGE));
    }

    @Test
    void infoNeedsNoTokenAndDescribesTheDevice() throws Exception {
        sim = SimHarness.start(dir, b -> b.deviceId("3b0021001747353236343033"));
        JsonNode info = sim.info();
        assertThat(info.path("protocol").asText()).isEqualTo("fieldflash-http/1");
        assertThat(info.path("product").asText()).isEqualTo("crossing-controller");
        assertThat(info.path("hardware").asText()).isEqualTo("ccx-rev-b");
        assertThat(info.path("deviceId").asText()).isEqualTo("3b0021001747353236343033");
        assertThat(info.path("firmware").path("version").asText()).isEqualTo("2.4.0");
        assertThat(info.path("firmware").path("securityCounter").asLong()).isEqualTo(6);
        assertThat(info.path("firmware").path("trial").asBoolean(true)).isFalse();
        assertThat(info.path("maxImageSize").asLong()).isEqualTo(16L << 20);
        assertThat(info.path("maxChunkSize").asLong()).isEqualTo(1 << 20);
        assertThat(info.get("upload").isNull()).isTrue();
    }

    @Test
    void createHeadPatchDeleteFollowTheProtocol() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(300_000, 1);
        HttpResponse<String> created = sim.create(image.length, "app", sha256Hex(image));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(created.headers().firstValue("Upload-Expires")).isPresent();
        String loc = created.headers().firstValue("Location").orElseThrow();
        assertThat(loc).matches("/fieldflash/v1/uploads/[0-9a-f]{24}");

        HttpResponse<String> head = sim.head(loc);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Upload-Offset")).hasValue("0");
        assertThat(head.headers().firstValue("Upload-Length")).hasValue("300000");
        assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(head.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(head.headers().firstValue("Upload-Expires").orElseThrow()).matches("\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(head.headers().firstValue("Upload-Metadata").orElseThrow()).contains("image " + b64("app".getBytes()));

        HttpResponse<String> p = sim.patch(loc, 0, Arrays.copyOf(image, 100_000));
        assertThat(p.statusCode()).isEqualTo(204);
        assertThat(p.headers().firstValue("Upload-Offset")).hasValue("100000");
        assertThat(p.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");

        JsonNode upload = sim.info().path("upload");
        assertThat(upload.path("location").asText()).isEqualTo(loc);
        assertThat(upload.path("offset").asLong()).isEqualTo(100_000);
        assertThat(upload.path("length").asLong()).isEqualTo(300_000);
        assertThat(upload.path("image").asText()).isEqualTo("app");
        assertThat(upload.path("sha256").asText()).isEqualTo(sha256Hex(image));

        // without a checksum: accepted, as tus allows
        HttpResponse<String> p2 = sim.patch(loc, 100_000, Arrays.copyOfRange(image, 100_000, 300_000), null);
        assertThat(p2.statusCode()).isEqualTo(204);
        assertThat(p2.headers().firstValue("Upload-Offset")).hasValue("300000");
        assertThat(Files.readAllBytes(dir.resolve("upload").resolve(loc.substring(loc.lastIndexOf('/') + 1) + ".part"))).isEqualTo(image);

        HttpResponse<String> del = sim.send(sim.tus(loc).DELETE().build());
        assertThat(del.statusCode()).isEqualTo(204);
        assertThat(del.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(sim.head(loc).statusCode()).isEqualTo(404);
        assertThat(sim.send(sim.tus(loc).DELETE().build()).statusCode()).isEqualTo(404);
        assertThat(sim.info().get("upload").isNull()).isTrue();
        try (var files = Files.list(dir.resolve("upload"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void oneUploadAtATime() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(randomImage(1000, 2));
        HttpResponse<String> second = sim.create(2000, "app", null);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(json(second).path("location").asText()).isEqualTo(loc);
        sim.send(sim.tus(loc).DELETE().build());
        assertThat(sim.create(2000, "app", null).statusCode()).isEqualTo(201);
    }

    @Test
    void uploadLengthOverTheMaximumIs413() throws Exception {
        sim = SimHarness.start(dir, b -> b.maxImageSize(1_000_000));
        assertThat(sim.create(1_000_001, "app", null).statusCode()).isEqualTo(413);
        assertThat(sim.create(1_000_000, "app", null).statusCode()).isEqualTo(201);
    }

    @Test
    void badCreationRequestsAre400() throws Exception {
        sim = SimHarness.start(dir);
        assertThat(sim.send(sim.tus("/uploads").POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(400);
        assertThat(sim.send(sim.tus("/uploads").header("Upload-Length", "-5").POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(400);
        assertThat(sim.send(sim.tus("/uploads").header("Upload-Length", "5").header("Upload-Metadata", "image !!!")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(400);
        assertThat(sim.create(5, "app", "not-a-hash").statusCode()).isEqualTo(400);
        assertThat(sim.create(5, "../etc", null).statusCode()).isEqualTo(400);
    }

    @Test
    void anotherTusVersionIs412WithTusVersion() throws Exception {
        sim = SimHarness.start(dir);
        HttpResponse<String> r = sim.send(sim.request("/uploads").header("Tus-Resumable", "0.2.2").header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(r.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        HttpResponse<String> none = sim.send(sim.request("/uploads").header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(none.statusCode()).isEqualTo(412);
    }

    @Test
    void checksumMismatchIs460AndTheChunkIsDiscarded() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(50_000, 3);
        String loc = sim.createFor(image);
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 20_000)).statusCode()).isEqualTo(204);
        byte[] chunk = Arrays.copyOfRange(image, 20_000, 50_000);
        HttpResponse<String> bad = sim.patch(loc, 20_000, chunk, "sha256 " + b64(sha256("something else".getBytes())));
        assertThat(bad.statusCode()).isEqualTo(460);
        assertThat(bad.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(json(bad).path("error").asText()).isEqualTo("CHECKSUM_MISMATCH");
        assertThat(sim.offset(loc)).isEqualTo(20_000);
        assertThat(sim.device.stats().checksumFailures()).isEqualTo(1);
        assertThat(sim.patch(loc, 20_000, chunk).statusCode()).isEqualTo(204);
        assertThat(sim.offset(loc)).isEqualTo(50_000);
    }

    @Test
    void badChecksumHeadersAre400() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(randomImage(100, 4));
        byte[] chunk = new byte[10];
        assertThat(sim.patch(loc, 0, chunk, "md5 " + b64(new byte[16])).statusCode()).isEqualTo(400);
        assertThat(sim.patch(loc, 0, chunk, "sha256 !!").statusCode()).isEqualTo(400);
        assertThat(sim.patch(loc, 0, chunk, "sha256").statusCode()).isEqualTo(400);
        assertThat(sim.offset(loc)).isZero();
    }

    @Test
    void offsetMismatchIs409() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(10_000, 5);
        String loc = sim.createFor(image);
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 4000)).statusCode()).isEqualTo(204);
        HttpResponse<String> behind = sim.patch(loc, 0, Arrays.copyOf(image, 4000));
        assertThat(behind.statusCode()).isEqualTo(409);
        assertThat(json(behind).path("error").asText()).isEqualTo("OFFSET_MISMATCH");
        assertThat(sim.patch(loc, 6000, Arrays.copyOf(image, 1000)).statusCode()).isEqualTo(409);
        assertThat(sim.offset(loc)).isEqualTo(4000);
    }

    @Test
    void chunkOverMaxChunkSizeIs413AndPastTheLengthToo() throws Exception {
        sim = SimHarness.start(dir, b -> b.maxChunkSize(4096));
        assertThat(sim.info().path("maxChunkSize").asInt()).isEqualTo(4096);
        byte[] image = randomImage(10_000, 6);
        String loc = sim.createFor(image);
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 4097)).statusCode()).isEqualTo(413);
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 4096)).statusCode()).isEqualTo(204);
        assertThat(sim.offset(loc)).isEqualTo(4096);

        sim.send(sim.tus(loc).DELETE().build());
        String small = sim.createFor(new byte[100]);
        assertThat(sim.patch(small, 0, new byte[101]).statusCode()).isEqualTo(413);
        assertThat(sim.offset(small)).isZero();
    }

    @Test
    void patchNeedsTheOffsetOctetStreamContentType() throws Exception {
        sim = SimHarness.start(dir);
        String loc = sim.createFor(new byte[10]);
        HttpResponse<String> r = sim.send(sim.tus(loc).header("Content-Type", "application/octet-stream")
                .header("Upload-Offset", "0").method("PATCH", HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(sim.offset(loc)).isZero();
    }

    @Test
    void unknownUploadIs404() throws Exception {
        sim = SimHarness.start(dir);
        String nowhere = "/fieldflash/v1/uploads/0123456789abcdef01234567";
        assertThat(sim.head(nowhere).statusCode()).isEqualTo(404);
        assertThat(sim.patch(nowhere, 0, new byte[1]).statusCode()).isEqualTo(404);
        assertThat(sim.send(sim.tus(nowhere).DELETE().build()).statusCode()).isEqualTo(404);
        assertThat(sim.get("/nothing").statusCode()).isEqualTo(404);
        assertThat(sim.send(sim.request("/reboot").GET().build()).statusCode()).isEqualTo(405);
    }

    @Test
    void anIdleUploadExpires() throws Exception {
        SimHarness.MutableClock clock = new SimHarness.MutableClock();
        sim = SimHarness.start(dir, b -> b.clock(clock).uploadExpiry(Duration.ofMinutes(10)));
        byte[] image = randomImage(1000, 7);
        String loc = sim.createFor(image);
        clock.advance(Duration.ofMinutes(9));
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 500)).statusCode()).isEqualTo(204);   // activity: the clock starts again
        clock.advance(Duration.ofMinutes(9));
        assertThat(sim.offset(loc)).isEqualTo(500);
        clock.advance(Duration.ofMinutes(2));
        assertThat(sim.head(loc).statusCode()).isEqualTo(404);
        assertThat(sim.info().get("upload").isNull()).isTrue();
        try (var files = Files.list(dir.resolve("upload"))) {
            assertThat(files).isEmpty();
        }
        assertThat(sim.create(10, "app", null).statusCode()).isEqualTo(201);
    }

    @Test
    void chunkedBodiesAndExpectContinueAndMethodOverrideWork() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(200_000, 8);
        String loc = sim.createFor(image);
        // A publisher of unknown length makes java.net.http send a chunked body.
        HttpResponse<String> chunked = sim.send(sim.tus(loc).header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", "0").header("Upload-Checksum", "sha256 " + b64(sha256(Arrays.copyOf(image, 100_000))))
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(Arrays.copyOf(image, 100_000))))
                .build());
        assertThat(chunked.statusCode()).isEqualTo(204);
        assertThat(sim.offset(loc)).isEqualTo(100_000);

        HttpResponse<String> overridden = sim.send(sim.tus(loc).header("X-HTTP-Method-Override", "PATCH")
                .header("Content-Type", "application/offset+octet-stream").header("Upload-Offset", "100000")
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(image, 100_000, 200_000))).build());
        assertThat(overridden.statusCode()).isEqualTo(204);
        assertThat(sim.offset(loc)).isEqualTo(200_000);
    }

    @Test
    void aDefaultHttp2ClientIsAnsweredInHttp11() throws Exception {
        sim = SimHarness.start(dir);
        try (var h2 = java.net.http.HttpClient.newHttpClient()) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(sim.uri("/info")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        }
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        sim = SimHarness.start(dir);
        assertThat(sim.raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(sim.raw("GET /fieldflash/v1/info HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
        assertThat(sim.raw("GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void oneConnectionCarriesManyRequestsEvenWhenABodyWasNotRead() throws Exception {
        sim = SimHarness.start(dir);
        String auth = "Authorization: Bearer " + SimHarness.TOKEN + "\r\n";
        String answers = sim.raw("POST /fieldflash/v1/confirm HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 2\r\n\r\n{}"
                + "GET /fieldflash/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answers).startsWith("HTTP/1.1 200 ").contains("\"state\":\"confirmed\"").contains("\"protocol\":\"fieldflash-http/1\"");
        assertThat(answers.split("HTTP/1.1 200 ", -1)).hasSize(3);
    }
}
