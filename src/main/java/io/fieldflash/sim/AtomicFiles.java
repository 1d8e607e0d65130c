package io.fieldflash.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that a stop at any moment cannot leave half done: write a temporary file, rename it over the target.
 *
 * <p>The simulated device's power loss is the simulator process stopping (or a restart), not the laptop's
 * operating system crashing, so the page cache already keeps every completed write. {@code durable} writes are
 * forced to disk as well; they are kept for the rare, important ones ({@code device.json}), while the per-chunk
 * upload records skip it: a force per PATCH costs about 10 ms here and would distort the bandwidth benchmarks.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    static void write(Path target, byte[] bytes, boolean durable) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            if (durable) ch.force(true);
        }
        move(tmp, target);
    }

    /** Renames {@code from} over {@code to} in one step. */
    static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
