package io.fieldflash.wifi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.wifi.WifiException.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** macOS: the exact networksetup/system_profiler/ipconfig commands, and their real outputs parsed. */
class MacWifiAdapterTest {
    static final String PASSWORD = "s3cret pw; $x";
    static final Duration TIMEOUT = Duration.ofSeconds(45);

    static final List<String> CURRENT = List.of("networksetup", "-getairportnetwork", "en1");
    static final List<String> PREFERRED = List.of("networksetup", "-listpreferredwirelessnetworks", "en1");
    static final List<String> JOIN = List.of("networksetup", "-setairportnetwork", "en1", "ESP_1A2B3C", PASSWORD);
    static final List<String> GETIFADDR = List.of("ipconfig", "getifaddr", "en1");
    static final List<String> FORGET = List.of("networksetup", "-removepreferredwirelessnetwork", "en1", "ESP_1A2B3C");
    static final List<String> REJOIN_DEPOT = List.of("networksetup", "-setairportnetwork", "en1", "Depot WiFi");

    final FakeCommandRunner runner = new FakeCommandRunner();

    MacWifiAdapter adapter() {
        return new MacWifiAdapter(runner, SoftApPatterns.defaults(), Duration.ofMillis(5));
    }

    void expectUpToJoin() {
        runner.expect(MacWifiAdapter.HARDWARE_PORTS).returnsFixture("macos-hardware-ports.txt")
                .expect(CURRENT).returnsFixture("macos-current-network.txt")
                .expect(PREFERRED).returnsFixture("macos-preferred-networks.txt");
    }

    @Nested
    class Scan {
        @Test
        void readsSystemProfilersJson() throws Exception {
            runner.expect(MacWifiAdapter.SCAN).returnsFixture("macos-system-profiler.json");
            List<WifiNetwork> networks = adapter().scan();
            runner.assertAllRan();
            assertThat(networks).containsExactly(
                    new WifiNetwork("ESP_1A2B3C", "", 100, "Open", true, false, true),
                    new WifiNetwork("FieldFlash-CX200-0042", "", 82, "WPA2 Personal", false, false, true),
                    new WifiNetwork("Depot WiFi", "", 100, "WPA2 Personal", false, true, false),
                    new WifiNetwork("Café Ünïcode ☕", "", 34, "WPA2/WPA3 Personal", false, false, false),
                    new WifiNetwork("Guest Open", "", 0, "Open", true, false, false));
        }

        @Test
        void redactedNamesMeanLocationServicesMustBeAllowed() {
            runner.expect(MacWifiAdapter.SCAN).returnsFixture("macos-system-profiler-redacted.json");
            assertThatThrownBy(() -> adapter().scan()).isInstanceOfSatisfying(WifiException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.PERMISSION_DENIED);
                assertThat(e.hint()).contains("Location Services");
            });
        }

        @Test
        void theWifiDeviceIsFoundAmongTheHardwarePorts() {
            assertThat(MacWifiAdapter.parseWifiDevice(Fixtures.load("macos-hardware-ports.txt"))).contains("en1");
            assertThat(MacWifiAdapter.parseWifiDevice("Hardware Port: Ethernet\nDevice: en0\n")).isEmpty();
        }
    }

    @Nested
    class Join {
        @Test
        void joinsRemembersTheNetworkAndWaitsForAnAddress() throws Exception {
            expectUpToJoin();
            runner.expect(JOIN).returns("")
                    .expect(CURRENT).returns("Current Wi-Fi Network: ESP_1A2B3C\n")
                    .expect(GETIFADDR).fails(1, "", "")
                    .expect(GETIFADDR).returns("192.168.4.2\n");
            WifiConnection c = adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT);
            runner.assertAllRan();
            assertThat(c).isEqualTo(new WifiConnection("ESP_1A2B3C", "en1", NmcliWifiAdapterTest.ipv4("192.168.4.2"),
                    new PreviousNetwork.Saved("Depot WiFi", "Depot WiFi"), "ESP_1A2B3C"));
            Command join = runner.calls().get(3);
            assertThat(join.secretArguments()).containsExactly(4);
            assertThat(join.toString()).isEqualTo("networksetup -setairportnetwork en1 ESP_1A2B3C ******");
        }

        @Test
        void aWrongPasswordIsToldApartAndTheMacGoesBack() {
            expectUpToJoin();
            runner.expect(JOIN).returnsFixture("macos-join-wrong-password.txt")
                    .expect(FORGET).returns("Removed ESP_1A2B3C from the preferred networks list\n")
                    .expect(REJOIN_DEPOT).returns("");
            NmcliWifiAdapterTest.assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT),
                    Reason.JOIN_WRONG_PASSWORD);
            runner.assertAllRan();
        }

        @Test
        void aNetworkOutOfRangeIsNotFound() {
            runner.expect(MacWifiAdapter.HARDWARE_PORTS).returnsFixture("macos-hardware-ports.txt")
                    .expect(CURRENT).returnsFixture("macos-not-associated.txt")
                    .expect(PREFERRED).returnsFixture("macos-preferred-networks.txt")
                    .expect(JOIN).returnsFixture("macos-join-not-found.txt")
                    .expect(FORGET).returns("");
            NmcliWifiAdapterTest.assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT),
                    Reason.JOIN_NOT_FOUND);
            runner.assertAllRan();
        }

        @Test
        void aPasswordEchoedByTheToolNeverReachesTheMessage() {
            assertThatThrownBy(() -> MacWifiAdapter.checkJoin(
                    new CommandResult(0, "Failed to join network ESP_1A2B3C using " + PASSWORD + ".\nError: -3900\n", ""),
                    "ESP_1A2B3C", PASSWORD))
                    .isInstanceOfSatisfying(WifiException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.JOIN_FAILED);
                        assertThat(e.getMessage()).doesNotContain("s3cret");
                    });
        }
    }

    @Nested
    class Leave {
        @Test
        void forgetsTheDeviceAndRejoinsThePreviousNetwork() throws Exception {
            runner.expect(FORGET).returns("Removed ESP_1A2B3C from the preferred networks list\n")
                    .expect(REJOIN_DEPOT).returns("");
            adapter().leave(new WifiConnection("ESP_1A2B3C", "en1", NmcliWifiAdapterTest.ipv4("192.168.4.2"),
                    new PreviousNetwork.Saved("Depot WiFi", "Depot WiFi"), "ESP_1A2B3C"));
            runner.assertAllRan();
        }

        @Test
        void withNothingToGoBackToWifiIsSwitchedOffAndOnToLeave() throws Exception {
            runner.expect("networksetup", "-setairportpower", "en1", "off").returns("")
                    .expect("networksetup", "-setairportpower", "en1", "on").returns("");
            adapter().leave(new WifiConnection("ESP_1A2B3C", "en1", NmcliWifiAdapterTest.ipv4("192.168.4.2"),
                    PreviousNetwork.NONE, ""));
            runner.assertAllRan();
        }
    }
}
