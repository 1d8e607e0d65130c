package io.fieldflash.device.esprom;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.inner.EspChip;
import org.junit.jupiter.api.Test;

class ChipTest {

    @Test
    void namesAndImageChipIdsComeFromTheInnerChipTable() {
        assertThat(Chip.ESP32S3.id()).isEqualTo("esp32s3");
        assertThat(Chip.ESP32S3.displayName()).isEqualTo("ESP32-S3");
        assertThat(Chip.ESP32S3.imageChipId()).isEqualTo(9);
        assertThat(Chip.ESP32C3.imageChipId()).isEqualTo(5);
        assertThat(Chip.ESP32.imageChipId()).isZero();
        assertThat(Chip.ESP8266.imageChipId()).isEqualTo(-1);
        for (Chip c : Chip.values()) assertThat(Chip.of(c.espChip())).contains(c);
    }

    @Test
    void parsesTheSpellingsItDidBefore() {
        assertThat(Chip.parse(" ESP32-S3 ")).contains(Chip.ESP32S3);
        assertThat(Chip.parse("esp32_c3")).contains(Chip.ESP32C3);
        assertThat(Chip.parse("esp8266")).contains(Chip.ESP8266);
        // a chip the inner table knows but the ROM path does not flash
        assertThat(Chip.parse("esp32s2")).isEmpty();
        assertThat(Chip.of(EspChip.ESP32S2)).isEmpty();
        assertThat(Chip.parse("stm32")).isEmpty();
    }
}
