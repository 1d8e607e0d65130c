package io.fieldflash.cli;

import io.fieldflash.testing.HomeProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.fieldflash.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.sim.elegantota.ElegantOtaProfile;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.WebProfile;
import io.fieldflash.sim.webupdater.WebUpdaterProfile;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.testing.WebDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fieldflash flash --protocol ...} and detection, in-process, against the web-page profiles. */
class FlashProtocolTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));

    @Test
    void detectsTheWebUpdaterSaysWhatItFoundAndFlashes() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            CliRun r = CliRun.run("flash", b.path().toString(), "--device", p.address().toString(),
                    "--user", WebDevices.USER, "--password", WebDevices.PASSWORD, "--trust", b.trustFile().toString(), "--plain");
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("found: an Arduino web updater, cannot resume").contains("UPDATED")
                    .contains("cannot tell the device's product or firmware").doesNotContain("→");
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(b.image()));
        }
    }

    @Test
    void anExplicitProtocolIsUsedAndItsRefusalsAreShown() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            CliRun wrong = CliRun.run("flash", b.path().toString(), "--device", p.address().toString(),
                    "--protocol", "elegantota", "--user", WebDevices.USER, "--password", "nope", "--trust", b.trustFile().toString(), "--json");
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.json().get("reason").asText()).isEqualTo("AUTH_FAILED");

            CliRun ok = CliRun.run("flash", b.path().toString(), "--device", p.address().toString(),
                    "--protocol", "elegantota", "--user", WebDevices.USER, "--password", WebDevices.PASSWORD,
                    "--trust", b.trustFile().toString(), "--json");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.json().get("outcome").asText()).isEqualTo("UPDATED");
            assertThat(p.flashed()).isEqualTo(1);
        }
    }

    @Test
    void anEspotaAddressGoesToArduinoOta() throws Exception {
        TestBundles.Made b = WebDevices.bundle(tmp.resolve("b"), WebDevices.espApp(tmp.resolve("v")));
        try (var sim = io.fieldflash.sim.espota.EspOtaSimulator.start(io.fieldflash.sim.espota.EspOtaSimulator.Config.of(tmp.resolve("dev"),
                io.fieldflash.sim.espota.EspOtaSimulator.Flavour.ESP32).password("otapw", io.fieldflash.device.espota.EspOtaAuth.SHA256))) {
            CliRun r = CliRun.run("flash", b.path().toString(), "--device", "espota://127.0.0.1:" + sim.port(),
                    "--password", "otapw", "--trust", b.trustFile().toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.json().get("outcome").asText()).isEqualTo("UPDATED");
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(b.image()));
        }
    }

    @Test
    void aDetectedFieldFlashDeviceWithoutATokenSaysWhatIsMissing() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 1_000, 6);
        try (io.fieldflash.sim.SimulatedDevice sim = io.fieldflash.testing.Sim.start(tmp.resolve("dev"), null)) {
            CliRun r = CliRun.run("flash", b.path().toString(), "--device", io.fieldflash.testing.Sim.address(sim).toString(),
                    "--trust", b.trustFile().toString(), "--json");
            if (System.getenv(FlashCommand.TOKEN_ENV) != null) return;
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("found: a FieldFlash device");
            assertThat(r.json().get("reason").asText()).isEqualTo("AUTH_FAILED");
            assertThat(r.json().get("message").asText()).contains("needs the device's access token");
        }
    }

    @Test
    void anUnknownProtocolIsAUsageError() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 1_000, 6);
        CliRun r = CliRun.run("flash", b.path().toString(), "--device", "http://127.0.0.1:1",
                "--protocol", "xmodem", "--trust", b.trustFile().toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown protocol 'xmodem'");
    }
}
