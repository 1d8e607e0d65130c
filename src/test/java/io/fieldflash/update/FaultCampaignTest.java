package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fault campaign: many updates over a link that drops, corrupts and reboots the device. Every run must end
 * either with the new image confirmed and byte-identical, or with a clean failure and the old firmware running.
 * Seeds are printed; replay one with {@code -Dfieldflash.campaign.seed=N -Dfieldflash.campaign.runs=1}.
 */
class FaultCampaignTest {
    static final long BASE_SEED = Long.getLong("fieldflash.campaign.seed", 20261121L);
    static final int RUNS = Integer.getInteger("fieldflash.campaign.runs", 100);
    static final int IMAGE = 40_000 + 321;
    static final int CHUNK = 4096;

    static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(80), 2, 0.5))
            .withReboot(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(20));
    static final HttpSettings HTTP = HttpSettings.DEFAULT.withChunkSize(CHUNK).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));

    @TempDir
    static Path tmp;
    static TestBundles.Made bundle;
    static byte[] image;

    @BeforeAll
    static void bundle() throws Exception {
        bundle = TestBundles.make(tmp.resolve("bundles"), "2.5.0", 7, IMAGE, 99);
        image = Files.readAllBytes(bundle.image());
    }

    record Run(long seed, JobResult result, SimulatedDevice sim) {}

    private static JobResult flash(Path dir, String faults, long seed) throws Exception {
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(dir.resolve("dev"))
                .faults(FaultSpec.parse(faults + ",seed=" + seed + ",reboot-ms=30")).ioTimeout(Duration.ofSeconds(5)).build())) {
            UpdateStores stores = UpdateStores.in(dir.resolve("home"));
            JobResult r = UpdateJob.create(new BundleSource.Verified(bundle.bundle()),
                    new HttpDevice(Sim.address(sim), Sim.TOKEN, HTTP), stores, FAST).run();
            String where = "seed " + seed + " (" + faults + "): " + r.outcome() + " " + r.reason() + " " + r.message();
            assertThat(sim.awaitUp(Duration.ofSeconds(5))).as(where).isTrue();
            if (r.outcome() == JobResult.Outcome.UPDATED) {
                assertThat(sim.state().version()).as(where).isEqualTo("2.5.0");
                assertThat(sim.state().trial()).as(where).isFalse();
                assertThat(Arrays.equals(Files.readAllBytes(Sim.activeSlotFile(sim)), image)).as(where + ": slot byte-identical").isTrue();
                assertThat(stores.resume().load(r.deviceId())).as(where).isEmpty();
            } else {
                // A clean failure: a reason, the old firmware running, confirmed, and the resume point kept.
                assertThat(r.outcome()).as(where).isEqualTo(JobResult.Outcome.FAILED);
                assertThat(r.reason()).as(where).isNotEmpty();
                assertThat(sim.state().version()).as(where).isEqualTo("2.4.0");
                assertThat(sim.state().trial()).as(where).isFalse();
                assertThat(sim.state().pendingReboot()).as(where).isFalse();
            }
            assertThat(stores.audit().verify().ok()).as(where).isTrue();
            return r;
        }
    }

    @Test
    void everyRunEndsConfirmedAndByteIdenticalOrCleanlyOnTheOldFirmware() throws Exception {
        Map<JobResult.Outcome, Integer> outcomes = new EnumMap<>(JobResult.Outcome.class);
        long sent = 0, resumes = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            long seed = BASE_SEED + i;
            JobResult r = flash(tmp.resolve("run-" + i), "drop=0.2,corrupt=0.05,reboot=0.05", seed);
            System.out.printf("campaign run %3d seed %d: %s %s sent=%d resumes=%d %.2fs%n", i, seed, r.outcome(), r.reason(),
                    r.bytesSent(), r.resumes(), r.elapsed().toMillis() / 1000.0);
            outcomes.merge(r.outcome(), 1, Integer::sum);
            sent += r.bytesSent();
            resumes += r.resumes();
        }
        System.out.printf("campaign: %d runs in %.1f s: %s; %.2f x image bytes sent on average, %d resumes%n", RUNS,
                (System.nanoTime() - t0) / 1e9, outcomes, (double) sent / RUNS / IMAGE, resumes);
        assertThat(outcomes.getOrDefault(JobResult.Outcome.UPDATED, 0)).as("most runs get through").isGreaterThan(RUNS * 9 / 10);
        assertThat(resumes).as("the faults did fire").isGreaterThan(RUNS);
    }

    @Test
    void underDropsAloneABreakCostsAtMostTheRestOfOneChunk() throws Exception {
        int runs = Math.max(1, RUNS / 5);
        for (int i = 0; i < runs; i++) {
            long seed = BASE_SEED + 1000 + i;
            JobResult r = flash(tmp.resolve("drop-" + i), "drop=0.2", seed);
            System.out.printf("drop run %2d seed %d: %s sent=%d (%.2f x) resumes=%d%n", i, seed, r.outcome(), r.bytesSent(),
                    (double) r.bytesSent() / IMAGE, r.resumes());
            assertThat(r.outcome()).as("seed " + seed + ": " + r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(r.bytesSent()).as("seed " + seed).isLessThanOrEqualTo((long) (1.5 * IMAGE));
        }
    }
}
