package io.fieldflash.device.esprom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.ImageSource;
import io.fieldflash.testing.PtyPair;
import io.fieldflash.testing.RomBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** FieldFlash's own ROM client against the simulated ROM over a real pty pair. */
class EspRomSessionTest {

    @TempDir
    Path dir;

    /** Short waits: the simulator answers at once, and the fault tests should not idle. */
    private static final EspRomOptions FAST = EspRomOptions.defaults().withManualBootWait(Duration.ofSeconds(2))
            .withCommandTimeout(Duration.ofMillis(600));

    private ImageSource image(String name, int size, long seed) throws Exception {
        Path f = Files.write(dir.resolve(name + ".bin"), RomBench.random(size, seed));
        return ImageSource.ofFile(f, name);
    }

    private static EspRomDevice device(RomBench bench, Chip expected, EspRomOptions options) {
        return new EspRomDevice(bench.pty.a(), options, FlashLayout.of("app", 0x10000), expected, ManualBoot.Prompt.NONE);
    }

    @ParameterizedTest
    @EnumSource(Chip.class)
    void writesEveryRegionAndChecksIt(Chip chip) throws Exception {
        try (RomBench bench = RomBench.start(dir, chip, "")) {
            EspRomDevice device = device(bench, chip, FAST);
            assertThat(device.capabilities()).isEqualTo(EspRomDevice.CAPABILITIES);
            try (EspRomSession s = device.connect()) {
                DeviceInfo info = s.identify();
                assertThat(info.deviceId()).isEqualTo(Chip.macText(bench.rom.mac()));
                assertThat(info.hardware()).isEqualTo(chip.id());
                assertThat(info.maxImageSize()).isEqualTo(4L << 20);
                assertThat(s.baud()).isEqualTo(chip.esp32Family() ? 921_600 : 115_200);
                assertThat(bench.rom.stats().baud()).isEqualTo(s.baud());

                ImageSource app = image("app", 24 * 1024 + 3, 7);
                AtomicLong confirmed = new AtomicLong();
                EspRomClient.WriteResult r = s.write(app, 0x10000, confirmed::set);
                assertThat(confirmed.get()).isEqualTo(app.size());
                assertThat(r.compressed()).isEqualTo(chip.esp32Family());
                assertThat(r.md5Checked()).isEqualTo(chip.esp32Family());
                assertThat(s.checksNotPossible()).hasSize(chip.esp32Family() ? 0 : 1);
                try (var in = app.open(0)) {
                    assertThat(bench.flash(0x10000, (int) app.size())).isEqualTo(in.readAllBytes());
                }
                assertThat(bench.flash(0x10000 + app.size(), 1)).containsExactly(0xFF);   // the 4-byte padding
                assertThat(s.holds(app, 0x10000)).isEqualTo(chip.esp32Family());
                if (chip.esp32Family()) assertThat(s.holds(app, 0x20000)).isFalse();
                s.reboot();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (bench.rom.stats().boots() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(bench.rom.stats().boots()).as("the ROM was told to restart").isEqualTo(1);
        }
    }

    @Test
    void writesUncompressedWhenAskedAndTheSameRegionTwice() throws Exception {
        try (RomBench bench = RomBench.start(dir, Chip.ESP32S3, "")) {
            try (EspRomSession s = device(bench, Chip.ESP32S3, FAST.withCompress(false)).connect()) {
                ImageSource a = image("a", 9000, 1);
                ImageSource b = image("b", 9000, 2);
                assertThat(s.write(a, 0x8000, n -> {}).compressed()).isFalse();
                EspRomClient.WriteResult r = s.write(b, 0x8000, n -> {});
                assertThat(r.md5Checked()).isTrue();
                try (var in = b.open(0)) {
                    assertThat(bench.flash(0x8000, 9000)).isEqualTo(in.readAllBytes());
                }
            }
        }
    }

    @Test
    void esp8266NeighboursSurviveTheEraseBug() throws Exception {
        byte[] before = new byte[(int) (4L << 20)];
        java.util.Arrays.fill(before, (byte) 0x5A);
        try (RomBench bench = RomBench.start(dir, Chip.ESP8266, "", before)) {
            try (EspRomSession s = new EspRomDevice(bench.pty.a(), FAST, FlashLayout.of("app", 0x1D000), null, ManualBoot.Prompt.NONE).connect()) {
                ImageSource app = image("app", 6 * 4096 - 10, 3);
                s.write(app, 0x1D000, n -> {});
                try (var in = app.open(0)) {
                    assertThat(bench.flash(0x1D000, (int) app.size())).isEqualTo(in.readAllBytes());
                }
                assertThat(bench.flash(0x1C000, 0x1000)).containsOnly(0x5A);
                assertThat(bench.flash(0x23000, 0x1000)).containsOnly(0x5A);
            }
        }
    }

    /** An ESP-IDF application image: header with the chip id, one segment, esp_app_desc_t, filler. */
    private static byte[] appImage(int chipId, String project, String version, int secureVersion) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xE9).put((byte) 1).put((byte) 2).put((byte) 0x20).putInt(0x400D1234);           // magic, segments, mode, size/freq, entry
        b.put((byte) 0xEE).put(new byte[3]).putShort((short) chipId).put((byte) 0).putShort((short) 0).putShort((short) 0xFFFF)
                .put(new byte[4]).put((byte) 0);                                                          // extended header
        b.putInt(0x3F400020).putInt(4096 - 32);                                                           // segment header
        b.putInt(0xABCD5432).putInt(secureVersion).putLong(0);
        b.put(java.util.Arrays.copyOf(version.getBytes(), 32)).put(java.util.Arrays.copyOf(project.getBytes(), 32));
        b.put(java.util.Arrays.copyOf("12:00:00".getBytes(), 16)).put(java.util.Arrays.copyOf("Dec  1 2026".getBytes(), 16));
        b.put(java.util.Arrays.copyOf("v5.2.1".getBytes(), 32));
        return b.array();
    }

