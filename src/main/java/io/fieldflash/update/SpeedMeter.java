package io.fieldflash.update;

import java.time.Duration;
import java.util.ArrayDeque;

/** Recent transfer speed over a sliding window, and the time left at that speed. */
final class SpeedMeter {
    private static final long WINDOW_NANOS = Duration.ofSeconds(5).toNanos();

    private record Sample(long nanos, long bytes) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** Notes that {@code bytes} are done now; returns bytes per second over the window (0 while unknown). */
    double add(long bytes) {
        long now = System.nanoTime();
        if (!samples.isEmpty() && bytes < samples.getLast().bytes()) samples.clear();     // went back (a restart)
        samples.addLast(new Sample(now, bytes));
        while (samples.size() > 2 && now - samples.getFirst().nanos() > WINDOW_NANOS) samples.removeFirst();
        Sample first = samples.getFirst();
        long dt = now - first.nanos();
        if (dt < 100_000_000L || bytes <= first.bytes()) return 0;       // under 0.1 s: too early to tell
        return (bytes - first.bytes()) * 1e9 / dt;
    }

    void reset() {
        samples.clear();
    }

    static Duration eta(long remaining, double bytesPerSecond) {
        if (bytesPerSecond <= 0) return Duration.ZERO;
        return Duration.ofMillis((long) (remaining * 1000 / bytesPerSecond));
    }
}
