package io.fieldflash.cli;

import io.fieldflash.testing.HomeProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.fieldflash.testing.CliRun;
import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.inner.InnerVectors;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.sim.esprom.RomSimConfig;
import io.fieldflash.sim.esprom.SimulatedRom;
import io.fieldflash.testing.PtyPair;
import io.fieldflash.testing.RomBench;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fieldflash flash --serial} in-process, through the update job, against the simulated ESP ROM on the far end
 * of a real pty pair (socat). A pty has no DTR/RTS, so FieldFlash asks for the buttons; the simulator already
 * sits in download mode and answers the first SYNC.
 */
class SerialFlashCommandTest {
    static final String PRODUCT = "crossing-controller";
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    @TempDir
    Path tmp;
    @RegisterExtension
    final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));

    /** One image of a test bundle: its bytes and its manifest entry's serial/format parts. */
    record Img(String name, byte[] data, Long offset, String chip, String format) {}

    Path trust() throws Exception {
        Path f = tmp.resolve("trust.json");
        Files.write(f, new TrustStore(1, 1, 1, List.of(new TrustedKey(VENDOR.publicKey(), "Acme release", List.of(PRODUCT),
                Instant.MAX, false, false))).toJson());
        return f;
    }

    /** A signed bundle written entry by entry, so that it may carry images {@code bundle create} would refuse. */
    Path bundle(String name, List<Img> images) throws Exception {
        ObjectNode m = Json.MAPPER.createObjectNode().put("format", Manifest.FORMAT).put("vendor", "Acme Rail Systems")
                .put("product", PRODUCT).put("version", "1.0.0").put("securityCounter", 3)
                .put("created", "2026-01-01T00:00:00Z").put("expires", "2099-01-01T00:00:00Z");
        m.putArray("hardware").add("ccx-rev-b");
        ArrayNode arr = m.putArray("images");
        for (Img i : images) {
            ObjectNode o = arr.addObject().put("name", i.name()).put("file", "images/" + i.name() + ".bin")
                    .put("size", i.data().length).put("sha256", AtomicFile.sha256Hex(i.data()));
            if (i.format() != null) o.put("format", i.format());
            if (i.offset() != null || i.chip() != null) {
                ObjectNode s = o.putObject("serial");
                if (i.offset() != null) s.put("flashOffset", i.offset());
                if (i.chip() != null) s.put("chip", i.chip());
            }
        }
        byte[] mBytes = Json.MAPPER.writeValueAsBytes(m);
        ObjectNode sigs = Json.MAPPER.createObjectNode();
        sigs.putArray("signatures").addObject().put("keyid", VENDOR.keyid()).put("alg", VENDOR.alg().id())
                .put("sig", Base64.getEncoder().encodeToString(VENDOR.sign(mBytes)));
        Path f = tmp.resolve(name + ".fwb");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("manifest.json"));
            z.write(mBytes);
            z.putNextEntry(new ZipEntry("signatures.json"));
            z.write(Json.MAPPER.writeValueAsBytes(sigs));
            for (Img i : images) {
                z.putNextEntry(new ZipEntry("images/" + i.name() + ".bin"));
                z.write(i.data());
            }
            z.closeEntry();
        }
        return f;
    }

    /** A flash full of 0x5A, so that "unchanged" means something. */
    static byte[] oldFlash() {
        byte[] b = new byte[(int) (4L << 20)];
        Arrays.fill(b, (byte) 0x5A);
        return b;
    }

    @Test
    void writesEveryImageAtItsOffsetAndRecordsTheMac() throws Exception {
        byte[] boot = RomBench.random(7_000, 11);
        byte[] app = RomBench.random(40_001, 12);
        Path b = bundle("two", List.of(new Img("bootloader", boot, 0x1000L, "esp32", null), new Img("app", app, 0x10000L, "esp32", null)));
        try (RomBench bench = RomBench.start(tmp, Chip.ESP32, "")) {
            CliRun r = run("flash", b.toString(), "--serial", bench.pty.a(), "--baud", "921600", "--trust", trust().toString(), "--plain");
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).doesNotContain("download mode").contains("UPDATED").contains(Chip.macText(bench.rom.mac()));
            assertThat(bench.flash(0x1000, boot.length)).isEqualTo(boot);
            assertThat(bench.flash(0x10000, app.length)).isEqualTo(app);
            assertThat(r.out()).as("the unit was told to restart").contains("Restarting the device");

            String audit = Files.readString(tmp.resolve("home").resolve("audit.jsonl"));
            JsonNode rec = Json.MAPPER.readTree(audit.lines().toList().getLast());
            assertThat(rec.toString()).contains("\"esp-rom\"").contains(Chip.macText(bench.rom.mac()));
        }
    }

    /**
     * A unit not yet in download mode: nobody answers the first SYNCs, a pty cannot pull DTR/RTS, so the
     * instruction is printed, once; the "unit" (the simulator) comes up after it and the flash goes on.
     */
    @Test
    void asksForTheButtonsOnceWhenNothingAnswers() throws Exception {
        byte[] app = RomBench.random(10_000, 17);
        Path b = bundle("late", List.of(new Img("app", app, 0x10000L, "esp32", null)));
        Path t = trust();
        try (PtyPair pty = PtyPair.open(tmp)) {
            StringWriter out = new StringWriter(), err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                    () -> cl.execute("flash", b.toString(), "--serial", pty.a(), "--trust", t.toString(), "--plain"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!out.toString().contains("download mode") && !exit.isDone() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(out.toString()).as(err.toString()).contains("Put the unit on").contains("hold its BOOT button");
            SimulatedRom rom = SimulatedRom.start(RomSimConfig.of(pty.b(), tmp.resolve("unit"), Chip.ESP32));
            try {
                assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
            } finally {
                rom.stop();
            }
            assertThat(out.toString()).containsOnlyOnce("download mode").contains("the bootloader answers").contains("UPDATED");
            byte[] flash = Files.readAllBytes(tmp.resolve("unit").resolve("flash.bin"));
            assertThat(Arrays.copyOfRange(flash, 0x10000, 0x10000 + app.length)).isEqualTo(app);
        }
    }

    @Test
    void jsonNamesTheTransport() throws Exception {
        byte[] app = RomBench.random(20_000, 13);
        Path b = bundle("json", List.of(new Img("app", app, 0x10000L, null, null)));
        try (RomBench bench = RomBench.start(tmp, Chip.ESP32S3, "")) {
            CliRun r = run("flash", b.toString(), "--serial", bench.pty.a(), "--no-compress", "--trust", trust().toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode j = r.json();
            assertThat(j.get("ok").asBoolean()).isTrue();
            assertThat(j.get("transport").asText()).isEqualTo("esp-rom");
            assertThat(j.get("bytesSent").asLong()).isEqualTo(app.length);
            assertThat(j.has("seconds")).isTrue();
            assertThat(j.get("deviceId").asText()).isEqualTo(Chip.macText(bench.rom.mac()));
            assertThat(r.out().lines().count()).as("stdout holds only the JSON").isEqualTo(1);
            assertThat(bench.flash(0x10000, app.length)).isEqualTo(app);
        }
    }

    @Test
    void anotherChipIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path b = bundle("s3", List.of(new Img("app", RomBench.random(9_000, 14), 0x10000L, "esp32s3", null)));
        byte[] before = oldFlash();
        try (RomBench bench = RomBench.start(tmp, Chip.ESP32, "", before)) {
            CliRun r = run("flash", b.toString(), "--serial", bench.pty.a(), "--trust", trust().toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("ESP32-S3").contains("Nothing was written").contains("What to do:");
            assertThat(Files.readAllBytes(bench.flashFile())).isEqualTo(before);
        }
    }

    @Test
    void aBundleRefusedByItsInnerCheckSendsNothing() throws Exception {
        byte[] bad = InnerVectors.bytes("esp-app/esp32-app-bad-checksum.bin");
        Path b = bundle("bad", List.of(new Img("app", bad, 0x10000L, "esp32", "esp32-app-image")));
        byte[] before = oldFlash();
        try (RomBench bench = RomBench.start(tmp, Chip.ESP32, "", before)) {
            CliRun r = run("flash", b.toString(), "--serial", bench.pty.a(), "--trust", trust().toString());
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.err()).contains("Refused");
            assertThat(bench.rom.stats().commands()).as("the ROM heard nothing, no FLASH_BEGIN").isZero();
            assertThat(Files.readAllBytes(bench.flashFile())).isEqualTo(before);
        }
    }

    /**
     * An ESP32-S3 application image in a bundle that names neither the chip nor the image format: the bundle's own
     * checks cannot know it is for another chip; the ROM path holds every image's header against the chip it
     * detected before the first region is erased.
     */
    @Test
    void anAppImageForAnotherChipIsRefusedByItsHeader() throws Exception {
        byte[] s3 = InnerVectors.bytes("esp-app/esp32-app-chip-esp32s3.bin");
        // A first image that is fine (data): it must not be written either, since the second is refused.
        Path b = bundle("s3app", List.of(new Img("nvs", RomBench.random(8_000, 18), 0x9000L, null, null),
                new Img("app", s3, 0x10000L, null, null)));
        byte[] before = oldFlash();
        try (RomBench bench = RomBench.start(tmp, Chip.ESP32, "", before)) {
            CliRun r = run("flash", b.toString(), "--serial", bench.pty.a(), "--trust", trust().toString());
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.err()).contains("built for an ESP32-S3, but the unit is an ESP32").contains("Nothing was written");
            assertThat(Files.readAllBytes(bench.flashFile())).isEqualTo(before);
        }
    }

    @Test
    void anImageWithoutAnOffsetIsAUsageError() throws Exception {
        Path b = bundle("nooffset", List.of(new Img("app", RomBench.random(100, 15), 0x10000L, null, null),
                new Img("data", RomBench.random(100, 16), null, null, null)));
        CliRun r = run("flash", b.toString(), "--serial", tmp.resolve("no-such-tty").toString(), "--trust", trust().toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("\"data\"").contains("serial.flashOffset");
        CliRun both = run("flash", b.toString(), "--serial", "/dev/null", "--device", "http://127.0.0.1:1", "--trust", trust().toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("exclude each other");
        CliRun slow = run("flash", b.toString(), "--serial", "/dev/null", "--baud", "300", "--trust", trust().toString());
        assertThat(slow.exit()).isEqualTo(2);
        assertThat(slow.err()).contains("--baud");
    }
}
