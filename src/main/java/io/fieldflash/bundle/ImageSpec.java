package io.fieldflash.bundle;

import io.fieldflash.bundle.inner.EspChip;
import io.fieldflash.bundle.inner.InnerFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One firmware image as the manifest describes it.
 *
 * @param name        the image's name, e.g. {@code app}
 * @param file        its entry in the archive, {@code images/...}
 * @param size        its exact length in bytes, 0 to {@link #MAX_SIZE}
 * @param sha256      lowercase hex SHA-256 of its bytes
 * @param flashOffset where a serial flasher writes it, or -1 when the manifest gives none
 * @param format      {@code images[].format}: what the image is, checked by {@link BundleReader}; empty for
 *                    {@code raw} (or absent), which nothing looks inside
 * @param bootKeys    {@code images[].bootKeys}: keyids of the trust store's {@code boot} keys that the device's
 *                    bootloader trusts, for formats that carry a signature
 * @param chip        {@code images[].serial.chip}: the device's chip, when the manifest names one
 */
public record ImageSpec(String name, String file, long size, String sha256, long flashOffset,
                        Optional<InnerFormat> format, List<String> bootKeys, Optional<EspChip> chip) {
    /**
     * The largest image a bundle may hold: 4 GiB. Far above any firmware image, and small enough that sums and
     * differences of sizes and offsets can never overflow a {@code long}.
     */
    public static final long MAX_SIZE = 1L << 32;
    /** The {@code format} name for an image nothing looks inside. */
    public static final String RAW = "raw";
    /** Most keyids one image's {@code bootKeys} may list. */
    public static final int MAX_BOOT_KEYS = 16;

    public ImageSpec {
        if (size < 0 || size > MAX_SIZE) throw new IllegalArgumentException("image size " + size + " is outside 0.." + MAX_SIZE);
        bootKeys = List.copyOf(bootKeys);
    }

    /** A {@code raw} image with no boot keys and no chip. */
    public ImageSpec(String name, String file, long size, String sha256, long flashOffset) {
        this(name, file, size, sha256, flashOffset, Optional.empty(), List.of(), Optional.empty());
    }

    /** {@code serial.flashOffset}, when the manifest gives one. */
    public OptionalLong serialFlashOffset() {
        return flashOffset < 0 ? OptionalLong.empty() : OptionalLong.of(flashOffset);
    }

    /** The format's name as the manifest spells it: {@code raw} when it names none. */
    public String formatId() {
        return format.map(InnerFormat::id).orElse(RAW);
    }
}
