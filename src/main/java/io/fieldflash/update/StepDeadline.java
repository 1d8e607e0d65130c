package io.fieldflash.update;

import java.time.Duration;

/**
 * The time one step of an update may take, from its start: every step of {@link UpdateJob} has one, so no device,
 * however it answers, keeps a step going for ever.
 *
 * @param step     what the step does, for the failure message ("the install of \"app\"")
 * @param length   the time allowed
 * @param endNanos {@link System#nanoTime()} at which the time is up
 */
record StepDeadline(String step, Duration length, long endNanos) {

    static StepDeadline of(String step, Duration length) {
        return new StepDeadline(step, length, System.nanoTime() + length.toNanos());
    }

    boolean passed() {
        return endNanos - System.nanoTime() <= 0;
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    /** {@code wait}, shortened to what is left. */
    Duration cap(Duration wait) {
        Duration left = remaining();
        return left.compareTo(wait) < 0 ? left : wait;
    }
}
