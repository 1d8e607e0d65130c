package io.fieldflash.device.esprom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.bundle.Manifest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The flash layout and chip a manifest gives a cable update, shared by {@code flash --serial} and the wizard. */
class SerialPlanTest {
    private static final String SHA = "00".repeat(32);

    private static Manifest manifest(String images) throws Exception {
        return Manifest.parse("""
                {"format": "fieldflash-bundle/1", "vendor": "Acme", "product": "cc", "hardware": ["r1"], "version": "1.0.0",
                 "securityCounter": 1, "created": "2026-01-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z", "images": [%s]}
                """.formatted(images).getBytes(StandardCharsets.UTF_8));
    }

    private static String image(String name, String serial) {
        return "{\"name\": \"%s\", \"file\": \"images/%s.bin\", \"size\": 16, \"sha256\": \"%s\"%s}"
                .formatted(name, name, SHA, serial == null ? "" : ", \"serial\": " + serial);
    }

    @Test
    void everyImageHasItsOffsetAndTheChipIsTheOneNamed() throws Exception {
        SerialPlan p = SerialPlan.of(manifest(image("bootloader", "{\"flashOffset\": 4096, \"chip\": \"esp32s3\"}") + ", "
                + image("app", "{\"flashOffset\": 65536}")));
        assertThat(p.layout().offsetOf("bootloader")).contains(0x1000L);
        assertThat(p.layout().offsetOf("app")).contains(0x10000L);
        assertThat(p.chip()).contains(Chip.ESP32S3);
        EspRomDevice d = p.device("/dev/ttyUSB7", EspRomOptions.defaults(), ManualBoot.Prompt.NONE);
        assertThat(d.expectedChip()).contains(Chip.ESP32S3);
        assertThat(d.address()).isEqualTo("/dev/ttyUSB7");
    }

    @Test
    void noChipNamedMeansNoneExpected() throws Exception {
        assertThat(SerialPlan.of(manifest(image("app", "{\"flashOffset\": 0}"))).chip()).isEmpty();
    }

    @Test
    void anImageWithoutAnOffsetCannotGoOverACable() {
        assertThatThrownBy(() -> SerialPlan.of(manifest(image("app", "{\"flashOffset\": 65536}") + ", " + image("data", null))))
                .isInstanceOfSatisfying(SerialPlan.NotForSerial.class, e -> {
                    assertThat(e.reason()).isEqualTo(SerialPlan.NotForSerial.Reason.NO_FLASH_OFFSET);
                    assertThat(e.getMessage()).contains("\"data\"").contains("serial.flashOffset");
                    assertThat(e.code()).isEqualTo("SERIAL_NO_FLASH_OFFSET");
                });
    }

    @Test
    void imagesNamingDifferentChipsAreRefused() {
        assertThatThrownBy(() -> SerialPlan.of(manifest(image("a", "{\"flashOffset\": 0, \"chip\": \"esp32\"}") + ", "
                + image("b", "{\"flashOffset\": 65536, \"chip\": \"esp32c3\"}"))))
                .isInstanceOfSatisfying(SerialPlan.NotForSerial.class,
                        e -> assertThat(e.reason()).isEqualTo(SerialPlan.NotForSerial.Reason.MIXED_CHIPS));
    }
}
