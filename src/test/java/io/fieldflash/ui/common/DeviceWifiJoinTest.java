package io.fieldflash.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.wifi.WifiNetwork;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Which network a window joins as the device's: named like a device, the preferred names first, then the strongest. */
class DeviceWifiJoinTest {
    private static final Predicate<String> PHOTON = name -> name.startsWith("Photon-");

    private static WifiNetwork net(String ssid, int signal, boolean device) {
        return new WifiNetwork(ssid, "", signal, "Open", true, false, device);
    }

    private static Optional<String> pick(List<WifiNetwork> scan, Predicate<String> prefer) {
        return DeviceWifiJoin.deviceNetwork(scan, prefer).map(WifiNetwork::ssid);
    }

    @Test
    void takesTheStrongestNetworkNamedLikeADeviceNeverTheLaptopsOwn() {
        List<WifiNetwork> scan = List.of(net("Depot", 99, false), net("ESP_1", 40, true), net("ESP_2", 70, true));
        assertThat(pick(scan, name -> false)).contains("ESP_2");
    }

    @Test
    void aPreferredNameWinsOverAStrongerDevice() {
        List<WifiNetwork> scan = List.of(net("ESP_2", 90, true), net("Photon-AAAA", 20, true), net("Photon-BBBB", 60, true));
        assertThat(pick(scan, PHOTON)).contains("Photon-BBBB");
    }

    @Test
    void aPreferredNameCountsOnlyOnANetworkNamedLikeADevice() {
        List<WifiNetwork> scan = List.of(net("Photon-CAFE", 95, false), net("ESP_2", 30, true));
        assertThat(pick(scan, PHOTON)).contains("ESP_2");
    }

    @Test
    void equalSignalsGoByName() {
        List<WifiNetwork> scan = List.of(net("ESP_B", 50, true), net("ESP_A", 50, true));
        assertThat(pick(scan, name -> false)).contains("ESP_A");
    }

    @Test
    void noDeviceNetworkIsNone() {
        assertThat(pick(List.of(net("Depot", 80, false)), PHOTON)).isEmpty();
        assertThat(pick(List.of(), PHOTON)).isEmpty();
    }
}
