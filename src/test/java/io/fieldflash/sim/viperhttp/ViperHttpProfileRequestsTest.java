package io.fieldflash.sim.viperhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.testing.EspImages;
import io.fieldflash.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viperhttp profile checked by a client that is not FieldFlash's: Python's requests (Debian python3-requests), in
 * src/test/resources/viperhttp/requests_flow.py. Skipped when python3 or requests is missing, unless FIELDFLASH_REQUIRE_TOOLS=1.
 */
class ViperHttpProfileRequestsTest {
    @TempDir
    Path tmp;

    @Test
    void pythonRequestsRunsTheReleasedCodesFlowAgainstTheProfile() throws Exception {
        Path python = Tools.need("python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import requests").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
            if (Tools.required()) Assertions.fail("python3-requests is not installed (FIELDFLASH_REQUIRE_TOOLS=1)");
            Assumptions.abort("python3-requests is not installed; skipping");
        }
        Path script = Tools.projectDir().resolve("src/test/resources/viperhttp/requests_flow.py");
        try (ViperHttpSimulator sim = ViperHttpSimulator.start(ViperHttpSimulator.Config.of(tmp.resolve("dev"), "tok-123"))) {
            Process p = new ProcessBuilder(python.toString(), script.toString(), sim.baseUri().toString(), "tok-123",
                    EspImages.esp32App().toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("OK");
            assertThat(Files.readAllBytes(sim.received())).isEqualTo(Files.readAllBytes(EspImages.esp32App()));
        }
    }
}
