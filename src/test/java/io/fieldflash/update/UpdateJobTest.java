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
}
