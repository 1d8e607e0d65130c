package io.fieldflash.device;

import java.util.function.LongConsumer;

/**
 * A transfer the device receives in chunks at explicit offsets and can report its offset for, so that a
 * broken chunk costs only itself (see {@link ChunkSender}).
 */
public non-sealed interface ChunkedTransfer extends ImageTransfer {

    /**
     * What identifies this transfer on the device across restarts of the client (for tus: the upload URL);
     * stored in the resume file. Empty for transports that cannot resume across sessions.
     */
    String handle();

    /** Largest chunk to send in one {@link #write}. */
    int maxChunkSize();

    /** True when the device checks each chunk (so a damaged chunk is refused, not stored). */
    boolean checksummed();

    /** True when this transfer continues one that had already started (a resume). */
    boolean resumed();

    /** Asks the device how many bytes it holds (tus: HEAD). */
    long offset() throws DeviceException, InterruptedException;

    /**
     * Sends {@code len} bytes of {@code buf} from {@code off}, to be stored at {@code offset}; returns the device's
     * offset afterwards. {@code sent} is told how many payload bytes were handed to the wire, as they go,
     * so a broken request still counts what it cost.
     */
    long write(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException, InterruptedException;

    /** Drops the transfer on the device (tus: DELETE); a no-op where the transport has nothing to drop. */
    void discard() throws DeviceException, InterruptedException;
}
