package io.fieldflash.device.esprom;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each image of a bundle goes in a unit's flash over serial (the manifest's {@code serial.flashOffset} per
 * image), e.g. {@code bootloader → 0x1000, partitions → 0x8000, app → 0x10000} on an ESP32.
 */
public record FlashLayout(Map<String, Long> offsets) {

    public FlashLayout {
        for (var e : offsets.entrySet()) {
            if (e.getValue() < 0 || e.getValue() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("flash offset of '" + e.getKey() + "' is out of range: " + e.getValue());
            }
        }
        offsets = Map.copyOf(new TreeMap<>(offsets));
    }

    public static FlashLayout of(String image, long offset) {
        return new FlashLayout(Map.of(image, offset));
    }

    public Optional<Long> offsetOf(String image) {
        return Optional.ofNullable(offsets.get(image));
    }
}
