package io.fieldflash.device;

import java.time.Duration;

/**
 * How a long transfer learns that its owner wants it to pause or stop. The owner stops it by interrupting
 * the transferring thread; {@link #checkpoint()} is where a paused transfer waits.
 */
public interface TransferControl {

    /** Nothing ever pauses or stops. */
    TransferControl NONE = () -> {
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException("interrupted");
    };

    /**
     * Called between chunks: returns at once normally, blocks while paused, throws when stopped.
     */
    void checkpoint() throws InterruptedException;

    /** Waits {@code d}, or less if stopped (then throws). */
    default void sleep(Duration d) throws InterruptedException {
        if (d.isPositive()) Thread.sleep(d);
    }
}
