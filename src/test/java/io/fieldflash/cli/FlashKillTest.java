package io.fieldflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldflash flash} as a separate process, killed with SIGKILL past half of the upload: the next run continues
 * the same transfer and sends less than 60 % of the image.
 */
class FlashKillTest {
    static final int IMAGE = 1_200_000;

    @TempDir
    Path tmp;

    private Process flash(SimulatedDevice sim, TestBundles.Made b, Path home, String name) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfieldflash.home=" + home, "-cp", cp,
                "io.fieldflash.cli.Main", "flash", b.path().toString(), "--device", Sim.address(sim).toString(),
                "--trust", b.trustFile().toString(), "--json", "--plain"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile());
        pb.environment().put(FlashCommand.TOKEN_ENV, Sim.TOKEN);    // the token from the environment, not the command line
        return pb.start();
    }

    private static long deviceOffset(SimulatedDevice sim) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            String body = c.send(HttpRequest.newBuilder(URI.create(sim.baseUri() + "/info")).build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode up = Json.MAPPER.readTree(body).get("upload");
            return up == null || up.isNull() ? -1 : up.get("offset").asLong();
        }
    }

    /** The device's offset once it has stopped moving for 300 ms. */
    private static long settledOffset(SimulatedDevice sim) throws Exception {
        long last = deviceOffset(sim);
        for (int i = 0; i < 100; i++) {
            Thread.sleep(300);
            long now = deviceOffset(sim);
            if (now == last) return now;
            last = now;
        }
        throw new AssertionError("the device's offset never settled");
    }

    @Test
    void aKilledFlashResumesAndTheSecondRunSendsLessThanSixtyPercent() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, IMAGE, 11);
        Path home = tmp.resolve("home");
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev"))
                .faults(FaultSpec.parse("rate=600000,reboot-ms=100")).build())) {
            Process first = flash(sim, b, home, "first");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sim.stats().bytesStored() < IMAGE * 55L / 100) {
                assertThat(first.isAlive()).as("the first run ended early: " + Files.readString(tmp.resolve("first.err"))).isTrue();
                assertThat(System.nanoTime()).as("the upload did not pass 55 %").isLessThan(deadline);
                Thread.sleep(5);
            }
            first.destroyForcibly();       // SIGKILL: no shutdown hook, no last save
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
            long offset = settledOffset(sim);   // bytes already in the socket buffers still arrive after the kill
            assertThat(offset).as("the device holds over half").isGreaterThan(IMAGE / 2);
            assertThat(offset).isLessThan(IMAGE);
            System.out.printf("killed the first run with the device at %d of %d bytes (%.0f %%)%n", offset, IMAGE, 100.0 * offset / IMAGE);
            assertThat(sim.state().version()).isEqualTo("2.4.0");

            Process second = flash(sim, b, home, "second");
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second run finishes").isTrue();
            String err = Files.readString(tmp.resolve("second.err"));
            assertThat(second.exitValue()).as(err).isZero();
            List<String> out = Files.readAllLines(tmp.resolve("second.out"));
            JsonNode j = Json.MAPPER.readTree(out.getLast());
            assertThat(j.get("ok").asBoolean()).isTrue();
            System.out.println("second run: " + out.getLast());
            assertThat(j.get("resumes").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(j.get("bytesSent").asLong()).as("second run bytes").isLessThan(IMAGE * 60L / 100)
                    .isGreaterThanOrEqualTo(IMAGE - offset);
            assertThat(err).contains("Continuing \"app\" at byte");
            assertThat(Files.readAllBytes(Sim.activeSlotFile(sim))).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(sim.state().trial()).isFalse();
            assertThat(Files.exists(home.resolve("resume").resolve("3b0021001747353236343033.json"))).isFalse();
            assertThat(Files.readAllLines(home.resolve("audit.jsonl"))).hasSize(1);    // the killed run could not write its line
        }
    }
}
