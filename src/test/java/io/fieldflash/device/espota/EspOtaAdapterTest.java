package io.fieldflash.device.espota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.RetryPolicy;
import io.fieldflash.sim.espota.EspOtaSimulator;
import io.fieldflash.sim.espota.EspOtaSimulator.Flavour;
import io.fieldflash.testing.EspImages;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The espota adapter flashing real signed bundles into its simulator profile over loopback UDP and TCP, through UpdateJob. */
class EspOtaAdapterTest {
    static final String PASSWORD = "s3cret-ota";
    static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.5));
    static final EspOtaSettings QUICK = new EspOtaSettings(Duration.ofMillis(400), 2, Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofSeconds(5));

    @TempDir
    Path tmp;

    private JobResult flash(TestBundles.Made b, EspOtaDevice device, List<JobEvent> events) throws Exception {
        return UpdateJob.create(new BundleSource.Verified(b.bundle()), device, UpdateStores.in(tmp.resolve("home")), FAST)
                .addListener(events::add).run();
    }

    private static EspOtaDevice device(EspOtaSimulator sim, String password) {
        return EspOtaDevice.of("127.0.0.1", sim.port(), password).with(QUICK).bindTo(InetAddress.getLoopbackAddress());
    }

    private static EspOtaSimulator.Config config(Path dir, Flavour f) {
        return EspOtaSimulator.Config.of(dir, f);
    }

    @ParameterizedTest(name = "{0}, password {1}, {2}")
    @CsvSource({"ESP32, false, SHA256", "ESP32, true, SHA256", "ESP32, true, MD5", "ESP8266, false, MD5", "ESP8266, true, MD5"})
    void flashesASignedEsp32BundleAndTheDeviceHoldsExactlyItsImage(Flavour flavour, boolean withPassword, EspOtaAuth scheme) throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        EspOtaSimulator.Config c = config(tmp.resolve("dev"), flavour).password(withPassword ? PASSWORD : "", scheme);
        try (EspOtaSimulator sim = EspOtaSimulator.start(c)) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            JobResult r = flash(b, device(sim, withPassword ? PASSWORD : ""), events);
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(r.bytesSent()).isEqualTo(Files.size(b.image()));
            // progress while the stream goes, not only at its end
            assertThat(events).filteredOn(e -> e instanceof JobEvent.Progress p && p.bytesDone() > 0 && p.bytesDone() < p.bytesTotal()).isNotEmpty();
            assertThat(sim.updates()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @CsvSource({"ESP32, SHA256", "ESP32, MD5", "ESP8266, MD5"})
    void aWrongPasswordIsRefusedAndNothingIsSent(Flavour flavour, EspOtaAuth scheme) throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), flavour).password(PASSWORD, scheme))) {
            JobResult r = flash(b, device(sim, "wrong"), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("AUTH_FAILED");
            assertThat(r.message()).contains("refused the OTA password");
            assertThat(sim.transfers()).isZero();

            JobResult none = flash(b, device(sim, ""), new CopyOnWriteArrayList<>());
            assertThat(none.reason()).isEqualTo("AUTH_FAILED");
            assertThat(none.hint()).contains("--password");
        }
    }

    @Test
    void aDeviceGivenItsPasswordAsAnMd5HashIsAnsweredOnTheSecondTry() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP32).password(PASSWORD, EspOtaAuth.SHA256)
                .passwordGivenAsMd5())) {
            JobResult r = flash(b, device(sim, PASSWORD), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
        }
    }

    @Test
    void theDevicesOwnErrorTextIsShownWithWhatToDo() throws Exception {
        // Not an ESP image: the device refuses it at the first byte, in its own words.
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), TestBundles.randomFile(tmp.resolve("raw.bin"), 30_000, 5));
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP8266))) {
            JobResult r = flash(b, device(sim, ""), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
            assertThat(r.reason()).isEqualTo("INSTALL_REFUSED");
            assertThat(r.message()).contains("\"ERROR[10]: Magic byte is wrong, not 0xE9\"");
            assertThat(r.hint()).contains("0xE9");
            assertThat(sim.received()).doesNotExist();
        }
    }

    @Test
    void anEsp8266SaysWhenTheImageDoesNotFit() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP8266).maxImage(4096))) {
            JobResult r = flash(b, device(sim, ""), new CopyOnWriteArrayList<>());
            assertThat(r.reason()).isEqualTo("TOO_LARGE");
            assertThat(r.message()).contains("Not Enough Space");
        }
    }

    @Test
    void anEsp32ThatSaysOkAndNeverConnectsIsExplained() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP32).maxImage(4096))) {
            long t0 = System.nanoTime();
            JobResult r = flash(b, device(sim, ""), new CopyOnWriteArrayList<>());
            assertThat(r.reason()).isEqualTo("NO_CONNECTION_BACK");
            assertThat(r.message()).contains("firewall").contains("too large");
            assertThat(r.hint()).contains("firewall");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aDroppedConnectionStartsOverAndThePersonIsToldItCannotResume() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP32).faults(20_000, false, -1))) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            JobResult r = flash(b, device(sim, ""), events);
            assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(sim.transfers()).isEqualTo(2);
            assertThat(r.bytesSent()).isGreaterThan(Files.size(b.image()));
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(events).filteredOn(e -> e instanceof JobEvent.Reconnecting)
                    .anyMatch(e -> ((JobEvent.Reconnecting) e).reason().contains("cannot resume"));
        }
    }

    @Test
    void aSilentDeviceFailsWithinItsDeadlines() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP32).faults(-1, true, -1))) {
            long t0 = System.nanoTime();
            JobResult r = flash(b, device(sim, ""), new CopyOnWriteArrayList<>());
            assertThat(r.reason()).isEqualTo("UNREACHABLE");
            assertThat(r.message()).contains("does not answer the update invitation");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aDeviceThatHangsMidTransferIsCutOffByTheStallTimeout() throws Exception {
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        try (EspOtaSimulator sim = EspOtaSimulator.start(config(tmp.resolve("dev"), Flavour.ESP32).faults(-1, false, 10_000))) {
            long t0 = System.nanoTime();
            JobResult r = flash(b, device(sim, ""), new CopyOnWriteArrayList<>());
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("UNREACHABLE");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void parsesEspotaAddresses() {
        assertThat(EspOtaDevice.parse("espota://192.0.2.7", "").address()).isEqualTo("espota://192.0.2.7:3232");
        assertThat(EspOtaDevice.parse("espota://192.0.2.7:8266", "").address()).isEqualTo("espota://192.0.2.7:8266");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EspOtaDevice.parse("http://192.0.2.7", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
