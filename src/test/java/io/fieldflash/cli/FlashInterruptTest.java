package io.fieldflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.DeviceProxy;
import io.fieldflash.testing.DeviceProxy.Req;
import io.fieldflash.testing.DeviceProxy.Resp;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT, or SIGTERM: the same shutdown hook) on {@code fieldflash flash} while the device, back from its
 * restart, trickles its {@code /info}: the process ends at once with a result line, an audit line and a word about the
 * unconfirmed trial.
 */
class FlashInterruptTest {

    @TempDir
    Path tmp;

    @Test
    void ctrlCAfterTheRestartEndsWithAResultAnAuditLineAndAWordAboutTheTrial() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 30_000, 21);
        Path home = tmp.resolve("home");
        List<Req> seen = new CopyOnWriteArrayList<>();
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(FaultSpec.parse("reboot-ms=100")).build());
             DeviceProxy proxy = DeviceProxy.in(Sim.address(sim))) {
            proxy.script((r, d) -> {
                seen.add(r);
                boolean rebooted = seen.stream().anyMatch(q -> q.path().endsWith("/reboot"));
                return rebooted && r.path().endsWith("/info") ? Resp.STALL : d.forward(r);
            });
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dfieldflash.home=" + home, "-cp", cp, "io.fieldflash.cli.Main", "flash", b.path().toString(),
                    "--device", proxy.address().toString(), "--trust", b.trustFile().toString(), "--json", "--plain")
                    .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
            pb.environment().put(FlashCommand.TOKEN_ENV, Sim.TOKEN);
            long started = System.nanoTime();
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.stream().noneMatch(q -> q.path().endsWith("/reboot"))
                    || seen.stream().dropWhile(q -> !q.path().endsWith("/reboot")).noneMatch(q -> q.path().endsWith("/info"))) {
                assertThat(p.isAlive()).as(() -> "ended early: " + read("err")).isTrue();
                assertThat(System.nanoTime()).as("the device was not restarted").isLessThan(deadline);
                Thread.sleep(20);
            }
            long stuck = System.nanoTime();
            Thread.sleep(500);      // now stuck in the trickled answer
            // SIGTERM runs the same shutdown hook as Ctrl-C's SIGINT; a test cannot rely on SIGINT, which a process started
            // from a background job inherits as ignored.
            p.destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the signal ends the process").isTrue();
            System.out.printf("flash stuck after %.1f s; ended %.1f s after the signal%n", (stuck - started) / 1e9,
                    (System.nanoTime() - stuck) / 1e9 - 0.5);

            List<String> out = Files.readAllLines(tmp.resolve("out"));
            assertThat(out).as(read("err")).isNotEmpty();
            JsonNode j = Json.MAPPER.readTree(out.getLast());
            assertThat(j.get("ok").asBoolean()).isFalse();
            assertThat(j.get("reason").asText()).isEqualTo("INTERRUPTED");
            assertThat(j.get("message").asText()).contains("on trial").contains("unconfirmed");
            List<String> audit = Files.readAllLines(home.resolve("audit.jsonl"));
            assertThat(audit).hasSize(1).first().asString().contains("\"INTERRUPTED\"");
            assertThat(sim.state().trial()).as("the device was not confirmed").isTrue();
        }
    }

    private String read(String name) {
        try {
            return Files.readString(tmp.resolve(name));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