    @Test
    void theRunningAppDescribesItselfAndImagesAreCheckedForTheChip() throws Exception {
        try (RomBench bench = RomBench.start(dir, Chip.ESP32S3, "")) {
            try (EspRomSession s = device(bench, Chip.ESP32S3, FAST).connect()) {
                assertThat(s.readAppDescriptor(0x10000)).isEmpty();   // erased flash: no application
                ImageSource app = ImageSource.ofFile(Files.write(dir.resolve("app.bin"), appImage(9, "crossing-ctl", "2.4.1", 7)), "app");
                assertThat(s.checkImage(app, false)).hasValueSatisfying(h -> assertThat(h.chipId()).isEqualTo(9));
                s.write(app, 0x10000, n -> {});
                assertThat(s.readAppDescriptor(0x10000)).hasValueSatisfying(d -> {
                    assertThat(d.projectName()).isEqualTo("crossing-ctl");
                    assertThat(d.version()).isEqualTo("2.4.1");
                    assertThat(d.secureVersion()).isEqualTo(7);
                    assertThat(d.idfVersion()).isEqualTo("v5.2.1");
                });

                ImageSource forC3 = ImageSource.ofFile(Files.write(dir.resolve("c3.bin"), appImage(5, "x", "1", 1)), "app");
                assertThatThrownBy(() -> s.checkImage(forC3, false)).isInstanceOfSatisfying(EspRomException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EspRomException.Reason.WRONG_CHIP);
                    assertThat(e.getMessage()).contains("built for an ESP32-C3, but the unit is an ESP32-S3");
                });
                byte[] broken = appImage(9, "x", "1", 1);
                broken[1] = 0;   // no segments
                ImageSource bad = ImageSource.ofFile(Files.write(dir.resolve("bad.bin"), broken), "app");
                assertThatThrownBy(() -> s.checkImage(bad, false)).isInstanceOfSatisfying(EspRomException.class,
                        e -> assertThat(e.reason()).isEqualTo(EspRomException.Reason.BAD_IMAGE));
                ImageSource data = image("nvs", 4096, 4);
                assertThat(s.checkImage(data, false)).isEmpty();   // data is written as it is
                assertThatThrownBy(() -> s.checkImage(data, true)).isInstanceOfSatisfying(EspRomException.class,
                        e -> assertThat(e.reason()).isEqualTo(EspRomException.Reason.BAD_IMAGE));
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void largeBlocksNeverTouchTheNeighbours(boolean compress) throws Exception {
        byte[] before = new byte[(int) (4L << 20)];
        java.util.Arrays.fill(before, (byte) 0x5A);
        try (RomBench bench = RomBench.start(dir, Chip.ESP32, "", before)) {
            try (EspRomSession s = device(bench, Chip.ESP32, FAST.withCompress(compress)).connect()) {
                // 1.5 sectors and a bit: one 6 KiB block would reach into the third sector, which holds other data
                ImageSource app = image("app", 6144 + 100, 10);
                s.write(app, 0x10000, n -> {});
                try (var in = app.open(0)) {
                    assertThat(bench.flash(0x10000, (int) app.size())).isEqualTo(in.readAllBytes());
                }
                assertThat(bench.flash(0x12000, 0x1000)).as("the sector after the region").containsOnly(0x5A);
                assertThat(bench.flash(0xF000, 0x1000)).as("the sector before it").containsOnly(0x5A);
                ImageSource big = image("big", 5 * 6144 + 1000, 11);   // large blocks, then the rest in 1 KiB blocks
                s.write(big, 0x20000, n -> {});
                try (var in = big.open(0)) {
                    assertThat(bench.flash(0x20000, (int) big.size())).isEqualTo(in.readAllBytes());
                }
                assertThat(bench.flash(0x28000, 0x1000)).containsOnly(0x5A);
            }
        }
    }

    @Test
    void aWrongChipIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (RomBench bench = RomBench.start(dir, Chip.ESP32C3, "")) {
            byte[] flashBefore = Files.readAllBytes(bench.flashFile());
            EspRomDevice device = device(bench, Chip.ESP32, FAST);
            assertThatThrownBy(device::open).isInstanceOfSatisfying(DeviceException.class, e -> {
                assertThat(e.reason()).isEqualTo(DeviceException.Reason.INSTALL_REFUSED);
                assertThat(e.getMessage()).contains("is an ESP32-C3, but the bundle is for an ESP32").contains("Nothing was written");
                assertThat(e.getCause()).isInstanceOfSatisfying(EspRomException.class,
                        c -> assertThat(c.reason()).isEqualTo(EspRomException.Reason.WRONG_CHIP));
            });
            assertThat(Files.readAllBytes(bench.flashFile())).isEqualTo(flashBefore);
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "stall=0.05,stall-ms=300,seed=11",
        "noise=0.1,seed=12",
        "status=0.15,seed=13"})
    void faultsAreRiddenOver(String faults) throws Exception {
        try (RomBench bench = RomBench.start(dir, Chip.ESP32, faults)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                try (EspRomSession s = device(bench, Chip.ESP32, FAST).connect()) {
                    ImageSource app = image("app", 96 * 1024, 5);
                    assertThat(s.write(app, 0x10000, n -> {}).md5Checked()).isTrue();
                    try (var in = app.open(0)) {
                        assertThat(bench.flash(0x10000, (int) app.size())).isEqualTo(in.readAllBytes());
                    }
                }
            });
            assertThat(bench.rom.stats().faults()).as("faults fired").isPositive();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aRomThatTakesOnlySmallBlocksGetsEsptoolsBlockSize(boolean compress) throws Exception {
        try (RomBench bench = RomBench.start(dir, Chip.ESP32C3, "max-block=1024")) {
            try (EspRomSession s = device(bench, Chip.ESP32C3, FAST.withCompress(compress)).connect()) {
                assertThat(s.blockSize()).isEqualTo(0x1800);
                ImageSource app = image("app", 30 * 1024, 9);
                assertThat(s.write(app, 0x10000, n -> {}).md5Checked()).isTrue();
                assertThat(s.blockSize()).isEqualTo(Chip.ROM_FLASH_BLOCK);
                try (var in = app.open(0)) {
                    assertThat(bench.flash(0x10000, (int) app.size())).isEqualTo(in.readAllBytes());
                }
            }
        }
    }

