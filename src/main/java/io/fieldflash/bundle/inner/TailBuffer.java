package io.fieldflash.bundle.inner;

/**
 * Holds back the last {@code capacity} bytes of a stream (a signature trailer whose start is only known at the
 * end) and passes every older byte on, in order, as soon as it can no longer be part of that tail.
 */
final class TailBuffer {

    /** Where released bytes go. */
    interface Sink {
        void accept(byte[] b, int off, int len);
    }

    private final byte[] ring;
    private final Sink sink;
    private int start;
    private int count;

    TailBuffer(int capacity, Sink sink) {
        this.ring = new byte[capacity];
        this.sink = sink;
    }

    void push(byte[] b, int off, int len) {
        int cap = ring.length;
        if (len >= cap) {
            release(count);
            sink.accept(b, off, len - cap);
            System.arraycopy(b, off + len - cap, ring, 0, cap);
            start = 0;
            count = cap;
            return;
        }
        int overflow = count + len - cap;
        if (overflow > 0) release(overflow);
        int end = (start + count) % cap;
        int first = Math.min(len, cap - end);
        System.arraycopy(b, off, ring, end, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        count += len;
    }

    private void release(int n) {
        int cap = ring.length;
        int first = Math.min(n, cap - start);
        sink.accept(ring, start, first);
        if (n > first) sink.accept(ring, 0, n - first);
        start = (start + n) % cap;
        count -= n;
    }

    /** How many bytes are held (fewer than the capacity only when the whole stream was shorter). */
    int count() {
        return count;
    }

    /** The held bytes, oldest first. */
    byte[] tail() {
        byte[] out = new byte[count];
        int first = Math.min(count, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, count - first);
        return out;
    }
}
