package io.fieldflash.bundle;

import java.util.OptionalLong;

/**
 * One firmware image as the manifest describes it.
 *
 * @param name        the image's name, e.g. {@code app}
 * @param file        its entry in the archive, {@code images/...}
 * @param size        its exact length in bytes, 0 to {@link #MAX_SIZE}
 * @param sha256      lowercase hex SHA-256 of its bytes
 * @param flashOffset where a serial flasher writes it, or -1 when the manifest gives none
 */
public record ImageSpec(String name, String file, long size, String sha256, long flashOffset) {
    /**
     * The largest image a bundle may hold: 4 GiB. Far above any firmware image, and small enough that sums and
     * differences of sizes and offsets can never overflow a {@code long}.
     */
    public static final long MAX_SIZE = 1L << 32;

    public ImageSpec {
        if (size < 0 || size > MAX_SIZE) throw new IllegalArgumentException("image size " + size + " is outside 0.." + MAX_SIZE);
    }

    /** {@code serial.flashOffset}, when the manifest gives one. */
    public OptionalLong serialFlashOffset() {
        return flashOffset < 0 ? OptionalLong.empty() : OptionalLong.of(flashOffset);
    }
}
