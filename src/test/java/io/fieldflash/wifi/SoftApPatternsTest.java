package io.fieldflash.wifi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoftApPatternsTest {
    final SoftApPatterns defaults = SoftApPatterns.defaults();

    @Test
    void factoryNamesOfCommonDevicesMatch() {
        assertThat(List.of("ESP_1A2B3C", "esp_1a2b3c", "ESP32-1A2B", "ESP8266_Setup", "ESP32", "ESP12345678",
                "FieldFlash-CX200-0042", "FieldFlash", "FF-0042", "Pump-Setup", "Barrier Setup", "CX200_OTA", "ElegantOTA",
                "ElegantOTA-Demo", "crossing-ctrl Fallback Hotspot", "Photon-7KQX", "P2-AB12"))
                .allSatisfy(ssid -> assertThat(defaults.looksLikeDevice(ssid)).as(ssid).isTrue());
    }

    @Test
    void ordinaryNetworksDoNot() {
        assertThat(List.of("Depot WiFi", "eduroam", "ESP_1A2B3", "ESPN Guest", "Setup", "-Setup", "Photon-7KQXZ", "Guest Open",
                "DIRECT-xy-HP OfficeJet", "MyOTAnet", ""))
                .allSatisfy(ssid -> assertThat(defaults.looksLikeDevice(ssid)).as(ssid).isFalse());
    }

    @Test
    void vendorPatternsFromSettingsAreAdded() throws Exception {
        SoftApPatterns p = defaults.withVendorPatterns(List.of("Acme-[0-9A-F]{4}", " ", "XC-\\d+"));
        assertThat(p.looksLikeDevice("acme-BEEF")).isTrue();
        assertThat(p.looksLikeDevice("XC-17")).isTrue();
        assertThat(p.looksLikeDevice("ESP_1A2B3C")).isTrue();
        assertThat(defaults.looksLikeDevice("Acme-BEEF")).isFalse();
        assertThat(SoftApPatterns.of(List.of("Acme-.*")).looksLikeDevice("ESP_1A2B3C")).isFalse();
        assertThat(p.patterns()).endsWith("Acme-[0-9A-F]{4}", "XC-\\d+");
    }

    @Test
    void aBrokenPatternInTheSettingsIsNamed() {
        assertThatThrownBy(() -> defaults.withVendorPatterns(List.of("Acme-[0-9")))
                .isInstanceOfSatisfying(WifiException.class, e -> {
                    assertThat(e.code()).isEqualTo("WIFI_INVALID_INPUT");
                    assertThat(e.getMessage()).contains("Acme-[0-9");
                });
    }
}