    @Test
    void aHungRomEndsInATypedErrorNotAHang() throws Exception {
        try (RomBench bench = RomBench.start(dir, Chip.ESP32, "hang=30")) {
            EspRomSession s = device(bench, Chip.ESP32, FAST).connect();
            try (s) {
                ImageSource app = image("app", 128 * 1024, 6);
                EspRomException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                        () -> org.junit.jupiter.api.Assertions.assertThrows(EspRomException.class, () -> s.write(app, 0x10000, n -> {})));
                assertThat(e.reason()).isEqualTo(EspRomException.Reason.NO_RESPONSE);
                assertThat(e.getMessage()).contains("did not answer FLASH_DEFL_DATA");
                assertThat(e.hint()).isNotEmpty();
            }
        }
    }

    @Test
    void aPulledCableEndsInATypedErrorNotAHang() throws Exception {
        RomBench bench = RomBench.start(dir, Chip.ESP32, "");
        try {
            EspRomSession s = device(bench, Chip.ESP32, FAST.withCompress(false)).connect();
            try (s) {
                ImageSource app = image("app", 256 * 1024, 8);
                AtomicLong progress = new AtomicLong();
                Thread puller = Thread.ofVirtual().start(() -> {
                    try {
                        while (progress.get() < 16 * 1024) Thread.sleep(5);
                        bench.pty.close();   // socat ends: both ptys vanish mid-write
                    } catch (InterruptedException ignored) {
                        // test over
                    }
                });
                EspRomException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                        () -> org.junit.jupiter.api.Assertions.assertThrows(EspRomException.class, () -> s.write(app, 0x10000, progress::set)));
                puller.join();
                assertThat(e.reason()).isIn(EspRomException.Reason.PORT, EspRomException.Reason.NO_RESPONSE);
                assertThat(e.toDeviceException().reason()).isEqualTo(DeviceException.Reason.UNREACHABLE);
                assertThat(progress.get()).isLessThan(app.size());
            }
        } finally {
            bench.close();
        }
    }

    @Test
    void withoutResetLinesItAsksForTheButtonsAndWaits() throws Exception {
        try (PtyPair pty = PtyPair.open(dir)) {
            List<ManualBoot> asked = new ArrayList<>();
            EspRomDevice device = new EspRomDevice(pty.a(), FAST.withManualBootWait(Duration.ofMillis(800)), FlashLayout.of("app", 0),
                    null, asked::add);
            EspRomException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(EspRomException.class, device::connect));
            assertThat(e.reason()).isEqualTo(EspRomException.Reason.NO_BOOTLOADER);
            assertThat(e.hint()).contains("hold BOOT");
            assertThat(asked).singleElement().satisfies(m -> {
                assertThat(m.instruction()).contains("hold its BOOT button").contains(pty.a());
                assertThat(m.timeout()).isEqualTo(Duration.ofMillis(800));
            });
        }
    }

    @Test
    void theUnitPutIntoDownloadModeByHandIsFound() throws Exception {
        try (PtyPair pty = PtyPair.open(dir)) {
            List<String> events = new ArrayList<>();
            io.fieldflash.sim.esprom.SimulatedRom[] rom = new io.fieldflash.sim.esprom.SimulatedRom[1];
            ManualBoot.Prompt prompt = new ManualBoot.Prompt() {
                @Override
                public void manualBootNeeded(ManualBoot request) {
                    events.add("asked");
                    try {   // the technician presses the buttons: the ROM starts answering
                        rom[0] = io.fieldflash.sim.esprom.SimulatedRom.start(
                                io.fieldflash.sim.esprom.RomSimConfig.of(pty.b(), dir.resolve("unit"), Chip.ESP32C3));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }

                @Override
                public void bootloaderFound() {
                    events.add("found");
                }
            };
            try (EspRomSession s = new EspRomDevice(pty.a(), FAST.withManualBootWait(Duration.ofSeconds(10)), FlashLayout.of("app", 0),
                    Chip.ESP32C3, prompt).connect()) {
                assertThat(s.chipInfo().chip()).isEqualTo(Chip.ESP32C3);
                assertThat(events).containsExactly("asked", "found");
            } finally {
                if (rom[0] != null) rom[0].stop();
            }
        }
    }
}
