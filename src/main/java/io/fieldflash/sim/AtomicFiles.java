package io.fieldflash.sim;

import java.io.IOException;
import java.nio.file.Path;

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
        io.fieldflash.AtomicFile.write(target, bytes, durable);
    }

    /** Renames {@code from} over {@code to} in one step. */
    static void move(Path from, Path to) throws IOException {
        io.fieldflash.AtomicFile.move(from, to);
    }
}
