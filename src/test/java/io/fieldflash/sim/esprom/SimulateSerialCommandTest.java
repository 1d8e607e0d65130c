package io.fieldflash.sim.esprom;

import io.fieldflash.testing.CliRun;
import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.cli.Main;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.EspRomSession;
import io.fieldflash.device.esprom.FlashLayout;
import io.fieldflash.device.esprom.ManualBoot;
import io.fieldflash.testing.PtyPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fieldflash simulate --serial}: its flags, and a unit that runs until stopped. */
class SimulateSerialCommandTest {
    @TempDir
    Path dir;



    @Test
    void badFlagsAreUsageErrorsThatSayWhatIsWrong() {
        String state = dir.toString();
        CliRun both = run("simulate", "--serial", "/dev/null", "--port", "0", "--state", state);
        assertThat(both.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(both.err()).contains("either --port", "not both");

        CliRun chip = run("simulate", "--serial", "/dev/null", "--state", state, "--chip", "esp32-c6");
        assertThat(chip.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(chip.err()).contains("--chip must be esp32, esp32s3, esp32c3 or esp8266");

        CliRun faults = run("simulate", "--serial", "/dev/null", "--state", state, "--faults", "drop=0.1");
        assertThat(faults.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(faults.err()).contains("unknown serial fault 'drop'");

        CliRun neither = run("simulate", "--state", state);
        assertThat(neither.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(neither.err()).contains("--port PORT", "--serial PORT");

        CliRun help = run("simulate", "--help");
        assertThat(help.out()).contains("--serial", "--chip", "stall=P", "noise=P", "status=P", "hang=N", "max-block=N");
    }

    @Test
    void aUnitOnAPtyAnswersUntilStopped() throws Exception {
        try (PtyPair pty = PtyPair.open(dir)) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            AtomicInteger exit = new AtomicInteger(-1);
            Path state = dir.resolve("unit");
            Thread t = Thread.ofVirtual().start(() -> exit.set(cl.execute("simulate", "--serial", pty.b(), "--state", state.toString(),
                    "--chip", "esp8266", "--baud", "230400")));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!out.toString().contains("Simulated ESP8266") && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(out.toString()).contains("Simulated ESP8266 18:fe:34:", "in ROM download mode at 230400 baud");

            EspRomDevice device = new EspRomDevice(pty.a(), EspRomOptions.defaults().withManualBootWait(Duration.ofSeconds(2)),
                    FlashLayout.of("app", 0), Chip.ESP8266, ManualBoot.Prompt.NONE);
            try (EspRomSession s = device.connect()) {
                assertThat(s.chipInfo().chip()).isEqualTo(Chip.ESP8266);
                assertThat(Files.readString(state.resolve("unit.json"))).contains("\"chip\" : \"esp8266\"", s.chipInfo().macText());
            }
            assertThat(Files.size(state.resolve("flash.bin"))).isEqualTo(4L << 20);
            t.interrupt();
            t.join(Duration.ofSeconds(10));
            assertThat(t.isAlive()).isFalse();
            assertThat(exit.get()).isZero();
        }
    }
}
