package io.fieldflash.sim;

import static io.fieldflash.sim.SimHarness.randomImage;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A transfer survives broken connections and device reboots: whole bytes received are kept, HEAD says where to go on. */
class ResumeTest extends SimulatorTest {
    @Test
    void theBytesBeforeABrokenBodyAreKept() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(100_000, 11);
        String loc = sim.createFor(image);
        byte[] chunk = Arrays.copyOf(image, 60_000);
        sim.brokenPatch(loc, 0, chunk, 25_000, false);
        sim.awaitOffset(loc, 25_000);
        assertThat(sim.info().path("upload").path("offset").asLong()).isEqualTo(25_000);

        // Even with a checksum: bytes of a broken body cannot be checked, so they are kept and install's hash judges them.
        sim.brokenPatch(loc, 25_000, Arrays.copyOfRange(image, 25_000, 85_000), 30_000, true);
        sim.awaitOffset(loc, 55_000);

        HttpResponse<String> rest = sim.patch(loc, 55_000, Arrays.copyOfRange(image, 55_000, 100_000));
        assertThat(rest.statusCode()).isEqualTo(204);
        String id = loc.substring(loc.lastIndexOf('/') + 1);
        assertThat(Files.readAllBytes(dir.resolve("upload/" + id + ".part"))).isEqualTo(image);
    }

    @Test
    void anUploadSurvivesARestartAndResumes() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(90_000, 12);
        String loc = sim.createFor(image);
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 30_000)).statusCode()).isEqualTo(204);
        sim.brokenPatch(loc, 30_000, Arrays.copyOfRange(image, 30_000, 60_000), 10_000, true);
        sim.awaitOffset(loc, 40_000);

        sim.restart();
        assertThat(sim.device.state().bootCount()).isEqualTo(2);
        var upload = sim.info().path("upload");
        assertThat(upload.path("location").asText()).isEqualTo(loc);
        assertThat(upload.path("offset").asLong()).isEqualTo(40_000);
        assertThat(sim.offset(loc)).isEqualTo(40_000);
        assertThat(sim.patch(loc, 40_000, Arrays.copyOfRange(image, 40_000, 90_000)).statusCode()).isEqualTo(204);

        // A second simulator process on the same folder is the same device, too.
        sim.close();
        sim = SimHarness.start(dir);
        assertThat(sim.offset(loc)).isEqualTo(90_000);
        assertThat(sim.info().path("deviceId").asText()).isEqualTo(sim.device.state().deviceId());
    }

    @Test
    void aNewPatchTakesOverFromAStaleConnection() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(50_000, 13);
        String loc = sim.createFor(image);
        // A client whose link died: the device still waits for the rest of its body.
        try (var stale = new java.net.Socket("127.0.0.1", sim.device.port())) {
            String head = "PATCH " + loc + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SimHarness.TOKEN
                    + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                    + "Content-Length: 50000\r\n\r\n";
            stale.getOutputStream().write(head.getBytes());
            stale.getOutputStream().write(image, 0, 20_000);
            stale.getOutputStream().flush();
            sim.awaitBytesReceived(20_000);
            // The client comes back on a new connection: its PATCH at the stale offset cuts the old one and gets 409.
            HttpResponse<String> again = sim.patch(loc, 0, Arrays.copyOf(image, 1000));
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(again.headers().firstValue("Upload-Offset")).hasValue("20000");
            assertThat(sim.patch(loc, 20_000, Arrays.copyOfRange(image, 20_000, 50_000)).statusCode()).isEqualTo(204);
        }
    }
}
