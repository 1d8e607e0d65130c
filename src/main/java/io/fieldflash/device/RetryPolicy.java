package io.fieldflash.device;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often, and after how long a wait, a failed exchange is tried again: exponential backoff with jitter.
 * {@code maxAttempts} counts consecutive failures without progress; any progress starts the count again,
 * so a long transfer over a flaky link is not abandoned as long as it keeps moving.
 *
 * @param maxAttempts  consecutive failed attempts after which to give up (at least 1)
 * @param initialDelay wait after the first failure
 * @param maxDelay     longest wait between attempts
 * @param multiplier   growth of the wait per failure (at least 1)
 * @param jitter       fraction (0..1) of each wait that is random, so that many clients do not retry in step
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {

    /** For people on a real SoftAP link: up to 10 tries, 0.5 s growing to 15 s (about 1.5 minutes in all). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(15), 2.0, 0.5);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) throw new IllegalArgumentException("delays out of order");
        if (multiplier < 1) throw new IllegalArgumentException("multiplier must be at least 1");
        if (jitter < 0 || jitter > 1) throw new IllegalArgumentException("jitter must be within 0..1");
    }

    /** The wait before attempt {@code failures + 1}, after {@code failures} (≥ 1) consecutive failures. */
    public Duration delay(int failures, RandomGenerator random) {
        double base = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, failures - 1));
        base = Math.min(base, maxDelay.toNanos());
        double wait = base * (1 - jitter) + base * jitter * random.nextDouble();
        return Duration.ofNanos((long) wait);
    }

    /** True when {@code failures} consecutive failures are too many. */
    public boolean exhausted(int failures) {
        return failures >= maxAttempts;
    }
}
