package io.fieldflash.sim.esprom;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.esprom.Chip;
import io.fieldflash.testing.Esptool;
import io.fieldflash.testing.RomBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Espressif's own esptool 4.7.0, run as {@code --before no_reset --after no_reset --no-stub} against the
 * simulated ROM through a socat pty pair: it must detect the chip by itself, read the MAC the unit was made
 * with, and write and verify flash the way it does on real chips.
 */
class EsptoolInteropTest {

    @TempDir
    Path dir;

    private static Esptool.Run esptool(RomBench bench, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", bench.pty.a(), "--chip", "auto", "--before", "no_reset",
                "--after", "no_reset", "--no-stub", "--baud", "921600"));
        all.addAll(List.of(args));
        return Esptool.run(120, all.toArray(String[]::new));
    }

    @ParameterizedTest
    @EnumSource(Chip.class)
    void detectsTheChipAndReadsTheMac(Chip chip) throws Exception {
        Esptool.command();
        try (RomBench bench = RomBench.start(dir, chip, "")) {
            String mac = Chip.macText(bench.rom.mac());
            Esptool.Run id = esptool(bench, "chip_id");
            assertThat(id.exit()).as(id.output()).isZero();
            assertThat(id.output()).contains("Detecting chip type... " + chip.displayName() + "\n").contains("MAC: " + mac);
            if (chip == Chip.ESP8266) {
                // the SDK's chip id: the last three MAC bytes
                assertThat(id.output()).contains(String.format("Chip ID: 0x00%02x%02x%02x", bench.rom.mac()[3], bench.rom.mac()[4], bench.rom.mac()[5]));
            }
            Esptool.Run read = esptool(bench, "read_mac");
            assertThat(read.exit()).as(read.output()).isZero();
            assertThat(read.output()).contains("Chip is " + (chip == Chip.ESP8266 ? "ESP8266EX" : chip.displayName())).contains("MAC: " + mac);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Chip.class, names = {"ESP32", "ESP32S3", "ESP32C3"})
    void writesCompressedAndPlainAndVerifies(Chip chip) throws Exception {
        Esptool.command();
        byte[] a = RomBench.random(48 * 1024 + 3, 1);      // not a multiple of 4: esptool pads with 0xFF
        byte[] b = RomBench.random(40 * 1024, 2);
        Path fa = Files.write(dir.resolve("a.bin"), a);
        Path fb = Files.write(dir.resolve("b.bin"), b);
        try (RomBench bench = RomBench.start(dir, chip, "")) {
            Esptool.Run z = esptool(bench, "write_flash", "-z", "0x10000", fa.toString());
            assertThat(z.exit()).as(z.output()).isZero();
            assertThat(z.output()).contains("compressed) at 0x00010000").contains("Hash of data verified.");
            Esptool.Run u = esptool(bench, "write_flash", "-u", "0x30000", fb.toString());
            assertThat(u.exit()).as(u.output()).isZero();
            assertThat(u.output()).contains("Wrote 40960 bytes at 0x00030000").contains("Hash of data verified.");
            assertThat(u.output()).contains("Changing baud rate to 921600");

            assertThat(bench.flash(0x10000, a.length)).isEqualTo(a);
            assertThat(bench.flash(0x10000 + a.length, 1)).containsExactly(0xFF);
            assertThat(bench.flash(0x30000, b.length)).isEqualTo(b);

            Esptool.Run ok = esptool(bench, "verify_flash", "0x10000", fa.toString(), "0x30000", fb.toString());
            assertThat(ok.exit()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("-- verify OK (digest matched)");
            Esptool.Run bad = esptool(bench, "verify_flash", "0x30000", fa.toString());
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.output()).contains("-- verify FAILED (digest mismatch)");
        }
    }

    @org.junit.jupiter.api.Test
    void writesAnEsp8266WithItsEraseBugAndRefusesWhatItsRomLacks() throws Exception {
        Esptool.command();
        // a region of 6 sectors that starts 3 sectors before a 64 KiB boundary: the ROM's bug would erase 3 sectors
        // too many, esptool's erase size works around it; the sectors around the region hold data that must survive.
        // (With an odd number of sectors inside one 64 KiB block the work-around erases one sector more, on real
        // chips as here; RomSimulatorTest covers that.)
        byte[] before = new byte[(int) SimulatedRom.FLASH_SIZE];
        java.util.Arrays.fill(before, (byte) 0x5A);
        int offset = 0x1D000;
        int sectors = 6;
        for (int i = offset; i < offset + sectors * 0x1000; i++) before[i] = (byte) 0xFF;   // only the region is erased
        byte[] img = RomBench.random(sectors * 0x1000 - 100, 3);
        Path f = Files.write(dir.resolve("app.bin"), img);
        try (RomBench bench = RomBench.start(dir, Chip.ESP8266, "", before)) {
            Esptool.Run w = esptool(bench, "write_flash", "0x1D000", f.toString());
            assertThat(w.exit()).as(w.output()).isZero();
            assertThat(w.output()).contains("WARNING: ROM doesn't support changing baud rate");
            assertThat(bench.flash(offset, img.length)).isEqualTo(img);
            assertThat(bench.flash(offset + sectors * 0x1000, 0x1000)).containsOnly(0x5A);
            assertThat(bench.flash(offset - 0x1000, 0x1000)).containsOnly(0x5A);

            Esptool.Run z = esptool(bench, "write_flash", "-z", "0x1D000", f.toString());
            assertThat(z.output()).contains("ESP8266 ROM does not support function flash_defl_begin");
            Esptool.Run v = esptool(bench, "verify_flash", "0x1D000", f.toString());
            assertThat(v.output()).contains("ESP8266 ROM does not support function flash_md5sum");
        }
    }
}
