package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * A small mutation fuzzer with a fixed time budget, shared by the fuzzing suite ({@code *FuzzTest} in this
 * package). Inputs are seed corpora (real bundles, trust files, device answers, requests) mutated byte-wise
 * and with a per-target dictionary of hostile tokens; the generator is seeded, so a run is repeatable for the
 * same number of inputs.
 *
 * <p>Every input runs under a deadline and an allocation bound. A failure names the target, the input number
 * and writes the input to {@code target/fuzz-failures/} so that it can be turned into a plain regression test.
 *
 * <p>Budget: {@code -Dfieldflash.fuzz.seconds=N} per target (the build sets it; 10 when unset).
 */
public final class Fuzz {

    /** What one input may cost at most. */
    public record Limits(Duration timePerInput, long bytesAllocatedPerInput) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(3), 256L << 20);
    }

    /** The check run on one input; throws {@link AssertionError} (or anything) when the rule is broken. */
    @FunctionalInterface
    public interface Check {
        void accept(byte[] input) throws Exception;
    }

    private static final byte[][] INTERESTING = {
            {0}, {(byte) 0xff}, {0x7f}, {(byte) 0x80}, {0x1b}, {0x0a}, {0x0d},
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
            {0, 0, 0, (byte) 0x80}, {(byte) 0xff, (byte) 0xff}, {0, 0, 0, 0},
    };

    private Fuzz() {}

    /** The time budget of one fuzz target. */
    public static Duration budget() {
        return Duration.ofMillis((long) (Double.parseDouble(System.getProperty("fieldflash.fuzz.seconds", "10")) * 1000));
    }

    /** Strings to splice into inputs, as UTF-8. */
    public static List<byte[]> dictionary(String... tokens) {
        List<byte[]> out = new ArrayList<>();
        for (String t : tokens) {
            out.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Runs {@code check} on mutations of {@code seeds} until the budget is spent (and on each seed itself
     * first). Returns the number of inputs tried.
     */
    public static int run(String target, long seed, List<byte[]> seeds, List<byte[]> dictionary, Limits limits, Check check) {
        Random random = new Random(seed);
        long deadline = System.nanoTime() + budget().toNanos();
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + target);
            t.setDaemon(true);
            return t;
        });
        int count = 0;
        try {
            for (byte[] s : seeds) {
                runOne(target, count++, s, limits, check, runner);
            }
            while (System.nanoTime() < deadline) {
                byte[] input = seeds.get(random.nextInt(seeds.size()));
                int rounds = 1 + random.nextInt(4);
                for (int i = 0; i < rounds; i++) {
                    input = mutate(input, random, seeds, dictionary);
                }
                runOne(target, count++, input, limits, check, runner);
            }
        } finally {
            runner.shutdownNow();
        }
        return count;
    }

    private static void runOne(String target, int n, byte[] input, Limits limits, Check check, ExecutorService runner) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Future<Long> result = runner.submit(() -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            check.accept(input);
            return threads.getCurrentThreadAllocatedBytes() - before;
        });
        try {
            long allocated = result.get(limits.timePerInput().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (allocated > limits.bytesAllocatedPerInput()) {
                failWith(target, n, input, "allocated " + allocated + " bytes (limit " + limits.bytesAllocatedPerInput() + ")", null);
            }
        } catch (TimeoutException e) {
            result.cancel(true);
            failWith(target, n, input, "took longer than " + limits.timePerInput(), null);
        } catch (ExecutionException e) {
            failWith(target, n, input, "broke the rule", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void failWith(String target, int n, byte[] input, String what, Throwable cause) {
        Path dir = Path.of(System.getProperty("fieldflash.projectDir", "."), "target", "fuzz-failures");
        Path file = dir.resolve(target + "-" + n + ".bin");
        try {
            Files.createDirectories(dir);
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String head = HexFormat.of().formatHex(input, 0, Math.min(input.length, 64));
        AssertionError error = new AssertionError("fuzz target " + target + ", input #" + n + " (" + input.length
                + " bytes, saved to " + file + ", starts " + head + "): " + what
                + (cause == null ? "" : ": " + cause), cause);
        fail(error.getMessage(), error);
    }

    /** One random mutation of {@code in}. */
    public static byte[] mutate(byte[] in, Random random, List<byte[]> seeds, List<byte[]> dictionary) {
        int len = in.length;
        int choice = random.nextInt(dictionary.isEmpty() ? 9 : 11);
        switch (choice) {
            case 0: { // flip a bit
                if (len == 0) return new byte[] {(byte) random.nextInt(256)};
                byte[] out = in.clone();
                int i = random.nextInt(len);
                out[i] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1: { // set a byte
                if (len == 0) return new byte[] {(byte) random.nextInt(256)};
                byte[] out = in.clone();
                out[random.nextInt(len)] = (byte) random.nextInt(256);
                return out;
            }
            case 2: { // overwrite with an interesting value
                byte[] value = INTERESTING[random.nextInt(INTERESTING.length)];
                if (len < value.length) return value.clone();
                byte[] out = in.clone();
                System.arraycopy(value, 0, out, random.nextInt(len - value.length + 1), value.length);
                return out;
            }
            case 3: { // truncate
                return len == 0 ? in : java.util.Arrays.copyOf(in, random.nextInt(len));
            }
            case 4: { // delete a range
                if (len < 2) return in;
                int from = random.nextInt(len);
                int count = 1 + random.nextInt(Math.min(len - from, 64));
                byte[] out = new byte[len - count];
                System.arraycopy(in, 0, out, 0, from);
                System.arraycopy(in, from + count, out, from, len - from - count);
                return out;
            }
            case 5: { // insert random bytes
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                return insert(in, random.nextInt(len + 1), extra);
            }
            case 6: { // duplicate a range
                if (len == 0) return in;
                int from = random.nextInt(len);
                int count = 1 + random.nextInt(Math.min(len - from, 256));
                return insert(in, random.nextInt(len + 1), java.util.Arrays.copyOfRange(in, from, from + count));
            }
            case 7: { // splice with another seed
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = len == 0 ? 0 : random.nextInt(len);
                int otherCut = other.length == 0 ? 0 : random.nextInt(other.length);
                byte[] out = new byte[cut + other.length - otherCut];
                System.arraycopy(in, 0, out, 0, cut);
                System.arraycopy(other, otherCut, out, cut, other.length - otherCut);
                return out;
            }
            case 8: { // add or subtract a small number from a byte
                if (len == 0) return in;
                byte[] out = in.clone();
                int i = random.nextInt(len);
                out[i] = (byte) (out[i] + random.nextInt(35) - 17);
                return out;
            }
            case 9: { // insert a dictionary token
                return insert(in, random.nextInt(len + 1), dictionary.get(random.nextInt(dictionary.size())));
            }
            default: { // overwrite with a dictionary token
                byte[] token = dictionary.get(random.nextInt(dictionary.size()));
                if (len < token.length) return token.clone();
                byte[] out = in.clone();
                System.arraycopy(token, 0, out, random.nextInt(len - token.length + 1), token.length);
                return out;
            }
        }
    }

    private static byte[] insert(byte[] in, int at, byte[] extra) {
        byte[] out = new byte[in.length + extra.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(in, at, out, at + extra.length, in.length - at);
        return out;
    }
}
