package io.fieldflash.update;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Small-file helpers: atomic replacement (write beside, flush to disk, rename) and safe file names. */
final class AtomicFiles {
    private AtomicFiles() {}

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Replaces {@code file} with {@code bytes} so that a reader (or a crash) sees the old or the new content, never a mix. */
    static void write(Path file, byte[] bytes) throws IOException {
        io.fieldflash.AtomicFile.write(file, bytes);
    }

    /** A file name for a device id: the id itself when it is plain, else its SHA-256. */
    static String fileNameFor(String id) {
        if (SAFE.matcher(id).matches()) return id;
        return "id-" + sha256Hex(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        return io.fieldflash.AtomicFile.sha256Hex(bytes);
    }
}
