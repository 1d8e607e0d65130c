package io.fieldflash.bundle.inner;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Espressif chips whose application images FieldFlash reads, with the chip id that the ESP32-family extended
 * image header carries (esptool's {@code IMAGE_CHIP_ID}) and the Secure Boot V2 schemes the chip's ROM checks
 * (ESP-IDF's {@code SOC_SECURE_BOOT_V2_RSA} / {@code SOC_SECURE_BOOT_V2_ECC}). The ESP8266 image has no
 * extended header and so no chip id.
 */
public enum EspChip {
    ESP8266("esp8266", "ESP8266", -1, false, false),
    ESP32("esp32", "ESP32", 0, true, false),
    ESP32S2("esp32s2", "ESP32-S2", 2, true, false),
    ESP32C3("esp32c3", "ESP32-C3", 5, true, false),
    ESP32S3("esp32s3", "ESP32-S3", 9, true, false),
    ESP32C2("esp32c2", "ESP32-C2", 12, false, true),
    ESP32C6("esp32c6", "ESP32-C6", 13, true, true),
    ESP32H2("esp32h2", "ESP32-H2", 16, true, true),
    ESP32P4("esp32p4", "ESP32-P4", 18, true, true);

    private final String id;
    private final String label;
    private final int imageChipId;
    private final boolean sbv2Rsa;
    private final boolean sbv2Ecdsa;

    EspChip(String id, String label, int imageChipId, boolean sbv2Rsa, boolean sbv2Ecdsa) {
        this.id = id;
        this.label = label;
        this.imageChipId = imageChipId;
        this.sbv2Rsa = sbv2Rsa;
        this.sbv2Ecdsa = sbv2Ecdsa;
    }

    /** The name the manifest's {@code serial.chip} uses, e.g. {@code esp32s3}. */
    public String id() {
        return id;
    }

    /** The name Espressif prints, e.g. {@code ESP32-S3}. */
    public String label() {
        return label;
    }

    /** The extended header's chip id; empty for the ESP8266. */
    public OptionalInt imageChipId() {
        return imageChipId < 0 ? OptionalInt.empty() : OptionalInt.of(imageChipId);
    }

    /** True when the chip's ROM checks Secure Boot V2 RSA-3072 signature blocks. */
    public boolean sbv2Rsa() {
        return sbv2Rsa;
    }

    /** True when the chip's ROM checks Secure Boot V2 ECDSA signature blocks. */
    public boolean sbv2Ecdsa() {
        return sbv2Ecdsa;
    }

    /** The chip named {@code name} ({@code esp32s3}, {@code ESP32-S3}, {@code esp32-s3} alike). */
    public static Optional<EspChip> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (EspChip c : values()) {
            if (c.id.equals(n)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The ESP32-family chip with this extended-header chip id. */
    public static Optional<EspChip> byImageChipId(int chipId) {
        for (EspChip c : values()) {
            if (c.imageChipId == chipId && chipId >= 0) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** A label for a chip id that may be unknown: {@code 9 (ESP32-S3)}. */
    static String describeChipId(int chipId) {
        return chipId + " (" + byImageChipId(chipId).map(EspChip::label).orElse("unknown chip") + ")";
    }
}
