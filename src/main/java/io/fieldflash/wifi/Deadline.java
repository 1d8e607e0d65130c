package io.fieldflash.wifi;

import java.time.Duration;

/** A point in time a whole operation (e.g. a join) must finish by. */
record Deadline(long endNanos) {

    static Deadline after(Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos());
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** {@code step}, or what is left if that is less, but at least a second so a command can still start. */
    Duration cap(Duration step) {
        Duration left = remaining();
        Duration d = left.compareTo(step) < 0 ? left : step;
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** Whole seconds left, at least 1: for tools that take their own timeout in seconds. */
    long secondsLeft() {
        return Math.max(1, (remaining().toMillis() + 999) / 1000);
    }
}
