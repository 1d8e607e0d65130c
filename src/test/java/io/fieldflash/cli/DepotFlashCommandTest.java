package io.fieldflash.cli;

import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.testing.CliRun;
import io.fieldflash.testing.HomeProperty;
import io.fieldflash.testing.RomBench;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Depot mode, {@code fieldflash flash BUNDLE --serial A --serial B ...}, in-process against several simulated ROMs,
 * each on its own real pty pair: the good units get the image, a faulty one fails on its own with a sentence, and
 * every unit has its audit record.
 */
class DepotFlashCommandTest {
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    @TempDir
    Path tmp;
    @RegisterExtension
    final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));

    final List<RomBench> units = new ArrayList<>();

    Path trust() throws Exception {
        Path f = tmp.resolve("trust.json");
        Files.write(f, new TrustStore(1, 1, 1, List.of(new TrustedKey(VENDOR.publicKey(), "Acme release", List.of("crossing-controller"),
                Instant.MAX, false, false))).toJson());
        return f;
    }

    /** A signed bundle with one image, for an ESP32, at 0x10000. */
    Path bundle(byte[] app) throws Exception {
        Path img = Files.write(tmp.resolve("app.bin"), app);
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "2.0.0", "securityCounter": 3, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "serial": {"flashOffset": 65536, "chip": "esp32"}}]}
                """;
        Path out = tmp.resolve("depot.fwb");
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", img), List.of(VENDOR), out,
                BundleWriter.Compression.STORE);
        return out;
    }

    RomBench unit(String name, Chip chip, String faults) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        RomBench b = RomBench.start(dir, chip, faults);
        units.add(b);
        return b;
    }

    @org.junit.jupiter.api.AfterEach
    void stop() throws Exception {
        for (RomBench b : units) b.close();
    }

    List<JsonNode> audit() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("home").resolve("audit.jsonl"))) out.add(Json.MAPPER.readTree(line));
        return out;
    }

    @Test
    void threeUnitsOneOfThemTheWrongChipJson() throws Exception {
        byte[] app = RomBench.random(30_000, 31);
        Path b = bundle(app);
        RomBench one = unit("u1", Chip.ESP32, "");
        RomBench wrong = unit("u2", Chip.ESP32S3, "");
        RomBench three = unit("u3", Chip.ESP32, "");
        CliRun r = run("flash", b.toString(), "--serial", one.pty.a(), "--serial", wrong.pty.a(), "--serial", three.pty.a(),
                "--trust", trust().toString(), "--json");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);

        List<String> lines = r.out().lines().toList();
        assertThat(lines).as("stdout holds one JSON object per unit, nothing else").hasSize(3);
        Map<String, JsonNode> byPort = new java.util.HashMap<>();
        for (String l : lines) {
            JsonNode j = Json.MAPPER.readTree(l);
            byPort.put(j.get("port").asText(), j);
        }
        for (RomBench good : List.of(one, three)) {
            JsonNode j = byPort.get(good.pty.a());
            assertThat(j.get("ok").asBoolean()).isTrue();
            assertThat(j.get("outcome").asText()).isEqualTo("UPDATED");
            assertThat(j.get("transport").asText()).isEqualTo("esp-rom");
            assertThat(j.get("deviceId").asText()).isEqualTo(Chip.macText(good.rom.mac()));
            assertThat(j.get("bytesSent").asLong()).isEqualTo(app.length);
            assertThat(good.flash(0x10000, app.length)).isEqualTo(app);
        }
        JsonNode bad = byPort.get(wrong.pty.a());
        assertThat(bad.get("ok").asBoolean()).isFalse();
        assertThat(bad.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(bad.get("message").asText()).contains("ESP32-S3").contains("Nothing was written");
        assertThat(bad.get("hint").asText()).isNotEmpty();
        assertThat(bad.get("bytesSent").asLong()).isZero();
        assertThat(r.err()).contains("2 of 3 units updated").contains(wrong.pty.a() + " refused: ");

        List<JsonNode> audit = audit();
        assertThat(audit).as("one audit record per unit").hasSize(3);
        assertThat(audit.stream().map(a -> a.toString()).filter(s -> s.contains("\"esp-rom\"")).count()).isEqualTo(3);
        for (RomBench u : units) {
            assertThat(audit.stream().filter(a -> a.toString().contains("\"" + u.pty.a() + "\"")).count())
                    .as("audit record of " + u.pty.a()).isEqualTo(1);
        }
        assertThat(audit.toString()).contains(Chip.macText(one.rom.mac())).contains(Chip.macText(three.rom.mac()));
    }

    /** A unit whose ROM stops answering mid-way fails within its deadlines; the other finishes; one line each and a summary. */
    @Test
    void aUnitThatStopsAnsweringDoesNotStopTheOther() throws Exception {
        byte[] app = RomBench.random(40_000, 32);
        Path b = bundle(app);
        RomBench good = unit("g", Chip.ESP32, "");
        RomBench hung = unit("h", Chip.ESP32, "hang=12");
        CliRun r = run("flash", b.toString(), "--serial", good.pty.a(), "--serial", hung.pty.a(), "--trust", trust().toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(good.flash(0x10000, app.length)).isEqualTo(app);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(good.pty.a()).contains("ESP32").contains(Chip.macText(good.rom.mac()))
                .contains("updated"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(hung.pty.a()).contains("failed: ").contains("What to do:"));
        assertThat(lines.getLast()).startsWith("1 of 2 units updated; " + hung.pty.a() + " failed: ");
        assertThat(audit()).hasSize(2);
    }
}
