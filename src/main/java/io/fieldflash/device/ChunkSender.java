package io.fieldflash.device;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;

/**
 * Moves one image through a {@link ChunkedTransfer}, riding over breaks: after any retryable failure it
 * waits (backoff with jitter), asks the device for its offset and continues from there.
 *
 * <p>A break costs at most one chunk: the current chunk stays in a buffer and is resent from the device's
 * offset inside it. Only when the device reports an offset before the buffer (it lost bytes, e.g. over a
 * reboot) is the image stream opened again and read forward to that offset. The image is never held
 * in memory as a whole.
 *
 * <p>Chunks adapt to the link: the first is {@value #FIRST_CHUNK} bytes; a full chunk sent in under half of
 * {@link #TARGET_CHUNK_TIME} doubles the next, one that took over twice as long, or a failure, halves it, between
 * {@value #FIRST_CHUNK} bytes and the transfer's {@link ChunkedTransfer#maxChunkSize()}. So a slow or flaky
 * SoftAP gets small chunks (a refused chunk costs little) and a good link gets large ones (the round trip per
 * chunk stops mattering).
 *
 * <p>Stops with the last failure when {@link RetryPolicy#maxAttempts()} attempts in a row made no progress,
 * at once on a failure that no retry changes (wrong token, lockout, refused), and with
 * {@link InterruptedException} when its owner interrupts it (see {@link TransferControl}). Progress means passing the
 * highest offset the device ever reported: a device that takes chunks and then forgets them does not earn new tries
 * by taking the same bytes again. And the whole transfer is bounded: after {@value #MAX_WIRE_FACTOR} times the image
 * (plus a few chunks) on the wire without the device holding it, it stops with {@code TRANSFER_STALLED}.
 */
public final class ChunkSender {

    /**
     * @param bytesSent payload bytes handed to the wire, retransmissions included
     * @param resumes   times the transfer continued from the device's offset: after a break, or from an earlier run
     */
    public record Result(long bytesSent, int resumes) {}

    /** Size of the first chunk and smallest chunk, in bytes (unless the transfer allows less). */
    public static final int FIRST_CHUNK = 64 * 1024;
    /** Bytes put on the wire for one image, as a multiple of its size (plus {@value #SPARE_CHUNKS} largest chunks), before giving up. */
    public static final int MAX_WIRE_FACTOR = 4;
    static final int SPARE_CHUNKS = 16;

    /** How long one chunk should take on the wire. */
    public static final Duration TARGET_CHUNK_TIME = Duration.ofSeconds(1);

    private final RetryPolicy policy;
    private final TransferControl control;
    private final TransferListener listener;
    private final RandomGenerator random;

    public ChunkSender(RetryPolicy policy, TransferControl control, TransferListener listener, RandomGenerator random) {
        this.policy = policy;
        this.control = control;
        this.listener = listener;
        this.random = random;
    }

