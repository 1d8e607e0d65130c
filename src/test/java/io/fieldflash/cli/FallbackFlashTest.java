package io.fieldflash.cli;

import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.CliRun;
import io.fieldflash.testing.HomeProperty;
import io.fieldflash.testing.RomBench;
import io.fieldflash.testing.Sim;
import io.fieldflash.update.ResumePoint;
import io.fieldflash.update.UpdateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldflash flash --device URL --fallback-serial PORT} in-process: the network path is the simulated device over
 * HTTP on loopback, the cable is a real pty pair (socat) with the simulated ESP ROM on its far end. The network device
 * is killed in the middle of the transfer; the update finishes over the cable.
 */
class FallbackFlashTest {
    static final long OFFSET = 0x10000;
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    @TempDir
    Path tmp;
    @RegisterExtension
    final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));

    /** A signed bundle for the simulator's product with one image "app"; {@code serial} adds its serial part. */
    Path bundle(String name, byte[] app, long counter, String serial) throws Exception {
        Path img = Files.write(tmp.resolve(name + ".bin"), app);
        String template = """
                {"format":"fieldflash-bundle/1","vendor":"Acme Rail Systems","product":"crossing-controller",
                 "hardware":["ccx-rev-b"],"version":"2.5.0","securityCounter":%d,"created":"2026-01-01T00:00:00Z",
                 "expires":"2099-01-01T00:00:00Z","images":[{"name":"app"%s}]}
                """.formatted(counter, serial == null ? "" : ",\"serial\":" + serial);
        Map<String, Path> images = new LinkedHashMap<>();
        images.put("app", img);
        return BundleWriter.create(template.getBytes(StandardCharsets.UTF_8), images, List.of(VENDOR), tmp.resolve(name + ".fwb"),
                BundleWriter.Compression.DEFLATE).path();
    }

    Path trust() throws Exception {
        return Files.writeString(tmp.resolve("vendor.pub"), VENDOR.publicKey().toPem(), StandardCharsets.US_ASCII);
    }

    /** A network device that takes about 40 kB/s, so that it can be killed while the image is on its way. */
    SimulatedDevice slowDevice() throws Exception {
        return SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(FaultSpec.parse("rate=40000,seed=1")).build());
    }

    /** Stops {@code sim} (its port closes: connections refused from then on) once it has received {@code bytes}. */
    static Thread killAfter(SimulatedDevice sim, long bytes) {
        return Thread.ofVirtual().start(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sim.stats().bytesReceived() < bytes && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
            sim.stop();
        });
    }

    String[] flash(Path bundle, SimulatedDevice sim, String port, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("flash", bundle.toString(), "--device", Sim.address(sim).toString(),
                "--protocol", "fieldflash-http", "--token", Sim.TOKEN, "--fallback-serial", port, "--trust", trust().toString(),
                "--retries", "2", "--plain"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    JsonNode lastAuditLine() throws Exception {
        List<String> lines = Files.readAllLines(tmp.resolve("home").resolve("audit.jsonl"));
        return Json.MAPPER.readTree(lines.getLast());
    }

    static byte[] oldFlash() {
        byte[] b = new byte[(int) (4L << 20)];
        Arrays.fill(b, (byte) 0x5A);
        return b;
    }

    @Test
    void aNetworkUpdateWhoseDeviceDiesMidTransferFinishesOverTheCable() throws Exception {
        byte[] app = RomBench.random(120_000, 31);
        Path b = bundle("cc", app, 7, "{\"flashOffset\":" + OFFSET + ",\"chip\":\"esp32\"}");
        try (RomBench cable = RomBench.start(tmp, Chip.ESP32, "");
             SimulatedDevice sim = slowDevice()) {
            Thread killer = killAfter(sim, 30_000);
            CliRun r = run(flash(b, sim, cable.pty.a(), "--json"));
            killer.join();
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(sim.stats().bytesStored()).as("the network device held part of the image when it died").isPositive()
                    .isLessThan(app.length);
            assertThat(cable.flash(OFFSET, app.length)).as("flash.bin holds the image at its offset").isEqualTo(app);

            JsonNode j = r.json();
            assertThat(j.get("ok").asBoolean()).isTrue();
            assertThat(j.get("outcome").asText()).isEqualTo("UPDATED");
            assertThat(j.get("transport").asText()).isEqualTo("esp-rom");
            assertThat(j.get("fallbackFrom").asText()).isEqualTo("fieldflash-http/1");
            assertThat(j.get("transports").toString()).isEqualTo("[\"fieldflash-http/1\",\"esp-rom\"]");
            assertThat(j.get("message").asText()).startsWith("The network path failed, so the update finished over USB-serial");
            assertThat(j.get("deviceId").asText()).isEqualTo(Chip.macText(cable.rom.mac()));
            assertThat(j.get("bytesSent").asLong()).as("network bytes and the whole image over the cable").isGreaterThan(app.length);
            assertThat(j.get("resumeKept").asBoolean()).isFalse();
            assertThat(r.err()).contains("going on over USB-serial");

            JsonNode device = lastAuditLine().get("device");
            assertThat(device.get("transport").asText()).isEqualTo("esp-rom");
            assertThat(device.get("id").asText()).isEqualTo(Chip.macText(cable.rom.mac()));
            assertThat(device.get("transports").toString()).isEqualTo("[\"fieldflash-http/1\",\"esp-rom\"]");
            JsonNode first = device.get("fallbackFrom").get(0);
            assertThat(first.get("transport").asText()).isEqualTo("fieldflash-http/1");
            assertThat(first.get("address").asText()).isEqualTo(Sim.address(sim).toString());
            assertThat(first.get("id").asText()).isEqualTo(sim.config().deviceId());
            assertThat(first.get("reason").asText()).isEqualTo("UNREACHABLE");
            assertThat(lastAuditLine().get("result").asText()).isEqualTo("UPDATED");

            UpdateStores stores = UpdateStores.in(tmp.resolve("home"));
            assertThat(stores.audit().verify().ok()).isTrue();
            assertThat(stores.resume().load(sim.config().deviceId())).as("the network's partial upload is gone with the rewritten flash")
                    .isEmpty();
            CliRun csv = run("audit", "export", "--csv", "--file", stores.audit().file().toString());
            assertThat(csv.out().lines().toList().getFirst()).contains(",transports,fallback_from");
            assertThat(csv.out().lines().toList().getLast()).contains(",fieldflash-http/1 esp-rom,")
                    .contains(",fieldflash-http/1 " + Sim.address(sim) + " UNREACHABLE");
        }
    }

    /** The human report says it in one sentence; the serial checks still run: another chip on the cable is refused. */
    @Test
    void anotherChipOnTheCableIsRefusedAndTheNetworkResumePointStays() throws Exception {
        byte[] app = RomBench.random(120_000, 32);
        Path b = bundle("s3", app, 7, "{\"flashOffset\":" + OFFSET + ",\"chip\":\"esp32s3\"}");
        byte[] before = oldFlash();
        try (RomBench cable = RomBench.start(tmp, Chip.ESP32, "", before);
             SimulatedDevice sim = slowDevice()) {
            Thread killer = killAfter(sim, 50_000);
            CliRun r = run(flash(b, sim, cable.pty.a()));
            killer.join();
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).contains("going on over USB-serial");
            assertThat(r.err()).contains("ESP32-S3").contains("Nothing was written");
            assertThat(Files.readAllBytes(cable.flashFile())).isEqualTo(before);

            Optional<ResumePoint> kept = UpdateStores.in(tmp.resolve("home")).resume().load(sim.config().deviceId());
            assertThat(kept).as("the network transfer can still be continued").hasValueSatisfying(p -> {
                assertThat(p.image()).isEqualTo("app");
                assertThat(p.transport()).isEqualTo("fieldflash-http/1");
                assertThat(p.deviceAddress()).isEqualTo(Sim.address(sim).toString());
                assertThat(p.handle()).isNotEmpty();
                assertThat(p.offset()).isLessThanOrEqualTo(sim.stats().bytesStored());
            });
            JsonNode device = lastAuditLine().get("device");
            assertThat(device.get("transports").toString()).isEqualTo("[\"fieldflash-http/1\",\"esp-rom\"]");
            assertThat(lastAuditLine().get("result").asText()).isEqualTo("REFUSED");
        }
    }

    /**
     * A device that says no is not gone: a wrong token and a bundle below the device's security counter end the job
     * as without a fallback, and the cable hears nothing.
     */
    @Test
    void aRefusalByTheDeviceDoesNotFallBack() throws Exception {
        byte[] app = RomBench.random(20_000, 33);
        String serial = "{\"flashOffset\":" + OFFSET + ",\"chip\":\"esp32\"}";
        byte[] before = oldFlash();
        try (RomBench cable = RomBench.start(tmp, Chip.ESP32, "", before);
             SimulatedDevice sim = Sim.start(tmp.resolve("dev"), "seed=2")) {
            String[] wrongToken = flash(bundle("ok", app, 7, serial), sim, cable.pty.a());
            wrongToken[Arrays.asList(wrongToken).indexOf(Sim.TOKEN)] = "not-the-token";
            CliRun auth = run(wrongToken);
            assertThat(auth.exit()).as(auth.all()).isEqualTo(1);
            assertThat(auth.err()).contains("AUTH_FAILED");
            assertThat(auth.all()).doesNotContain("USB-serial");

            CliRun old = run(flash(bundle("old", app, 1, serial), sim, cable.pty.a()));
            assertThat(old.exit()).as(old.all()).isEqualTo(1);
            assertThat(old.err()).contains("Refused");
            assertThat(old.all()).doesNotContain("USB-serial");
            JsonNode device = lastAuditLine().get("device");
            assertThat(device.get("transport").asText()).isEqualTo("fieldflash-http/1");
            assertThat(device.has("fallbackFrom")).isFalse();

            assertThat(cable.rom.stats().commands()).as("the ROM heard nothing").isZero();
            assertThat(Files.readAllBytes(cable.flashFile())).isEqualTo(before);
        }
    }

    @Test
    void aBundleWithoutAFlashOffsetIsRefusedBeforeTheNetworkIsTried() throws Exception {
        Path b = bundle("nooffset", RomBench.random(5_000, 34), 7, null);
        try (SimulatedDevice sim = Sim.start(tmp.resolve("dev"), "seed=3")) {
            CliRun r = run(flash(b, sim, tmp.resolve("no-such-tty").toString()));
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--fallback-serial: image \"app\"").contains("serial.flashOffset")
                    .contains("leave out --fallback-serial");
            assertThat(sim.stats().requests()).as("the network device was never asked").isZero();
        }
        CliRun alone = run("flash", b.toString(), "--fallback-serial", "/dev/null", "--trust", trust().toString());
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("--fallback-serial goes with --device");
    }
}
