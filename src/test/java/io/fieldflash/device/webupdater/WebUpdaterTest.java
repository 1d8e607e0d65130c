package io.fieldflash.device.webupdater;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.WebProfile;
import io.fieldflash.sim.webupdater.WebUpdaterProfile;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.testing.WebDevices;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The web updater adapter against the simulated Arduino web updater, over loopback. */
class WebUpdaterTest {
    @TempDir
    Path tmp;

    static WebUpdaterDevice device(WebProfile p, String user, String password, HttpSettings s) {
        return new WebUpdaterDevice(p.address(), user, password, s);
    }

    @ParameterizedTest
    @EnumSource(ArduinoUpdate.Chip.class)
    void flashesARealSignedBundleAndTheDeviceHoldsItsImage(ArduinoUpdate.Chip chip) throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), chip)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, WebDevices.USER, WebDevices.PASSWORD, HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(p.flashed()).isEqualTo(1);
            assertThat(run.result().bytesSent()).isEqualTo(Files.size(b.image()));
            assertThat(run.events()).filteredOn(e -> e instanceof JobEvent.Progress).isNotEmpty();
        }
    }

    @Test
    void aWrongPasswordIsRefusedBeforeAnythingIsSent() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, WebDevices.USER, "wrong", HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(run.result().reason()).isEqualTo("AUTH_FAILED");
            assertThat(run.result().message()).contains("not the ones given");
            assertThat(run.result().hint()).contains("--password");
            assertThat(run.result().bytesSent()).isZero();
            assertThat(p.flashed()).isZero();
        }
    }

    @Test
    void theDevicesOwnErrorTextUnder200IsAFailureShownWithWhatToDo() throws Exception {
        // Not an ESP image: the ESP8266 core refuses it at the end, still answering 200.
        Path notEsp = TestBundles.randomFile(tmp.resolve("not-esp.bin"), 30_000, 5);
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), notEsp);
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP8266))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).isEqualTo(JobResult.Outcome.REFUSED);
            assertThat(run.result().reason()).isEqualTo("INSTALL_REFUSED");
            assertThat(run.result().message()).contains("ERROR[10]: Magic byte is not 0xE9").contains("keeps its old firmware");
            assertThat(run.result().hint()).contains("not an ESP application image");
            assertThat(p.flashed()).isZero();
        }
    }

    @Test
    void aDroppedUploadStartsAgainFromTheFirstByteAndThePersonIsToldWhy() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .dropping(20_000))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(run.messages()).anyMatch(m -> m.contains("cannot resume"));
            assertThat(run.events()).filteredOn(e -> e instanceof JobEvent.Reconnecting).hasSize(1);
            assertThat(run.result().bytesSent()).isGreaterThan(Files.size(b.image()));
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(p.flashed()).isEqualTo(1);
        }
    }

    @Test
    void aDeviceThatStopsAnsweringFailsWithinTheTimeouts() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .stalling(10_000))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", WebDevices.QUICK), tmp.resolve("home"), WebDevices.ONE_RETRY);

            assertThat(run.result().outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(run.result().reason()).isEqualTo("UNREACHABLE");
            assertThat(run.result().message()).contains("took nothing and answered nothing");
            assertThat(run.events()).filteredOn(e -> e instanceof JobEvent.Reconnecting).hasSize(1);
            assertThat(p.flashed()).isZero();
        }
    }

    @Test
    void anImageThatStopsMatchingItsManifestIsNeverSentWhole() throws Exception {
        Path image = WebDevices.espApp(tmp.resolve("v"));
        byte[] bytes = Files.readAllBytes(image);
        io.fieldflash.device.ImageSource failing = new io.fieldflash.device.ImageSource() {
            @Override public String name() { return "app"; }
            @Override public long size() { return bytes.length; }
            @Override public String sha256() { return "0".repeat(64); }
            @Override public java.io.InputStream open(long offset) {
                return new java.io.FilterInputStream(new java.io.ByteArrayInputStream(bytes)) {
                    long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws java.io.IOException {
                        if (read > 40_000) throw new java.io.IOException("the image no longer matches its manifest");
                        int n = super.read(b, off, Math.min(len, 8192));
                        read += Math.max(0, n);
                        return n;
                    }
                };
            }
        };
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP8266));
             io.fieldflash.device.DeviceSession s = device(p, "", "", HttpSettings.DEFAULT).open()) {
            io.fieldflash.device.StreamedTransfer t = (io.fieldflash.device.StreamedTransfer) s.openTransfer(failing, "");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.send(n -> {}))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("no longer matches");
            Thread.sleep(200);
            assertThat(p.flashed()).isZero();
            assertThat(p.sessionOpen()).isFalse();     // the web updater closes the session of a broken upload
        }
    }
}
