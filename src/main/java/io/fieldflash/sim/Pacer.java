package io.fieldflash.sim;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The device's receive bandwidth: a virtual clock that advances by {@code n / rate} seconds for every {@code n}
 * bytes received, shared by all connections (a device has one radio). Readers sleep until the clock catches up
 * with real time, so a body of {@code N} bytes takes at least {@code N / rate} seconds to read.
 */
final class Pacer {
    private final long rate;
    private long nextFreeNanos = System.nanoTime();

    /** @param rate bytes per second; 0 means unlimited */
    Pacer(long rate) {
        this.rate = rate;
    }

    boolean limited() {
        return rate > 0;
    }

    /** How many bytes to read at once: about 10 ms of transfer, between 1 KiB and 64 KiB. */
    int slice(int wanted) {
        if (rate == 0) return wanted;
        long tenMs = Math.max(1024, Math.min(64 * 1024, rate / 100));
        return (int) Math.min(wanted, tenMs);
    }

    /** Accounts for {@code n} received bytes, sleeping as long as a link of this rate would have taken. */
    void received(int n) throws InterruptedIOException {
        if (rate == 0 || n <= 0) return;
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            // A link that was idle does not bank bandwidth: start from now, not from the past.
            long start = Math.max(now, nextFreeNanos);
            nextFreeNanos = start + n * 1_000_000_000L / rate;
            wait = nextFreeNanos - now;
        }
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the receive rate");
            }
        }
    }
}
