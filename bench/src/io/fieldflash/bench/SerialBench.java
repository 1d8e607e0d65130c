package io.fieldflash.bench;

import io.fieldflash.device.ImageSource;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.EspRomSession;
import io.fieldflash.device.esprom.FlashLayout;
import io.fieldflash.device.esprom.ManualBoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * USB-serial flashing through the ESP ROM bootloader: a 1 MiB incompressible image written at 0x10000 of a
 * simulated ESP32 (line paced at 921600 baud, 10 bit times per byte) by esptool 4.7.0 ({@code --no-stub}) and by
 * FieldFlash, in the same run, compressed and uncompressed. Both connect, detect the chip, switch to 921600 baud,
 * write and check the MD5. The simulated unit runs in its own process ({@code fieldflash simulate --serial}), as a
 * real unit would be apart from the laptop. esptool's time is its whole process (Python start included);
 * FieldFlash's is a whole session (open the port, sync, detect, write, MD5, close) in this JVM.
 * Target: FieldFlash/esptool ≤ 1.0.
 */
public final class SerialBench {
    private static final int BAUD = 921_600;
    private static final long SIZE = 1L << 20;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Files.createDirectories(work);
        Path image = Bench.randomFile(work.resolve("app-1m.bin"), SIZE, 21);
        String esptool = esptool(root);
        String socat = which("socat").orElseThrow(() -> new IllegalStateException("bench/run serial needs socat (apt-get install socat)"));
        double lineRate = BAUD / 10.0;
        System.out.printf("serial: 1 MiB random image at 0x10000 of a simulated ESP32, %d baud (line rate %.0f B/s, %.1f s for the image alone)%n",
                BAUD, lineRate, SIZE / lineRate);
        // warm FieldFlash's code paths once (a technician's second unit), on a small image
        Path warm = Bench.randomFile(work.resolve("warm.bin"), 64 * 1024, 5);
        fieldflash(root, socat, work, warm, true);
        for (boolean compress : new boolean[] {true, false}) {
            double e = esptoolRun(root, esptool, socat, work, image, compress);
            double f = fieldflash(root, socat, work, image, compress);
            String mode = compress ? "compressed  " : "uncompressed";
            System.out.printf("  %s esptool %.2f s (%.0f B/s, %.2f of line rate)   FieldFlash %.2f s (%.0f B/s, %.2f of line rate)%n",
                    mode, e, SIZE / e, SIZE / e / lineRate, f, SIZE / f, SIZE / f / lineRate);
            System.out.printf("  %s FieldFlash/esptool wall time   ratio %.3f  %s%n", mode, f / e,
                    Bench.verdict(Math.ceil(f / e * 1000) / 1000, 1.0, true));
        }
    }

    private static double esptoolRun(Path root, String esptool, String socat, Path work, Path image, boolean compress) throws Exception {
        try (Line line = Line.open(root, socat, work.resolve("esptool-" + compress))) {
            List<String> cmd = List.of(esptool, "--port", line.a.toString(), "--chip", "auto", "--before", "no_reset", "--after", "no_reset",
                    "--no-stub", "--baud", "" + BAUD, "write_flash", compress ? "-z" : "-u", "0x10000", image.toString());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("esptool failed:\n" + new String(out, StandardCharsets.UTF_8));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            line.check(image);
            return s;
        }
    }

    private static double fieldflash(Path root, String socat, Path work, Path image, boolean compress) throws Exception {
        try (Line line = Line.open(root, socat, work.resolve("fieldflash-" + compress))) {
            EspRomOptions opts = EspRomOptions.defaults().withBaud(BAUD).withCompress(compress);
            ImageSource src = ImageSource.ofFile(image, "app");
            long t0 = System.nanoTime();
            try (EspRomSession s = new EspRomDevice(line.a.toString(), opts, FlashLayout.of("app", 0x10000), null, ManualBoot.Prompt.NONE).connect()) {
                if (!s.write(src, 0x10000, n -> {}).md5Checked()) throw new IllegalStateException("no MD5 check");
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            line.check(image);
            return sec;
        }
    }

    /** A pty pair with a fresh simulated ESP32 (its own process) on its far end (also used by DepotBench). */
    static final class Line implements AutoCloseable {
        final Process socat;
        final Process unit;
        final Path a;
        final Path state;

        private Line(Process socat, Process unit, Path a, Path state) {
            this.socat = socat;
            this.unit = unit;
            this.a = a;
            this.state = state;
        }

        static Line open(Path root, String socatBin, Path dir) throws Exception {
            deleteTree(dir);
            Files.createDirectories(dir);
            Path a = dir.resolve("ttyA");
            Path b = dir.resolve("ttyB");
            Process p = new ProcessBuilder(socatBin, "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 500 && !(Files.exists(a) && Files.exists(b)); i++) Thread.sleep(10);
            Path state = dir.resolve("unit");
            Process unit = new ProcessBuilder(root.resolve("bin/fieldflash").toString(), "simulate", "--serial", b.toString(),
                    "--state", state.toString(), "--chip", "esp32", "--faults", "seed=1")
                    .redirectError(dir.resolve("unit.log").toFile()).start();
            // ready when it says so on standard output
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(unit.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("Simulated")) throw new IllegalStateException("the simulated unit did not start: " + first);
            return new Line(p, unit, a, state);
        }

        /** The flash holds the image at 0x10000. */
        void check(Path image) throws Exception {
            stopUnit();
            byte[] want = Files.readAllBytes(image);
            byte[] flash = Files.readAllBytes(state.resolve("flash.bin"));
            if (!Arrays.equals(Arrays.copyOfRange(flash, 0x10000, 0x10000 + want.length), want)) {
                throw new IllegalStateException("the simulated flash does not hold the image");
            }
        }

        private void stopUnit() throws InterruptedException {
            unit.destroy();   // SIGTERM: the simulator flushes flash.bin and stops
            if (!unit.waitFor(10, TimeUnit.SECONDS)) unit.destroyForcibly().waitFor();
        }

        @Override
        public void close() throws Exception {
            stopUnit();
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String esptool(Path root) throws Exception {
        String env = System.getenv("FIELDFLASH_ESPTOOL");
        if (env != null && !env.isBlank()) return env;
        Process p = new ProcessBuilder(root.resolve(".ci/get-esptool.sh").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || out.isEmpty()) throw new IllegalStateException("esptool could not be installed (.ci/get-esptool.sh)");
        return out;
    }

    static Optional<String> which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return Optional.of(p.toString());
        }
        return Optional.empty();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) Files.deleteIfExists(p);
        }
    }
}
