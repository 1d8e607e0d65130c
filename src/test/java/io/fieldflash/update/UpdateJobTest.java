package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole update against the project's simulated device, in-process, over loopback HTTP. */
class UpdateJobTest {
    static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(8, Duration.ofMillis(20), Duration.ofMillis(300), 2, 0.5))
            .withReboot(Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMillis(50));

    @TempDir
    Path tmp;

    static HttpDevice device(SimulatedDevice sim, String token) {
        return new HttpDevice(Sim.address(sim), token, HttpSettings.DEFAULT.withChunkSize(16 * 1024));
    }

    @Test
    void flashesARealBundleAndTheDeviceRunsItConfirmed() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("bundles"), "2.5.0", 7, 100_000 + 17, 1);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(
                io.fieldflash.sim.FaultSpec.parse("reboot-ms=100")).build())) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            UpdateStores stores = UpdateStores.in(tmp.resolve("home"));
            JobResult r = UpdateJob.create(new BundleSource.Verified(b.bundle()), device(sim, Sim.TOKEN), stores, FAST)
                    .addListener(events::add).run();

            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(r.versionBefore()).isEqualTo("2.4.0");
            assertThat(r.versionAfter()).isEqualTo("2.5.0");
            assertThat(r.bytesSent()).isEqualTo(100_017);
            assertThat(r.resumeKept()).isFalse();
            assertThat(Files.readAllBytes(Sim.activeSlotFile(sim))).isEqualTo(Files.readAllBytes(b.image()));
            JsonNode dev = Json.MAPPER.readTree(tmp.resolve("dev/device.json").toFile());
            assertThat(sim.state().trial()).isFalse();
            assertThat(sim.state().version()).isEqualTo("2.5.0");
            assertThat(dev.get("state").asText()).isEqualTo("confirmed");
            assertThat(events.getLast()).isInstanceOf(JobEvent.Finished.class);
            assertThat(events).filteredOn(e -> e instanceof JobEvent.PhaseChanged).extracting(e -> ((JobEvent.PhaseChanged) e).phase())
                    .containsSubsequence(Phase.CONNECTING, Phase.IDENTIFYING, Phase.PREFLIGHT, Phase.TRANSFERRING, Phase.INSTALLING,
                            Phase.REBOOTING, Phase.WAITING, Phase.CONFIRMING, Phase.DONE);
            assertThat(stores.resume().load(r.deviceId())).isEmpty();
            assertThat(stores.counters().highest(r.deviceId())).get().extracting(InstalledCounters.Entry::securityCounter).isEqualTo(7L);
            assertThat(stores.audit().verify().ok()).isTrue();
            assertThat(stores.audit().lines()).hasSize(1).first().asString().contains("\"result\":\"UPDATED\"");

            // The same bundle again: a distinct outcome, nothing sent.
            JobResult again = UpdateJob.create(new BundleSource.Verified(b.bundle()), device(sim, Sim.TOKEN), stores, FAST).run();
            assertThat(again.outcome()).isEqualTo(JobResult.Outcome.ALREADY_INSTALLED);
            assertThat(again.ok()).isTrue();
            assertThat(again.bytesSent()).isZero();
        }
    }

    @Test
    void flashesEveryImageOfAMultiImageBundleWithOneRestart() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("bundles"), TestBundles.PRODUCT, List.of(TestBundles.HARDWARE), "2.6.0", 8,
                "2099-01-01T00:00:00Z", new java.util.LinkedHashMap<>(java.util.Map.of(
                        "app", TestBundles.randomFile(tmp.resolve("app.bin"), 70_000, 2),
                        "web", TestBundles.randomFile(tmp.resolve("web.bin"), 33_333, 3))));
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(
                io.fieldflash.sim.FaultSpec.parse("reboot-ms=100")).build())) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            JobResult r = UpdateJob.create(new BundleSource.Verified(b.bundle()), device(sim, Sim.TOKEN), UpdateStores.in(tmp.resolve("home")), FAST)
                    .addListener(events::add).run();
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(r.bytesSent()).isEqualTo(103_333);
            io.fieldflash.sim.Slot active = sim.state().active();
            assertThat(Files.readAllBytes(sim.slotFile(active))).isEqualTo(Files.readAllBytes(tmp.resolve("app.bin")));
            assertThat(Files.readAllBytes(tmp.resolve("dev").resolve(active.fileName("web")))).isEqualTo(Files.readAllBytes(tmp.resolve("web.bin")));
            assertThat(events).filteredOn(e -> e instanceof JobEvent.PhaseChanged p && p.phase() == Phase.REBOOTING).hasSize(1);
            assertThat(events).filteredOn(e -> e instanceof JobEvent.PhaseChanged p && p.phase() == Phase.INSTALLING).hasSize(2);
            JobEvent.Progress last = events.stream().filter(e -> e instanceof JobEvent.Progress).map(JobEvent.Progress.class::cast)
                    .reduce((x, y) -> y).orElseThrow();
            assertThat(last.bytesDone()).isEqualTo(last.bytesTotal()).isEqualTo(103_333);
        }
    }

    @Test
    void aTrialLeftByAnInterruptedRunIsConfirmedWithoutSendingAgain() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("bundles"), "2.5.0", 7, 20_000, 4);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(
                io.fieldflash.sim.FaultSpec.parse("reboot-ms=100")).build())) {
            // An earlier run got as far as the restart, then the laptop died: drive those steps by hand.
            HttpDevice dev = device(sim, Sim.TOKEN);
            try (io.fieldflash.device.DeviceSession s = dev.open()) {
                io.fieldflash.device.ImageSource src = io.fieldflash.device.ImageSource.ofFile(b.image(), "app");
                var t = (io.fieldflash.device.ChunkedTransfer) s.openTransfer(src, "");
                new io.fieldflash.device.ChunkSender(io.fieldflash.device.RetryPolicy.DEFAULT, io.fieldflash.device.TransferControl.NONE,
                        io.fieldflash.device.TransferListener.NONE, java.util.random.RandomGenerator.getDefault()).send(t);
                s.install(t, new io.fieldflash.device.InstallRequest("app", src.sha256(), b.bundle().manifestBytes(), b.bundle().signaturesBytes()));
                s.reboot();
            }
            assertThat(sim.awaitUp(Duration.ofSeconds(5))).isTrue();
            Thread.sleep(300);
            assertThat(sim.awaitUp(Duration.ofSeconds(5))).isTrue();
            assertThat(sim.state().trial()).isTrue();

            JobResult r = UpdateJob.create(new BundleSource.Verified(b.bundle()), dev, UpdateStores.in(tmp.resolve("home")), FAST).run();
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(r.bytesSent()).isZero();
            assertThat(sim.state().trial()).isFalse();
            assertThat(sim.state().version()).isEqualTo("2.5.0");
        }
    }

    @Test
    void anotherFirmwareOnTrialIsNotOverwritten() throws Exception {
        TestBundles.Made onTrial = TestBundles.make(tmp.resolve("b1"), "2.5.0", 7, 5_000, 5);
        TestBundles.Made next = TestBundles.make(tmp.resolve("b2"), "2.6.0", 8, 5_000, 6);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(
                io.fieldflash.sim.FaultSpec.parse("reboot-ms=100")).build())) {
            HttpDevice dev = device(sim, Sim.TOKEN);
            try (io.fieldflash.device.DeviceSession s = dev.open()) {
                io.fieldflash.device.ImageSource src = io.fieldflash.device.ImageSource.ofFile(onTrial.image(), "app");
                var t = (io.fieldflash.device.ChunkedTransfer) s.openTransfer(src, "");
                new io.fieldflash.device.ChunkSender(io.fieldflash.device.RetryPolicy.DEFAULT, io.fieldflash.device.TransferControl.NONE,
                        io.fieldflash.device.TransferListener.NONE, java.util.random.RandomGenerator.getDefault()).send(t);
                s.install(t, new io.fieldflash.device.InstallRequest("app", src.sha256(), onTrial.bundle().manifestBytes(), onTrial.bundle().signaturesBytes()));
                s.reboot();
            }
            Thread.sleep(300);
            assertThat(sim.awaitUp(Duration.ofSeconds(5))).isTrue();
            JobResult r = UpdateJob.create(new BundleSource.Verified(next.bundle()), dev, UpdateStores.in(tmp.resolve("home")), FAST).run();
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
            assertThat(r.reason()).isEqualTo("TRIAL_PENDING");
            assertThat(sim.state().trial()).isTrue();
        }
    }
}
