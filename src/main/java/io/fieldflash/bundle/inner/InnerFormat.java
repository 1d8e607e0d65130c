package io.fieldflash.bundle.inner;

import io.fieldflash.bundle.VerificationKey;
import java.util.List;
import java.util.Optional;

/** The formats of a bundle's {@code images[].format}, each with its checker. */
public enum InnerFormat {
    /** An ESP32-family or ESP8266 application image (esptool {@code elf2image}). */
    ESP_APP("esp-app"),
    /** An {@code esp-app} followed by an ESP32 Secure Boot V2 signature sector ({@code espsecure sign_data}). */
    ESP32_SBV2("esp32-sbv2"),
    /** An ESP8266 Arduino signed update: data, RSA-2048 signature, length 256. */
    ESP8266_SIGNED("esp8266-signed"),
    /** An MCUboot image (imgtool {@code sign}). */
    MCUBOOT("mcuboot");

    private final String id;

    InnerFormat(String id) {
        this.id = id;
    }

    /** The name in the manifest, e.g. {@code esp32-sbv2}. */
    public String id() {
        return id;
    }

    public static Optional<InnerFormat> byId(String id) {
        for (InnerFormat f : values()) {
            if (f.id.equals(id)) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** How many first bytes of an image {@link #recognise} looks at. */
    public static final int MAGIC_BYTES = 4;

    /**
     * The format an image's first bytes suggest: {@link #MCUBOOT} for MCUboot's header magic 0x96f3b83d
     * (little-endian), {@link #ESP_APP} for the ESP image magic 0xE9. Signature containers ({@code esp32-sbv2},
     * {@code esp8266-signed}) start like the app they carry, so they are never guessed: see {@link #startsLike}.
     */
    public static Optional<InnerFormat> recognise(byte[] head) {
        if (head.length >= 4 && Le.u32(head, 0) == McubootChecker.MAGIC) return Optional.of(MCUBOOT);
        if (head.length >= 1 && (head[0] & 0xff) == EspAppChecker.MAGIC) return Optional.of(ESP_APP);
        return Optional.empty();
    }

    /** True when an image of this format begins like one {@link #recognise} calls {@code recognised}. */
    public boolean startsLike(InnerFormat recognised) {
        return switch (this) {
            case ESP_APP, ESP32_SBV2, ESP8266_SIGNED -> recognised == ESP_APP;
            case MCUBOOT -> recognised == MCUBOOT;
        };
    }

    /**
     * A fresh checker for one image of this format, with no chip expectation.
     *
     * @param bootKeys the keys the device's bootloader trusts (ignored by {@link #ESP_APP})
     */
    public InnerChecker checker(List<VerificationKey> bootKeys) {
        return create(bootKeys, Optional.empty());
    }

    /**
     * A fresh checker for one image of this format, for a device with chip {@code chip} (the manifest's
     * {@code serial.chip}): an ESP image built for another chip, or signed in a scheme that chip cannot check,
     * is refused. MCUboot and ESP8266 signed updates carry no chip id and ignore it.
     */
    public InnerChecker checker(List<VerificationKey> bootKeys, EspChip chip) {
        return create(bootKeys, Optional.of(chip));
    }

    private InnerChecker create(List<VerificationKey> bootKeys, Optional<EspChip> chip) {
        List<VerificationKey> keys = List.copyOf(bootKeys);
        return switch (this) {
            case ESP_APP -> new EspAppChecker(chip, false);
            case ESP32_SBV2 -> new Esp32Sbv2Checker(keys, chip);
            case ESP8266_SIGNED -> new Esp8266SignedChecker(keys);
            case MCUBOOT -> new McubootChecker(keys);
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
