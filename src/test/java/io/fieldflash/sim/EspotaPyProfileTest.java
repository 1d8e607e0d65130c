package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.espota.EspOtaAuth;
import io.fieldflash.sim.espota.EspOtaSimulator;
import io.fieldflash.sim.espota.EspOtaSimulator.Flavour;
import io.fieldflash.testing.EspImages;
import io.fieldflash.testing.Tools;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The espota profile checked with the reference client, arduino-esp32's tools/espota.py (3.3.1 or later, with the SHA-256
 * challenge). espota.py is not part of this project: give its path in FIELDFLASH_ESPOTA; without it the test is skipped.
 */
class EspotaPyProfileTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, password \"{1}\", {2}")
    @CsvSource({"ESP32, s3cret, SHA256", "ESP32, s3cret, MD5", "ESP32, '', SHA256", "ESP8266, '', MD5"})
    void espotaPyUpdatesTheProfile(Flavour flavour, String password, EspOtaAuth scheme) throws Exception {
        String espota = System.getenv("FIELDFLASH_ESPOTA");
        Assumptions.assumeTrue(espota != null && Files.isRegularFile(Path.of(espota)), "FIELDFLASH_ESPOTA names no espota.py; skipping");
        Path python = Tools.need("python3");
        int hostPort;
        try (ServerSocket free = new ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        try (EspOtaSimulator sim = EspOtaSimulator.start(EspOtaSimulator.Config.of(tmp.resolve("dev"), flavour).password(password, scheme))) {
            Process p = new ProcessBuilder(python.toString(), espota, "-i", "127.0.0.1", "-I", "127.0.0.1", "-p", "" + sim.port(),
                    "-P", "" + hostPort, "-a", password, "-f", EspImages.esp32App().toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(EspImages.esp32App()));
        }
    }
}
