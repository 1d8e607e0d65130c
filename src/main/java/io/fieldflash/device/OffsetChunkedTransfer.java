package io.fieldflash.device;

import java.util.function.LongConsumer;

/**
 * The part every {@link ChunkedTransfer} shares whatever its transport: the image, the chunk size, whether it is a
 * resume, and an offset known without asking the device (a fresh transfer starts at 0), which is used once; after
 * that, or after any write, the device is asked ({@link #askOffset()}).
 */
public abstract class OffsetChunkedTransfer implements ChunkedTransfer {
    private final ImageSource image;
    private final int chunkSize;
    private final boolean resumed;
    private long knownOffset;     // -1 once used or once a write was tried

    /** @param knownOffset the device's offset when known without asking, -1 when it must be asked */
    protected OffsetChunkedTransfer(ImageSource image, int chunkSize, boolean resumed, long knownOffset) {
        this.image = image;
        this.chunkSize = chunkSize;
        this.resumed = resumed;
        this.knownOffset = knownOffset;
    }

    @Override
    public final ImageSource image() {
        return image;
    }

    @Override
    public final int maxChunkSize() {
        return chunkSize;
    }

    @Override
    public final boolean resumed() {
        return resumed;
    }

    @Override
    public final long offset() throws DeviceException, InterruptedException {
        if (knownOffset >= 0) {
            long o = knownOffset;
            knownOffset = -1;
            return o;
        }
        return askOffset();
    }

    @Override
    public final long write(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException, InterruptedException {
        knownOffset = -1;
        return writeChunk(offset, buf, off, len, sent);
    }

    /** Asks the device how many bytes of the image it holds. */
    protected abstract long askOffset() throws DeviceException, InterruptedException;

    /** {@link ChunkedTransfer#write}, for the transport. */
    protected abstract long writeChunk(long offset, byte[] buf, int off, int len, LongConsumer sent)
            throws DeviceException, InterruptedException;
}
