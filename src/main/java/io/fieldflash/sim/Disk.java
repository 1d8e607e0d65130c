package io.fieldflash.sim;

import io.fieldflash.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the simulated device changes its state folder. Every change (a record replaced, an image moved into a
 * slot, a chunk written, a file truncated or deleted) is one numbered <em>write</em>, and each is a place where the
 * power can fail: the {@code cut-before=N} and {@code cut-after=N} faults stop the device just before or just after
 * write number N, and it boots again from what is on disk.
 *
 * <p>One {@code Disk} per boot. After a power cut it refuses every further write (the device is dead until the next
 * boot makes a new one), so no thread of the old boot can change the flash behind the new one's back.
 *
 * <p>The device's power loss is the simulator stopping, not the laptop's operating system crashing, so a completed
 * write is kept. {@code durable} replacements are forced to disk as well, for the rare, important records.
 */
final class Disk {
    private static final Logger LOG = LoggerFactory.getLogger(Disk.class);

    /** Power failed at a write: the device stops at once, without an answer. */
    static final class PowerLoss extends IOException {
        PowerLoss(String message) {
            super(message);
        }
    }

    /**
     * What the boots of one device share: the count of writes since it was started, and the power cut to make.
     *
     * @param onCut told once, on the thread that made the write, when the cut fires (the device then powers off)
     */
    record Meter(AtomicLong writes, long cutBefore, long cutAfter, AtomicBoolean fired, Runnable onCut) {
        Meter(FaultSpec faults, AtomicLong writes, Runnable onCut) {
            this(writes, faults.cutBefore(), faults.cutAfter(), new AtomicBoolean(), onCut);
        }
    }

    @FunctionalInterface
    private interface Change {
        void run() throws IOException;
    }

    private final Meter meter;
    private volatile boolean dead;

    Disk(Meter meter) {
        this.meter = meter;
    }

    /** Replaces {@code target} with {@code bytes} in one step (written beside it, then renamed over it). */
    void replace(Path target, byte[] bytes, boolean durable) throws IOException {
        change("replace " + target.getFileName(), () -> AtomicFile.write(target, bytes, durable));
    }

    /** Renames {@code from} over {@code to} in one step. */
    void move(Path from, Path to) throws IOException {
        change("move " + from.getFileName() + " to " + to.getFileName(), () -> AtomicFile.move(from, to));
    }

    /** Deletes {@code file} if it is there. */
    void delete(Path file) throws IOException {
        change("delete " + file.getFileName(), () -> Files.deleteIfExists(file));
    }

    /** Makes {@code file} an empty file (created, or cut to nothing). */
    void empty(Path file) throws IOException {
        change("empty " + file.getFileName(), () -> Files.write(file, new byte[0]));
    }

    /** Cuts {@code file} to {@code size} bytes (nothing when it is not longer). */
    void truncate(Path file, long size) throws IOException {
        if (Files.size(file) <= size) return;
        change("truncate " + file.getFileName() + " to " + size, () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(size);
            }
        });
    }

    /** Writes {@code len} bytes of {@code b} into {@code file} at {@code position}. */
    void writeAt(Path file, long position, byte[] b, int off, int len) throws IOException {
        change("write " + len + " bytes to " + file.getFileName() + " at " + position, () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                long at = position;
                while (buf.hasRemaining()) at += ch.write(buf, at);
            }
        });
    }

    /** Forces a file's bytes to disk. Not a write: it changes nothing a reboot would see. */
    void force(Path file) throws IOException {
        alive();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Writes since the device was started, across its boots. */
    long writes() {
        return meter.writes().get();
    }

    private void change(String what, Change change) throws IOException {
        alive();
        long n = meter.writes().incrementAndGet();
        if (n == meter.cutBefore() && meter.fired().compareAndSet(false, true)) cut("before", n, what);
        change.run();
        if (n == meter.cutAfter() && meter.fired().compareAndSet(false, true)) cut("after", n, what);
    }

    private void alive() throws PowerLoss {
        if (dead) throw new PowerLoss("the device has no power");
    }

    private void cut(String when, long n, String what) throws PowerLoss {
        dead = true;
        LOG.info("fault power cut {} write #{} ({})", when, n, what);
        meter.onCut().run();
        throw new PowerLoss("power cut " + when + " write #" + n + " (" + what + ")");
    }
}
