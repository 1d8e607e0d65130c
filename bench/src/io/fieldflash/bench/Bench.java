package io.fieldflash.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the benchmarks: timing, processes, test data. */
final class Bench {
    private Bench() {}

    interface Timed {
        void run() throws Exception;
    }

    /** Best wall-clock seconds of {@code runs} runs (the first run warms up as any run does). */
    static double best(int runs, Timed t) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            t.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Runs a process to completion, failing loudly when it fails. */
    static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", cmd));
        }
    }

    /** A file of pseudo-random bytes (incompressible, like encrypted or dense firmware), made once and reused. */
    static Path randomFile(Path file, long size, long seed) throws IOException {
        if (Files.exists(file) && Files.size(file) == size) return file;
        Files.createDirectories(file.getParent());
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = r.nextLong();
                    for (int j = 0; j < 8; j++) buf[i + j] = (byte) (v >>> (8 * j));
                }
                out.write(buf, 0, (int) Math.min(buf.length, size - done));
            }
        }
        return file;
    }

    static String verdict(double value, double target, boolean lowerIsBetter) {
        boolean ok = lowerIsBetter ? value <= target : value >= target;
        return (ok ? "PASS" : "FAIL") + " (target " + (lowerIsBetter ? "≤ " : "≥ ") + target + ")";
    }
}
