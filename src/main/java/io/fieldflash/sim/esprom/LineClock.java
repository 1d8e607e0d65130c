package io.fieldflash.sim.esprom;

import java.util.concurrent.TimeUnit;

/**
 * The serial line's pace: 10 bit times per byte (8N1) at the current baud rate, one timeline for both directions
 * (the ROM answers only after a request has arrived, so they never overlap). The schedule is absolute, so a
 * thread that wakes late catches up, and an idle line earns no credit.
 */
final class LineClock {
    private volatile int baud;
    private long next;

    LineClock(int baud) {
        this.baud = baud;
    }

    int baud() {
        return baud;
    }

    void baud(int b) {
        baud = b;
    }

    /** Waits until {@code n} more bytes would have crossed the line. */
    void bytes(int n) throws InterruptedException {
        if (n <= 0 || baud <= 0) return;
        long now = System.nanoTime();
        if (next - now < 0) next = now;
        next += (long) (n * 10 * 1e9 / baud);
        long wait = next - now;
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }
}
