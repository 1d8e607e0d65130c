package io.fieldflash.device.elegantota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.elegantota.ElegantOtaProfile;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.WebProfile;
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

/** The ElegantOTA adapter against the simulated ElegantOTA 3, over loopback. */
class ElegantOtaTest {
    @TempDir
    Path tmp;

    static ElegantOtaDevice device(WebProfile p, String user, String password, HttpSettings s) {
        return new ElegantOtaDevice(p.address(), user, password, s);
    }

    @ParameterizedTest
    @EnumSource(ArduinoUpdate.Chip.class)
    void flashesARealSignedBundleAndTheDeviceHoldsItsImage(ArduinoUpdate.Chip chip) throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), chip)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, WebDevices.USER, WebDevices.PASSWORD, HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(p.flashed()).isEqualTo(1);
            assertThat(p.sessionOpen()).isFalse();
        }
    }

    @Test
    void aWrongPasswordIsRefusedBeforeAnythingIsSent() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "someone", WebDevices.PASSWORD, HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().reason()).isEqualTo("AUTH_FAILED");
            assertThat(run.result().bytesSent()).isZero();
            assertThat(p.sessionOpen()).isFalse();
            assertThat(p.flashed()).isZero();
        }
    }

    @Test
    void theDevicesOwnErrorTextIsShownWithWhatToDo() throws Exception {
        Path notEsp = TestBundles.randomFile(tmp.resolve("not-esp.bin"), 30_000, 6);
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), notEsp);
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).isEqualTo(JobResult.Outcome.REFUSED);
            assertThat(run.result().message()).contains("Wrong Magic Byte");
            assertThat(run.result().hint()).contains("not an ESP application image");
            assertThat(p.flashed()).isZero();
        }
    }

    /** ESP8266: the broken upload's session makes the next /ota/start say "Update already running" once. */
    @Test
    void aDroppedUploadOnAnEsp8266StartsAgainPastUpdateAlreadyRunning() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP8266)
                .dropping(20_000))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(run.messages()).anyMatch(m -> m.contains("cannot resume"));
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(b.image()));
        }
    }

    /**
     * ESP32: the next /ota/start says OK while the broken session stays open; the next upload is appended to it and
     * fails to activate, which closes the session; the adapter takes that refusal as the break's and sends once more.
     */
    @Test
    void aDroppedUploadOnAnEsp32IsSentAgainPastTheSessionItLeftOpen() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .dropping(20_000))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", HttpSettings.DEFAULT), tmp.resolve("home"));

            assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(JobResult.Outcome.UPDATED);
            assertThat(run.messages()).anyMatch(m -> m.contains("left its update session open"));
            assertThat(run.events()).filteredOn(e -> e instanceof JobEvent.Reconnecting).hasSize(2);
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(p.flashed()).isEqualTo(1);
        }
    }

    @Test
    void aDeviceThatStopsAnsweringFailsWithinTheTimeouts() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP8266)
                .stalling(65_984))) {
            WebDevices.Run run = WebDevices.flash(b, device(p, "", "", WebDevices.QUICK), tmp.resolve("home"), WebDevices.ONE_RETRY);

            assertThat(run.result().outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(run.result().reason()).isEqualTo("UNREACHABLE");
            assertThat(p.flashed()).isZero();
        }
    }

    /** ElegantOTA built on the async web server asks for Digest: said plainly, nothing sent. */
    @Test
    void aDeviceAskingForDigestIsToldApart() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            x.getResponseHeaders().add("WWW-Authenticate", "Digest realm=\"Login Required\", nonce=\"abc\", qop=\"auth\"");
            x.sendResponseHeaders(401, -1);
            x.close();
        });
        server.start();
        try {
            TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
            java.net.URI at = java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            WebDevices.Run run = WebDevices.flash(b, new ElegantOtaDevice(at, "admin", "pw", HttpSettings.DEFAULT), tmp.resolve("home"));
            assertThat(run.result().reason()).isEqualTo("AUTH_FAILED");
            assertThat(run.result().message()).contains("Digest");
            assertThat(run.result().bytesSent()).isZero();
        } finally {
            server.stop(0);
        }
    }
}
