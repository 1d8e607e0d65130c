package io.fieldflash.bundle;

import java.util.OptionalLong;

/**
 * One firmware image as the manifest describes it.
 *
 * @param name        the image's name, e.g. {@code app}
 * @param file        its entry in the archive, {@code images/...}
 * @param size        its exact length in bytes
 * @param sha256      lowercase hex SHA-256 of its bytes
 * @param flashOffset where a serial flasher writes it, or -1 when the manifest gives none
 */
public record ImageSpec(String name, String file, long size, String sha256, long flashOffset) {

    /** {@code serial.flashOffset}, when the manifest gives one. */
    public OptionalLong serialFlashOffset() {
        return flashOffset < 0 ? OptionalLong.empty() : OptionalLong.of(flashOffset);
    }
}
