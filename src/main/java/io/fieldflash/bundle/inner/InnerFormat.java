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
