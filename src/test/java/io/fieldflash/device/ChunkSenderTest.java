package io.fieldflash.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The resend rules of {@link ChunkSender}, against a small in-memory device that keeps part of a chunk when the
 * link breaks, and can lose bytes (as a device that reboots before flushing might).
 */
class ChunkSenderTest {
    static final RetryPolicy FAST = new RetryPolicy(5, Duration.ZERO, Duration.ZERO, 1, 0);

    /** An image whose opens are counted. */
    static final class CountingImage implements ImageSource {
        final byte[] data;
        int opens;

        CountingImage(int size) {
            data = new byte[size];
            new Random(size).nextBytes(data);
        }

        @Override public String name() { return "app"; }
        @Override public long size() { return data.length; }
        @Override public String sha256() { return "0".repeat(64); }
        @Override public InputStream open(long offset) {
            opens++;
            return new ByteArrayInputStream(data, (int) offset, data.length - (int) offset);
        }
    }

    /** A device that stores what it receives; scripted breaks. */
    static class MemoryDevice implements ChunkedTransfer {
        final CountingImage image;
        final ByteArrayOutputStream stored = new ByteArrayOutputStream();
        int writes;
        int breakOnWrite = -1;       // this write keeps only half its bytes, then breaks
        int loseOnWrite = -1;        // this write breaks and the device forgets 3000 bytes
        int refuseAlways = -1;       // from this write on, every write breaks

        MemoryDevice(CountingImage image) {
            this.image = image;
        }

        @Override public ImageSource image() { return image; }
        @Override public String handle() { return "mem:1"; }
        @Override public int maxChunkSize() { return 1000; }
        @Override public boolean checksummed() { return true; }
        @Override public boolean resumed() { return false; }
        @Override public long offset() { return stored.size(); }
        @Override public void discard() { stored.reset(); }

        @Override
        public long write(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException {
            writes++;
            assertThat(offset).isEqualTo(stored.size());
            assertThat(Arrays.copyOfRange(buf, off, off + len))
                    .isEqualTo(Arrays.copyOfRange(image.data, (int) offset, (int) offset + len));
            if (refuseAlways >= 0 && writes >= refuseAlways) {
                throw DeviceException.unreachable("mem", "connection refused", null);
            }
            if (writes == breakOnWrite) {
                stored.write(buf, off, len / 2);
                sent.accept(len / 2);
                throw DeviceException.unreachable("mem", "connection lost", null);
            }
            if (writes == loseOnWrite) {
                byte[] keep = Arrays.copyOf(stored.toByteArray(), stored.size() - 3000);
                stored.reset();
                stored.write(keep, 0, keep.length);
                throw DeviceException.unreachable("mem", "rebooted", null);
            }
            stored.write(buf, off, len);
            sent.accept(len);
            return stored.size();
        }
    }

    static ChunkSender sender() {
        return new ChunkSender(FAST, TransferControl.NONE, TransferListener.NONE, RandomGenerator.getDefault());
    }

    @Test
    void aBreakResendsOnlyTheRestOfTheChunkFromTheBuffer() throws Exception {
        CountingImage img = new CountingImage(10_500);
        MemoryDevice dev = new MemoryDevice(img);
        dev.breakOnWrite = 4;
        ChunkSender.Result r = sender().send(dev);
        assertThat(dev.stored.toByteArray()).isEqualTo(img.data);
        assertThat(img.opens).as("the image stream is opened once").isEqualTo(1);
        assertThat(r.resumes()).isEqualTo(1);
        assertThat(r.bytesSent()).as("half sent, then the other half: nothing twice").isEqualTo(10_500);
    }

    @Test
    void aDeviceThatLostBytesBeforeTheBufferMakesTheSenderReopenTheImage() throws Exception {
        CountingImage img = new CountingImage(10_500);
        MemoryDevice dev = new MemoryDevice(img);
        dev.loseOnWrite = 6;
        ChunkSender.Result r = sender().send(dev);
        assertThat(dev.stored.toByteArray()).isEqualTo(img.data);
        assertThat(img.opens).isEqualTo(2);
        assertThat(r.bytesSent()).isEqualTo(10_500 + 3000);
    }

    @Test
    void givesUpAfterTheRetryLimitWithTheLastFailure() {
        CountingImage img = new CountingImage(5_000);
        MemoryDevice dev = new MemoryDevice(img);
        dev.refuseAlways = 2;
        assertThatThrownBy(() -> sender().send(dev)).isInstanceOf(DeviceException.class)
                .extracting(e -> ((DeviceException) e).reason()).isEqualTo(DeviceException.Reason.UNREACHABLE);
        assertThat(dev.writes).isEqualTo(1 + FAST.maxAttempts());
        assertThat(dev.stored.size()).isEqualTo(1000);
    }

    @Test
    void backoffGrowsAndIsCapped() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), 2, 0);
        assertThat(p.delay(1, RandomGenerator.getDefault())).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delay(3, RandomGenerator.getDefault())).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delay(9, RandomGenerator.getDefault())).isEqualTo(Duration.ofMillis(1000));
        RetryPolicy jittered = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), 2, 0.5);
        for (int i = 0; i < 50; i++) {
            assertThat(jittered.delay(2, RandomGenerator.getDefault())).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        }
    }

    /**
     * A device that forgets everything each time it gets one chunk further than ever before: every round makes "new
     * ground", so the retry count alone never ends it, but the whole transfer is bounded.
     */
    @Test
    void aDeviceThatKeepsForgettingEndsAtTheTransferBudgetNotAfterQuadraticWork() {
        CountingImage img = new CountingImage(100_000);
        long[] highest = {0};
        ChunkedTransfer forgetful = new MemoryDevice(img) {
            @Override
            public long write(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException {
                long next = super.write(offset, buf, off, len, sent);
                if (next > highest[0]) {
                    highest[0] = next;
                    stored.reset();
                    throw DeviceException.unreachable("mem", "rebooted", null);
                }
                return next;
            }
        };
        assertThatThrownBy(() -> sender().send(forgetful)).isInstanceOf(DeviceException.class)
                .extracting(e -> ((DeviceException) e).reason()).isEqualTo(DeviceException.Reason.TRANSFER_STALLED);
        long budget = ChunkSender.MAX_WIRE_FACTOR * 100_000L + ChunkSender.SPARE_CHUNKS * 1000L;
        assertThat(((MemoryDevice) forgetful).writes * 1000L).isLessThanOrEqualTo(budget + 1000);
    }
}