    /**
     * Sends until the device holds the whole image.
     *
     * @throws DeviceException the last failure, when it cannot be retried or retries are used up
     * @throws IOException     the image could not be read, or stopped matching its manifest
     */
    public Result send(ChunkedTransfer transfer) throws DeviceException, IOException, InterruptedException {
        ImageSource image = transfer.image();
        long length = image.size();
        int maxChunk = (int) Math.max(1, Math.min(transfer.maxChunkSize(), length));
        int minChunk = Math.min(FIRST_CHUNK, maxChunk);
        int chunk = minChunk;
        byte[] buf = new byte[maxChunk];
        long bufStart = 0;
        int bufLen = 0;
        InputStream in = null;
        long streamPos = 0;
        long[] sent = {0};
        LongConsumer onSent = n -> {
            sent[0] += n;
            listener.sent(n);
        };
        int resumes = 0;
        int failures = 0;
        long highest = -1;      // the furthest the device ever said it holds
        long budget = saturatedAdd(saturatedMul(length, MAX_WIRE_FACTOR), (long) SPARE_CHUNKS * maxChunk);
        boolean afterBreak = false;
        long offset = -1;    // -1: ask the device
        try {
            while (true) {
                control.checkpoint();
                try {
                    if (offset < 0) {
                        long reported = transfer.offset();
                        if (reported < 0 || reported > length) {
                            throw new DeviceException(DeviceException.Reason.PROTOCOL_ERROR, "The device reported offset " + reported
                                    + " for an image of " + length + " bytes.", "Report this to the device vendor.");
                        }
                        if (afterBreak || (transfer.resumed() && reported > 0)) {
                            resumes++;
                            listener.resumed(reported);
                        }
                        afterBreak = false;
                        offset = reported;
                        listener.progress(offset, length);
                        highest = Math.max(highest, offset);
                    }
                    if (offset >= length) break;
                    if (sent[0] > budget) {
                        throw new DeviceException(DeviceException.Reason.TRANSFER_STALLED, "After " + sent[0] + " bytes sent for an image of "
                                + length + " bytes, the device holds only " + offset + " of them: it keeps losing what it received.",
                                "Restart the device and run the same command again; if it happens again, the device's storage may be "
                                        + "failing: report it to the vendor.");
                    }

                    if (offset < bufStart || offset >= bufStart + bufLen) {
                        // The buffer does not hold the offset: read the next chunk (reopening the stream if the
                        // device went back before what we already read).
                        if (in == null || offset < streamPos) {
                            if (in != null) in.close();
                            in = null;
                            in = image.open(offset);
                            streamPos = offset;
                        } else if (offset > streamPos) {
                            in.skipNBytes(offset - streamPos);
                            streamPos = offset;
                        }
                        int want = (int) Math.min(chunk, length - offset);
                        int got = in.readNBytes(buf, 0, want);
                        if (got < want) throw new EOFException("image \"" + image.name() + "\" ended at byte " + (offset + got));
                        bufStart = offset;
                        bufLen = got;
                        streamPos = offset + got;
                    }
                    int from = (int) (offset - bufStart);
                    int len = bufLen - from;
                    long t0 = System.nanoTime();
                    long next = transfer.write(offset, buf, from, len, onSent);
                    chunk = nextChunk(chunk, len, System.nanoTime() - t0, minChunk, maxChunk);
                    if (next <= offset || next > offset + len) {
                        throw new DeviceException(DeviceException.Reason.PROTOCOL_ERROR, "After " + len + " bytes at offset " + offset
                                + " the device reported offset " + next + ".", "Report this to the device vendor.");
                    }
                    offset = next;
                    if (next > highest) {       // new ground: the tries start again
                        highest = next;
                        failures = 0;
                    }
                    listener.progress(offset, length);
                } catch (DeviceException e) {
                    if (!e.retryable()) throw e;
                    failures++;
                    chunk = Math.max(minChunk, chunk / 2);
                    if (policy.exhausted(failures)) throw e;
                    Duration wait = e.reason() == DeviceException.Reason.OFFSET_MISMATCH ? Duration.ZERO : policy.delay(failures, random);
                    if (e.retryAfter().isPresent()) {
                        Duration asked = e.retryAfter().get();
                        if (asked.compareTo(policy.maxDelay()) > 0) asked = policy.maxDelay();
                        if (asked.compareTo(wait) > 0) wait = asked;
                    }
                    listener.retrying(failures, wait, e);
                    control.sleep(wait);
                    offset = -1;
                    afterBreak = true;
                }
            }
        } finally {
            if (in != null) in.close();
        }
        return new Result(sent[0], resumes);
    }

    private static long saturatedMul(long a, long b) {
        long r = a * b;
        return a != 0 && (r / a != b || r < 0) ? Long.MAX_VALUE : r;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** The next chunk size after {@code len} bytes of a {@code chunk}-sized chunk took {@code nanos}. */
    static int nextChunk(int chunk, int len, long nanos, int minChunk, int maxChunk) {
        long target = TARGET_CHUNK_TIME.toNanos();
        if (len >= chunk && nanos < target / 2) return (int) Math.min(maxChunk, 2L * chunk);
        if (nanos > 2 * target) return Math.max(minChunk, chunk / 2);
        return chunk;
    }
}
