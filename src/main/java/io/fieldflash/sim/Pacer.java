package io.fieldflash.sim;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The device's receive bandwidth, applied to each request body: {@code n} bytes of a body are not read before
 * {@code n / rate} seconds have passed since its first byte. The schedule is absolute, so a reader that wakes
 * late (a busy machine) catches up on the next reads instead of losing the time; and a pause between requests
 * earns no credit, so no body arrives faster than the rate.
 */
final class Pacer {
    private final long rate;

    /** @param rate bytes per second; 0 means unlimited */
    Pacer(long rate) {
        this.rate = rate;
    }

    boolean limited() {
        return rate > 0;
    }

    /** The pace of one body. */
    Session session() {
        return new Session();
    }

    final class Session {
        private long startNanos;
        private long bytes;

        /** How many bytes to read at once: about 10 ms of transfer, between 1 KiB and 64 KiB. */
        int slice(int wanted) {
            if (rate == 0) return wanted;
            long tenMs = Math.max(1024, Math.min(64 * 1024, rate / 100));
            return (int) Math.min(wanted, tenMs);
        }

        /** Accounts for {@code n} received bytes, sleeping until a link of this rate would have delivered them. */
        void received(int n) throws InterruptedIOException {
            if (rate == 0 || n <= 0) return;
            long now = System.nanoTime();
            if (bytes == 0) startNanos = now;
            bytes += n;
            long due = startNanos + (long) (bytes * 1e9 / rate);
            if (due > now) {
                try {
                    TimeUnit.NANOSECONDS.sleep(due - now);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while pacing the receive rate");
                }
            }
        }
    }
}
