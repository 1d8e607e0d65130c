package io.fieldflash.device.http;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A fixed-length request body from a slice of a byte array that reports each piece as the HTTP client takes it,
 * so that a request broken half-way counts what it put on the wire. The pieces are copies: the caller may
 * reuse its buffer as soon as the request has ended, even if the client still holds a piece.
 */
final class CountingBodyPublisher implements HttpRequest.BodyPublisher {
    private static final int PIECE = 16 * 1024;

    private final byte[] buf;
    private final int off;
    private final int len;
    private final LongConsumer counter;

    CountingBodyPublisher(byte[] buf, int off, int len, LongConsumer counter) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.counter = counter;
    }

    @Override
    public long contentLength() {
        return len;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Subscription(subscriber));
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private int pos = off;
        private long demand;
        private boolean draining;
        private boolean done;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                synchronized (this) {
                    if (done) return;
                    done = true;
                }
                subscriber.onError(new IllegalArgumentException("non-positive request " + n));
                return;
            }
            synchronized (this) {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                if (draining) return;           // the loop below, further up the stack, delivers
                draining = true;
            }
            while (true) {
                ByteBuffer piece;
                boolean complete = false;
                synchronized (this) {
                    if (done) {
                        draining = false;
                        return;
                    }
                    if (pos >= off + len) {
                        done = true;
                        complete = true;
                        piece = null;
                    } else if (demand == 0) {
                        draining = false;
                        return;
                    } else {
                        int n2 = Math.min(PIECE, off + len - pos);
                        piece = ByteBuffer.wrap(Arrays.copyOfRange(buf, pos, pos + n2));
                        pos += n2;
                        demand--;
                    }
                }
                if (complete) {
                    subscriber.onComplete();
                    synchronized (this) {
                        draining = false;
                    }
                    return;
                }
                counter.accept(piece.remaining());
                subscriber.onNext(piece);
            }
        }

        @Override
        public synchronized void cancel() {
            done = true;
        }
    }
}
