package io.fieldflash.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.elegantota.ElegantOtaProfile;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.WebProfile;
import io.fieldflash.sim.webupdater.WebUpdaterProfile;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.WebDevices;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol registry and auto-detection against real simulated devices on loopback. */
class ProtocolsTest {
    @TempDir
    Path tmp;

    static final Protocols.Credentials LOGIN = new Protocols.Credentials("", WebDevices.USER, WebDevices.PASSWORD);

    @Test
    void detectsTheArduinoWebUpdaterWithoutChangingIt() throws Exception {
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP8266))) {
            Protocols.Detection d = Protocols.detect(p.address(), Protocols.Credentials.NONE, HttpSettings.DEFAULT);
            assertThat(d.protocol().id()).isEqualTo("web-updater");
            assertThat(d.describe()).isEqualTo("an Arduino web updater, cannot resume");
            assertThat(p.flashed()).isZero();
            assertThat(p.sessionOpen()).isFalse();
        }
    }

    @Test
    void detectsElegantOtaBehindItsPasswordWithoutOpeningAnUpdateSession() throws Exception {
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            Protocols.Detection d = Protocols.detect(p.address(), LOGIN, HttpSettings.DEFAULT);
            assertThat(d.protocol().id()).isEqualTo("elegantota");
            assertThat(d.describe()).isEqualTo("an ElegantOTA web updater, cannot resume");
            assertThat(p.sessionOpen()).isFalse();

            // Without the password it cannot tell which page it is, and says what to give.
            assertThatThrownBy(() -> Protocols.detect(p.address(), Protocols.Credentials.NONE, HttpSettings.DEFAULT))
                    .isInstanceOfSatisfying(DeviceException.class, e -> {
                        assertThat(e.reason()).isEqualTo(DeviceException.Reason.AUTH_FAILED);
                        assertThat(e.getMessage()).contains("elegantota or web-updater");
                        assertThat(e.hint()).contains("--user");
                    });
        }
    }

    @Test
    void detectsAFieldFlashDevice() throws Exception {
        try (SimulatedDevice sim = Sim.start(tmp.resolve("dev"), null)) {
            Protocols.Detection d = Protocols.detect(Sim.address(sim), Protocols.Credentials.NONE, HttpSettings.DEFAULT);
            assertThat(d.protocol().id()).isEqualTo("fieldflash-http");
            assertThat(d.describe()).contains("can resume");
        }
    }

    @Test
    void detectsViperHttpWithItsToken() throws Exception {
        try (var sim = io.fieldflash.sim.viperhttp.ViperHttpSimulator.start(
                io.fieldflash.sim.viperhttp.ViperHttpSimulator.Config.of(tmp.resolve("viper"), "t0k"))) {
            URI at = URI.create("http://127.0.0.1:" + sim.baseUri().getPort());
            assertThat(Protocols.detect(at, new Protocols.Credentials("t0k", "", ""), HttpSettings.DEFAULT).protocol().id())
                    .isEqualTo("viperhttp");
            assertThatThrownBy(() -> Protocols.detect(at, Protocols.Credentials.NONE, HttpSettings.DEFAULT))
                    .isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.getMessage()).contains("viperhttp"));
        }
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> Protocols.detect(URI.create("http://127.0.0.1:" + port), Protocols.Credentials.NONE, HttpSettings.DEFAULT))
                .isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.UNREACHABLE));
    }

    @Test
    void unknownAndUnbuiltProtocolsAreRefusedByName() {
        URI a = URI.create("http://127.0.0.1:1");
        assertThatThrownBy(() -> Protocols.create("tftp", a, Protocols.Credentials.NONE, HttpSettings.DEFAULT))
                .hasMessageContaining("unknown protocol 'tftp'").hasMessageContaining("web-updater");
        for (Protocols.Protocol p : Protocols.all()) {
            if (p.built()) continue;
            assertThatThrownBy(() -> Protocols.create(p.id(), a, Protocols.Credentials.NONE, HttpSettings.DEFAULT))
                    .hasMessageContaining("not available");
        }
        assertThat(Protocols.ids()).contains("fieldflash-http", "viperhttp", "web-updater", "elegantota", "espota");
        assertThat(Protocols.create("web-updater", a, LOGIN, HttpSettings.DEFAULT).capabilities().resumable()).isFalse();
    }
}
