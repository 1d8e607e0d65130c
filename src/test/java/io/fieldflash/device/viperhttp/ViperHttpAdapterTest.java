package io.fieldflash.device.viperhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.RetryPolicy;
import io.fieldflash.sim.viperhttp.ViperHttpSimulator;
import io.fieldflash.sim.viperhttp.ViperHttpSimulator.Dialect;
import io.fieldflash.testing.EspImages;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ViperHTTP adapter flashing real signed bundles into its simulator profile over loopback, through UpdateJob. */
class ViperHttpAdapterTest {
    static final String TOKEN = "ota-s3cret";
    static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), 2, 0.5))
            .withStepTimeout(Duration.ofSeconds(20));

    @TempDir
    Path tmp;

    private JobResult flash(TestBundles.Made b, ViperHttpDevice device, List<JobEvent> events) throws Exception {
        return UpdateJob.create(new BundleSource.Verified(b.bundle()), device, UpdateStores.in(tmp.resolve("home")), FAST)
                .addListener(events::add).run();
    }

    private static ViperHttpDevice device(ViperHttpSimulator sim, String token) {
        return ViperHttpDevice.of(sim.baseUri(), token).withChunkSize(16 * 1024).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void flashesASignedEsp32BundleAndTheDeviceHoldsExactlyItsImage() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN))) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            JobResult r = flash(b, device(sim, TOKEN), events);
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(r.bytesSent()).isEqualTo(Files.size(b.image()));
            assertThat(sim.sessionActive()).isFalse();
        }
    }

    @Test
    void speaksTheDocumentedDialectWhereADeviceServesIt() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN).dialect(Dialect.DOCUMENTED))) {
            JobResult r = flash(b, device(sim, TOKEN), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
        }
    }

    @Test
    void aWrongTokenFailsWithTheDevicesOwnWords() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN))) {
            JobResult r = flash(b, device(sim, "wrong"), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("AUTH_FAILED");
            assertThat(r.message()).contains("invalid ota token");
            assertThat(sim.received()).doesNotExist();
        }
    }

    @Test
    void theDevicesErrorTextIsShownWithWhatToDo() throws Exception {
        // Not an ESP image: the device takes every byte, then ESP-IDF refuses to mark it bootable.
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), TestBundles.randomFile(tmp.resolve("raw.bin"), 40_000, 3));
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN))) {
            JobResult r = flash(b, device(sim, TOKEN), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("DEVICE_ERROR");
            assertThat(r.message()).contains("\"failed to set boot partition: OSError(5379)\"");
            assertThat(r.hint()).isNotBlank();
            assertThat(sim.received()).doesNotExist();
        }
    }

    @Test
    void aDroppedChunkResumesFromTheDevicesOffset() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN).faults(3, 0))) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            JobResult r = flash(b, device(sim, TOKEN), events);
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(r.resumes()).isGreaterThanOrEqualTo(1);
            // Two chunks were held when the third broke: only that chunk went again, not the image.
            assertThat(r.bytesSent()).isLessThan(Files.size(b.image()) + 16 * 1024 + 1);
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(events).anyMatch(e -> e instanceof JobEvent.Reconnecting);
        }
    }

    @Test
    void aSessionLeftActiveByAnotherImageIsAbortedAndOursContinuesAcrossRuns() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN))) {
            // a failed earlier session (another image) blocks begin until aborted
            ViperHttpSession other = (ViperHttpSession) device(sim, TOKEN).open();
            var foreign = other.openTransfer(io.fieldflash.device.ImageSource.ofFile(TestBundles.randomFile(tmp.resolve("x.bin"), 1000, 9), "x"), "");
            ((ViperHttpTransfer) foreign).write(0, new byte[100], 0, 100, n -> {});
            assertThat(sim.sessionActive()).isTrue();

            // our own image, half sent by an earlier run
            ViperHttpSession s = (ViperHttpSession) device(sim, TOKEN).open();
            var src = io.fieldflash.device.ImageSource.ofFile(b.image(), "app");
            ViperHttpTransfer t = (ViperHttpTransfer) s.openTransfer(src, "");
            assertThat(t.resumed()).isFalse();
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(b.image()), 32 * 1024);
            assertThat(t.write(0, head, 0, head.length, n -> {})).isEqualTo(32 * 1024);

            JobResult r = flash(b, device(sim, TOKEN), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(r.bytesSent()).isEqualTo(Files.size(b.image()) - 32 * 1024);
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
        }
    }

    @Test
    void aDeviceThatStopsAnsweringFailsWithinItsDeadlines() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), TOKEN).faults(0, 4))) {
            ViperHttpDevice dev = ViperHttpDevice.of(sim.baseUri(), TOKEN).withChunkSize(16 * 1024)
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300));
            long t0 = System.nanoTime();
            JobResult r = flash(b, dev, new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("UNREACHABLE");
            assertThat(r.message()).contains("does not answer");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        }
    }
}
