package io.fieldflash.update;

import io.fieldflash.device.esprom.SerialPlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.ManualBoot;
import io.fieldflash.testing.RomBench;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DepotRun} on simulated units over real ptys: stopping all of them at once, each with its audit record. */
class DepotRunTest {
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    @TempDir
    Path tmp;
    final List<RomBench> units = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RomBench b : units) b.close();
    }

    VerifiedBundle bundle(String manifestImages, byte[] app) throws Exception {
        Path img = Files.write(tmp.resolve("app.bin"), app);
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "2.0.0", "securityCounter": 3, "expires": "2099-01-01T00:00:00Z", "images": %s}
                """.formatted(manifestImages);
        Path out = tmp.resolve("b.fwb");
        Files.deleteIfExists(out);
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", img), List.of(VENDOR), out, BundleWriter.Compression.STORE);
        return new BundleReader(new TrustStore(1, 1, 1, List.of(new TrustedKey(VENDOR.publicKey(), "Acme", List.of(), Instant.MAX, false, false))))
                .read(out);
    }

    /**
     * One unit over a cable, stopped by the operator while being written: the ROM has already erased the region, so the
     * result must not claim the old firmware still runs, and it says how to get the unit going again.
     */
    @Test
    void cancelMidWriteOverSerialSaysTheFirmwareIsIncomplete() throws Exception {
        byte[] app = RomBench.random(120_000, 62);
        VerifiedBundle vb = bundle("[{\"name\": \"app\", \"serial\": {\"flashOffset\": 65536, \"chip\": \"esp32\"}}]", app);
        RomBench unit = RomBench.start(Files.createDirectories(tmp.resolve("one")), Chip.ESP32, "");
        units.add(unit);
        EspRomOptions slow = EspRomOptions.defaults().withBaud(115_200).withCompress(false);
        UpdateJob job = UpdateJob.create(new BundleSource.Verified(vb),
                SerialPlan.of(vb.manifest()).device(unit.pty.a(), slow, ManualBoot.Prompt.NONE), UpdateStores.in(tmp.resolve("home")),
                JobSettings.DEFAULT);
        job.addListener(e -> {
            if (e instanceof JobEvent.Progress p && p.bytesDone() > 0 && job.phase() == Phase.TRANSFERRING) job.cancel();
        });
        JobResult r = job.start().await(Duration.ofSeconds(30)).orElseThrow();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.CANCELLED);
        assertThat(r.message()).isEqualTo(UpdateJob.SERIAL_STOPPED).contains("incomplete").doesNotContain("old firmware");
        assertThat(r.hint()).isEqualTo(UpdateJob.SERIAL_STOPPED_HINT).doesNotContain("continue");
    }

    /** The command line's Ctrl-C: every unit stops mid-transfer, its firmware left incomplete, and is recorded. */
    @Test
    void interruptAllStopsEveryUnitAndAuditsEach() throws Exception {
        byte[] app = RomBench.random(120_000, 61);
        VerifiedBundle vb = bundle("[{\"name\": \"app\", \"serial\": {\"flashOffset\": 65536, \"chip\": \"esp32\"}}]", app);
        SerialPlan plan = SerialPlan.of(vb.manifest());
        EspRomOptions slow = EspRomOptions.defaults().withBaud(115_200).withCompress(false);
        for (String n : List.of("a", "b")) units.add(RomBench.start(Files.createDirectories(tmp.resolve(n)), Chip.ESP32, ""));
        UpdateStores stores = UpdateStores.in(tmp.resolve("home"));
        CountDownLatch sending = new CountDownLatch(2);
        DepotRun run = DepotRun.create(vb, units.stream().map(u -> plan.device(u.pty.a(), slow, ManualBoot.Prompt.NONE)).toList(),
                stores, JobSettings.DEFAULT, new DepotRun.Listener() {
                    @Override
                    public void created(String port, UpdateJob job) {
                        job.addListener(new JobListener() {
                            boolean seen;

                            @Override
                            public void onEvent(JobEvent e) {
                                if (!seen && e instanceof JobEvent.Progress p && p.bytesDone() > 0) {
                                    seen = true;
                                    sending.countDown();
                                }
                            }
                        });
                    }
                });
        run.start();
        assertThat(sending.await(30, TimeUnit.SECONDS)).as("both units are being written").isTrue();
        assertThat(run.interruptAll()).isTrue();
        List<DepotRun.UnitResult> results = run.await(Duration.ofSeconds(15)).orElseThrow();
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.result().outcome()).isEqualTo(JobResult.Outcome.CANCELLED);
            assertThat(r.chip()).isPresent();
            assertThat(r.result().deviceId()).isEqualTo(r.chip().get().macText());
            // each unit went through the depot's wrapper, and its result still says what a stopped serial write leaves
            assertThat(r.result().message()).isEqualTo(UpdateJob.SERIAL_STOPPED);
        });
        assertThat(DepotRun.allOk(results)).isFalse();
        List<String> audit = stores.audit().lines();
        assertThat(audit).hasSize(2);
        for (RomBench u : units) assertThat(audit).anySatisfy(l -> assertThat(l).contains(u.pty.a()).contains("CANCELLED"));
    }
}
