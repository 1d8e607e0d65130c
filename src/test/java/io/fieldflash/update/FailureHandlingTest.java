package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees when something is wrong, and that a resume point always survives a failure. */
class FailureHandlingTest {
    static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.5))
            .withReboot(Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMillis(50));
    static final HttpSettings HTTP = HttpSettings.DEFAULT.withChunkSize(8 * 1024).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    static final int IMAGE = 200_000;

    @TempDir
    static Path shared;
    static TestBundles.Made bundle;

    @TempDir
    Path tmp;
    UpdateStores stores;

    @BeforeAll
    static void makeBundle() throws Exception {
        bundle = TestBundles.make(shared, "2.5.0", 7, IMAGE, 5);
    }

    @BeforeEach
    void stores() {
        stores = UpdateStores.in(tmp.resolve("home"));
    }

    private UpdateJob job(SimulatedDevice sim, String token) {
        return UpdateJob.create(new BundleSource.Verified(bundle.bundle()), new HttpDevice(Sim.address(sim), token, HTTP), stores, FAST);
    }

    /** Starts an update on a slow link and cancels it a third of the way: a resume point is left. */
    private JobResult cancelPartWay(SimulatedDevice sim) throws Exception {
        UpdateJob job = job(sim, Sim.TOKEN);
        job.addListener(e -> {
            if (e instanceof JobEvent.Progress p && p.bytesDone() > IMAGE / 3) job.cancel();
        });
        return job.run();
    }

    private SimulatedDevice slowDevice(SimulatorConfig.Builder b) throws Exception {
        return SimulatedDevice.start(b.faults(FaultSpec.parse("rate=250000,reboot-ms=50")).build());
    }

    @Test
    void cancelKeepsTheOldFirmwareAndTheResumePointAndTheNextRunContinues() throws Exception {
        try (SimulatedDevice sim = slowDevice(Sim.config(tmp.resolve("dev")))) {
            JobResult r = cancelPartWay(sim);
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.CANCELLED);
            assertThat(r.message()).isEqualTo("Stopped by the operator before anything was installed; the device runs its old firmware.");
            assertThat(r.resumeKept()).isTrue();
            assertThat(sim.state().version()).isEqualTo("2.4.0");
            ResumePoint rp = stores.resume().load(r.deviceId()).orElseThrow();
            assertThat(rp.manifestSha256()).isEqualTo(bundle.bundle().manifestSha256());
            assertThat(rp.offset()).isGreaterThan(0);

            JobResult again = job(sim, Sim.TOKEN).run();
            assertThat(again.outcome()).as(again.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(again.resumes()).isGreaterThanOrEqualTo(1);
            assertThat(again.bytesSent()).isLessThan(IMAGE * 3 / 4);
            assertThat(Files.readAllBytes(Sim.activeSlotFile(sim))).isEqualTo(Files.readAllBytes(bundle.image()));
            assertThat(stores.resume().load(r.deviceId())).isEmpty();
            assertThat(stores.audit().lines()).hasSize(2);
        }
    }

    @Test
    void cancelAndDiscardDropsTheTransferOnTheDeviceAndOnDisk() throws Exception {
        try (SimulatedDevice sim = slowDevice(Sim.config(tmp.resolve("dev")))) {
            UpdateJob job = job(sim, Sim.TOKEN);
            job.addListener(e -> {
                if (e instanceof JobEvent.Progress p && p.bytesDone() > IMAGE / 4) job.cancelAndDiscard();
            });
            JobResult r = job.run();
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.CANCELLED);
            assertThat(r.resumeKept()).isFalse();
            assertThat(stores.resume().load(r.deviceId())).isEmpty();
            try (var client = java.net.http.HttpClient.newHttpClient()) {
                String info = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUri() + "/info")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertThat(info).contains("\"upload\":null");
            }
        }
    }

    @Test
    void pauseHoldsTheTransferAndResumeFinishesIt() throws Exception {
        try (SimulatedDevice sim = slowDevice(Sim.config(tmp.resolve("dev")))) {
            UpdateJob job = job(sim, Sim.TOKEN);
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            job.addListener(events::add);
            job.addListener(e -> {
                if (e instanceof JobEvent.Progress p && p.bytesDone() > IMAGE / 4 && !job.isPaused() && events.stream().noneMatch(x -> x instanceof JobEvent.PauseChanged)) {
                    job.pause();
                }
            });
            job.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (events.stream().noneMatch(e -> e instanceof JobEvent.PauseChanged pc && pc.paused()) && System.nanoTime() < deadline) Thread.sleep(10);
            long received = sim.stats().bytesReceived();
            Thread.sleep(300);
            assertThat(sim.stats().bytesReceived()).as("nothing is sent while paused").isEqualTo(received);
            job.resume();
            JobResult r = job.await();
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(events).anyMatch(e -> e instanceof JobEvent.PauseChanged pc && !pc.paused());
        }
    }

    @Test
    void wrongTokenSaysSoAndKeepsTheResumePoint() throws Exception {
        try (SimulatedDevice sim = slowDevice(Sim.config(tmp.resolve("dev")))) {
            JobResult first = cancelPartWay(sim);
            JobResult r = job(sim, "wrong-token").run();
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("AUTH_FAILED");
            assertThat(r.message()).contains("refused the access token").contains(Sim.address(sim).toString());
            assertThat(r.hint()).contains("token");
            assertThat(r.resumeKept()).isTrue();
            assertThat(stores.resume().load(first.deviceId())).isPresent();
            assertThat(sim.state().version()).isEqualTo("2.4.0");
        }
    }

    @Test
    void lockoutSaysHowManyMinutesAreLeftAndKeepsTheResumePoint() throws Exception {
        try (SimulatedDevice sim = slowDevice(Sim.config(tmp.resolve("dev")).lockoutAfter(3).lockoutDuration(Duration.ofMinutes(30)))) {
            JobResult first = cancelPartWay(sim);
            JobResult r = null;
            for (int i = 0; i < 4; i++) {
                r = job(sim, "guess-" + i).run();
                if (r.reason().equals("LOCKED_OUT")) break;
                assertThat(r.reason()).isEqualTo("AUTH_FAILED");
            }
            assertThat(r.reason()).isEqualTo("LOCKED_OUT");
            assertThat(r.message()).contains("locked").contains("30 more minutes");
            assertThat(r.hint()).contains("Wait 30 minutes");
            // The right token does not help until the time is up.
            JobResult right = job(sim, Sim.TOKEN).run();
            assertThat(right.reason()).isEqualTo("LOCKED_OUT");
            assertThat(stores.resume().load(first.deviceId())).isPresent();
            assertThat(right.resumeKept()).isTrue();
        }
    }

    @Test
    void deviceGoneSaysItDoesNotAnswerAndKeepsTheResumePoint() throws Exception {
        JobResult first;
        SimulatedDevice sim = slowDevice(Sim.config(tmp.resolve("dev")));
        UpdateJob gone;
        try (sim) {
            first = cancelPartWay(sim);
            gone = job(sim, Sim.TOKEN);
        }
        JobResult r = gone.run();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("UNREACHABLE");
        assertThat(r.message()).contains("does not answer").contains("connection refused").contains(Sim.address(sim).toString());
        assertThat(r.hint()).contains("Wi-Fi").contains("continues where it stopped");
        assertThat(stores.resume().load(first.deviceId())).isPresent();
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void preflightRefusesWrongHardwareDowngradeAndWhatThisLaptopWentPast() throws Exception {
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).build())) {
            TestBundles.Made otherHw = TestBundles.make(tmp.resolve("b1"), TestBundles.PRODUCT, List.of("ccx-rev-z"), "2.5.0", 7,
                    "2099-01-01T00:00:00Z", java.util.Map.of("app", TestBundles.randomFile(tmp.resolve("a.bin"), 1000, 1)));
            JobResult hw = UpdateJob.create(new BundleSource.Verified(otherHw.bundle()), new HttpDevice(Sim.address(sim), Sim.TOKEN, HTTP),
                    stores, FAST).run();
            assertThat(hw.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
            assertThat(hw.reason()).isEqualTo("INCOMPATIBLE_HARDWARE");

            TestBundles.Made old = TestBundles.make(tmp.resolve("b2"), "2.3.9", 5, 1000, 2);
            JobResult down = UpdateJob.create(new BundleSource.Verified(old.bundle()), new HttpDevice(Sim.address(sim), Sim.TOKEN, HTTP),
                    stores, FAST).run();
            assertThat(down.reason()).isEqualTo("DOWNGRADE");
            assertThat(down.message()).contains("below the device's");

            stores.counters().record(down.deviceId(), 9, "3.0.0");
            JobResult mem = job(sim, Sim.TOKEN).run();
            assertThat(mem.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
            assertThat(mem.reason()).isEqualTo("DOWNGRADE");
            assertThat(mem.message()).contains("This laptop installed 3.0.0");
            assertThat(mem.bytesSent()).isZero();
            assertThat(sim.state().version()).isEqualTo("2.4.0");
        }
    }
}
