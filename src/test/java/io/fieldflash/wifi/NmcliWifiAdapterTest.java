package io.fieldflash.wifi;

import static io.fieldflash.wifi.FakeCommandRunner.ANY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.wifi.WifiException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linux: the exact nmcli commands, and nmcli's real outputs parsed. */
class NmcliWifiAdapterTest {
    static final String PASSWORD = "s3cret \"pw\" $HOME; x";
    static final String UUID = "d6f0c2d8-5ad1-4a30-9a53-5b1b2f7c1e0a";
    static final String DEPOT_UUID = "5f3c1e8a-2b4d-4c6e-9a1b-7d8e9f0a1b2c";
    static final Duration TIMEOUT = Duration.ofSeconds(45);

    @TempDir
    Path secrets;

    final FakeCommandRunner runner = new FakeCommandRunner();

    NmcliWifiAdapter adapter() {
        return new NmcliWifiAdapter(runner, SoftApPatterns.defaults(), "tech", secrets);
    }

    static List<String> addArgv(String ssid, boolean open) {
        List<String> argv = new ArrayList<>(List.of("nmcli", "connection", "add", "save", "no", "type", "wifi",
                "ifname", "wlp2s0", "con-name", "FieldFlash " + ssid, "ssid", ssid,
                "connection.autoconnect", "no", "connection.permissions", "user:tech",
                "ipv4.method", "auto", "ipv4.never-default", "yes", "ipv4.may-fail", "no", "ipv4.route-metric", "50",
                "ipv6.method", "ignore"));
        if (!open) argv.addAll(List.of("wifi-sec.key-mgmt", "wpa-psk", "wifi-sec.psk-flags", "2"));
        return argv;
    }

    static final List<String> UP_WITH_PASSWORD = List.of("nmcli", "--wait", ANY, "connection", "up", "uuid", UUID, "passwd-file", ANY);
    static final List<String> DEVICE_SHOW = List.of("nmcli", "--terse", "--escape", "yes", "--fields", "IP4.ADDRESS", "device", "show", "wlp2s0");
    static final List<String> DELETE = List.of("nmcli", "connection", "delete", "uuid", UUID);
    static final List<String> DOWN = List.of("nmcli", "connection", "down", "uuid", UUID);
    static final List<String> REJOIN_DEPOT = List.of("nmcli", "--wait", "30", "connection", "up", "uuid", DEPOT_UUID);

    void expectUpToAdd(String ssid, boolean open, String activeFixture) {
        runner.expect(NmcliWifiAdapter.DEVICE_STATUS).returnsFixture("nmcli-device-status.txt")
                .expect(NmcliWifiAdapter.ACTIVE_CONNECTIONS).returnsFixture(activeFixture)
                .expect(addArgv(ssid, open)).returns(Fixtures.load("nmcli-connection-add.txt").replace("ESP_1A2B3C", ssid));
    }

    void assertPasswordNeverInArgv() {
        for (Command c : runner.calls()) {
            assertThat(c.argv()).noneMatch(a -> a.contains("s3cret"));
            assertThat(c.toString()).doesNotContain("s3cret");
        }
    }

    static void assertReason(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(WifiException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.code()).isEqualTo("WIFI_" + reason.name());
            assertThat(e.getMessage()).isNotBlank().doesNotContain("s3cret");
            assertThat(e.hint()).isNotBlank().doesNotContain("s3cret");
        });
    }

    @Nested
    class Parsing {
        @Test
        void terseFieldsUnescapeColonsAndBackslashes() {
            assertThat(NmcliWifiAdapter.splitTerse(" :Lab\\:Bench\\\\Test:B8\\:27\\:EB\\:45\\:67\\:89:55:WPA1 WPA2:11"))
                    .containsExactly(" ", "Lab:Bench\\Test", "B8:27:EB:45:67:89", "55", "WPA1 WPA2", "11");
            assertThat(NmcliWifiAdapter.splitTerse("::F2\\:9F:30::1")).containsExactly("", "", "F2:9F", "30", "", "1");
            assertThat(NmcliWifiAdapter.splitTerse("a\\\\:b")).containsExactly("a\\", "b");
        }

        @Test
        void everyAccessPointOfTheCapturedListIsRead() {
            var entries = NmcliWifiAdapter.parseWifiList(Fixtures.load("nmcli-wifi-list.txt"));
            assertThat(entries).hasSize(12);
            assertThat(entries.getFirst()).isEqualTo(new ScanResults.Entry("Depot WiFi", "3C:37:86:11:22:33", 87, "WPA2", false, true));
            assertThat(entries).filteredOn(e -> e.ssid().isEmpty()).singleElement()
                    .satisfies(e -> assertThat(e.bssid()).isEqualTo("F2:9F:C2:72:81:AC"));
        }
    }

    @Nested
    class Scan {
        @Test
        void rescansThenListsOneNetworkPerSsidDevicesFirst() throws Exception {
            runner.expect(NmcliWifiAdapter.scanArgv(true)).returnsFixture("nmcli-wifi-list.txt");
            List<WifiNetwork> networks = adapter().scan();
            runner.assertAllRan();

            assertThat(networks).extracting(WifiNetwork::ssid).containsExactly(
                    "ESP_1A2B3C", "FieldFlash-CX200-0042", "Photon-7KQX", "Pump-Setup",
                    "Depot WiFi", "Lab:Bench\\Test", "Guest Open", "Café Ünïcode ☕", "x; rm -rf /");
            assertThat(networks).filteredOn(WifiNetwork::looksLikeDevice).hasSize(4);
            assertThat(networks.getFirst()).isEqualTo(new WifiNetwork("ESP_1A2B3C", "1a:2b:3c:1a:2b:3c", 92, "Open", true, false, true));
            assertThat(find(networks, "Depot WiFi"))   // three access points: the strongest kept, and it is the one in use
                    .isEqualTo(new WifiNetwork("Depot WiFi", "3c:37:86:11:22:33", 87, "WPA2", false, true, false));
            assertThat(find(networks, "Lab:Bench\\Test").security()).isEqualTo("WPA1 WPA2");
            assertThat(find(networks, "Café Ünïcode ☕")).satisfies(n -> {
                assertThat(n.security()).isEqualTo("WPA3");
                assertThat(n.open()).isFalse();
            });
            assertThat(find(networks, "Guest Open").open()).isTrue();
            assertThat(networks).noneMatch(n -> n.ssid().isEmpty());
        }

        @Test
        void whenRescanningIsRefusedTheLastScanIsListed() throws Exception {
            runner.expect(NmcliWifiAdapter.scanArgv(true)).fails(1, "", Fixtures.load("nmcli-scan-not-allowed.txt"))
                    .expect(NmcliWifiAdapter.scanArgv(false)).returnsFixture("nmcli-wifi-list.txt");
            assertThat(adapter().scan()).hasSize(9);
            runner.assertAllRan();
        }

        @Test
        void networkManagerNotRunningIsUnavailable() {
            runner.expect(NmcliWifiAdapter.scanArgv(true)).fails(8, "", Fixtures.load("nmcli-not-running.txt"))
                    .expect(NmcliWifiAdapter.scanArgv(false)).fails(8, "", Fixtures.load("nmcli-not-running.txt"));
            assertReason(() -> adapter().scan(), Reason.UNAVAILABLE);
        }

        @Test
        void anotherScanFailureIsScanFailedQuotingNmcli() {
            runner.expect(NmcliWifiAdapter.scanArgv(true)).fails(1, "", "Error: Device 'wlp2s0' not found.")
                    .expect(NmcliWifiAdapter.scanArgv(false)).fails(10, "", "Error: Device 'wlp2s0' not found.");
            assertThatThrownBy(() -> adapter().scan()).isInstanceOfSatisfying(WifiException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.SCAN_FAILED);
                assertThat(e.getMessage()).contains("Device 'wlp2s0' not found");
            });
        }
    }

    @Nested
    class Join {
        @Test
        void joinsWithAProfileAndAPasswordFileThatNoOneElseCanRead() throws Exception {
            AtomicReference<Path> passwordFile = new AtomicReference<>();
            expectUpToAdd("ESP_1A2B3C", false, "nmcli-active-connections.txt");
            runner.expect(UP_WITH_PASSWORD).answers(c -> {
                Path file = Path.of(c.argv().getLast());
                passwordFile.set(file);
                assertThat(file.getParent()).isEqualTo(secrets);
                assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(Files.readString(file, StandardCharsets.US_ASCII))
                        .isEqualTo("802-11-wireless-security.psk:" + PASSWORD);
                return CommandResult.ok(Fixtures.load("nmcli-connection-up.txt"));
            })
                    .expect(DEVICE_SHOW).returnsFixture("nmcli-device-show-ip4.txt");

            WifiConnection c = adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT);

            runner.assertAllRan();
            assertThat(c.ssid()).isEqualTo("ESP_1A2B3C");
            assertThat(c.interfaceName()).isEqualTo("wlp2s0");
            assertThat(c.localAddress().getHostAddress()).isEqualTo("192.168.4.2");
            assertThat(c.previous()).isEqualTo(new PreviousNetwork.Saved(DEPOT_UUID, "Depot WiFi"));
            assertThat(c.temporaryProfile()).isEqualTo(UUID);
            assertThat(passwordFile.get()).doesNotExist();
            assertThat(secrets).isEmptyDirectory();
            assertPasswordNeverInArgv();
            long wait = Long.parseLong(runner.calls().get(3).argv().get(2));
            assertThat(wait).isBetween(40L, 45L);
            assertThat(runner.calls().get(3).timeout()).isGreaterThan(Duration.ofSeconds(wait));
        }

        @Test
        void anOpenNetworkNeedsNoSecurityAndNoPasswordFile() throws Exception {
            expectUpToAdd("ESP_1A2B3C", true, "nmcli-active-connections-ethernet-only.txt");
            runner.expect("nmcli", "--wait", ANY, "connection", "up", "uuid", UUID).returnsFixture("nmcli-connection-up.txt")
                    .expect(DEVICE_SHOW).returnsFixture("nmcli-device-show-ip4.txt");
            WifiConnection c = adapter().join("ESP_1A2B3C", new char[0], TIMEOUT);
            runner.assertAllRan();
            assertThat(c.previous()).isEqualTo(PreviousNetwork.NONE);
        }

        @Test
        void anSsidWithShellCharactersIsOneArgument() throws Exception {
            String ssid = "x; rm -rf /";
            expectUpToAdd(ssid, false, "nmcli-active-connections.txt");
            runner.expect(UP_WITH_PASSWORD).returnsFixture("nmcli-connection-up.txt")
                    .expect(DEVICE_SHOW).returnsFixture("nmcli-device-show-ip4.txt");
            adapter().join(ssid, PASSWORD.toCharArray(), TIMEOUT);
            List<String> add = runner.calls().get(2).argv();
            assertThat(add).contains(ssid, "FieldFlash " + ssid);
            assertThat(add.get(add.indexOf("ssid") + 1)).isEqualTo(ssid);
        }

        @Test
        void aWrongPasswordIsToldApartAndTheLaptopGoesBack() {
            expectUpToAdd("ESP_1A2B3C", false, "nmcli-active-connections.txt");
            runner.expect(UP_WITH_PASSWORD).fails(4, "", Fixtures.load("nmcli-up-wrong-password.txt"))
                    .expect(DELETE).returns("Connection 'FieldFlash ESP_1A2B3C' (" + UUID + ") successfully deleted.")
                    .expect(REJOIN_DEPOT).returnsFixture("nmcli-connection-up.txt");
            assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT), Reason.JOIN_WRONG_PASSWORD);
            runner.assertAllRan();
            assertThat(secrets).isEmptyDirectory();
            assertPasswordNeverInArgv();
        }

        @Test
        void aNetworkOutOfRangeIsNotFound() {
            expectUpToAdd("ESP_1A2B3C", false, "nmcli-active-connections-ethernet-only.txt");
            runner.expect(UP_WITH_PASSWORD).fails(4, "", Fixtures.load("nmcli-up-not-found.txt"))
                    .expect(DELETE).returns("");
            assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT), Reason.JOIN_NOT_FOUND);
            runner.assertAllRan();
        }

        @Test
        void nmclisOwnTimeoutIsJoinTimeout() {
            expectUpToAdd("ESP_1A2B3C", false, "nmcli-active-connections.txt");
            runner.expect(UP_WITH_PASSWORD).fails(3, "", Fixtures.load("nmcli-up-timeout.txt"))
                    .expect(DELETE).returns("")
                    .expect(REJOIN_DEPOT).returns("");
            assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT), Reason.JOIN_TIMEOUT);
            runner.assertAllRan();
        }

        @Test
        void aCommandThatHangsIsKilledAndIsJoinTimeout() {
            expectUpToAdd("ESP_1A2B3C", false, "nmcli-active-connections.txt");
            runner.expect(UP_WITH_PASSWORD).answers(c -> {
                throw new TimeoutException("nmcli did not finish within 60 s");
            })
                    .expect(DELETE).returns("")
                    .expect(REJOIN_DEPOT).returns("");
            assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT), Reason.JOIN_TIMEOUT);
            runner.assertAllRan();
            assertThat(secrets).isEmptyDirectory();
        }

        @Test
        void interruptionRemovesTheProfileGoesBackAndPropagates() {
            expectUpToAdd("ESP_1A2B3C", false, "nmcli-active-connections.txt");
            runner.expect(UP_WITH_PASSWORD).answers(c -> {
                throw new InterruptedException();
            })
                    .expect(DELETE).returns("")
                    .expect(REJOIN_DEPOT).returns("");
            assertThatThrownBy(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT))
                    .isInstanceOf(InterruptedException.class);
            runner.assertAllRan();
            assertThat(secrets).isEmptyDirectory();
        }

        @Test
        void aUserWhomPolkitRefusesIsPermissionDenied() {
            runner.expect(NmcliWifiAdapter.DEVICE_STATUS).returnsFixture("nmcli-device-status.txt")
                    .expect(NmcliWifiAdapter.ACTIVE_CONNECTIONS).returnsFixture("nmcli-active-connections.txt")
                    .expect(addArgv("ESP_1A2B3C", false)).fails(1, "", Fixtures.load("nmcli-connection-add-denied.txt"));
            assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT), Reason.PERMISSION_DENIED);
            runner.assertAllRan();
        }

        @Test
        void wifiSwitchedOffIsUnavailable() {
            runner.expect(NmcliWifiAdapter.DEVICE_STATUS).returnsFixture("nmcli-device-status-radio-off.txt");
            assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT), Reason.UNAVAILABLE);
            runner.assertAllRan();
        }

        @Test
        void impossiblePasswordsAndNamesAreRefusedBeforeAnythingRuns() {
            assertReason(() -> adapter().join("ESP_1A2B3C", "short".toCharArray(), TIMEOUT), Reason.INVALID_INPUT);
            assertReason(() -> adapter().join("ESP_1A2B3C", "line\nbreak-s3cret".toCharArray(), TIMEOUT), Reason.INVALID_INPUT);
            assertReason(() -> adapter().join("ESP_1A2B3C", "x".repeat(64).toCharArray(), TIMEOUT), Reason.INVALID_INPUT);
            assertReason(() -> adapter().join("", PASSWORD.toCharArray(), TIMEOUT), Reason.INVALID_INPUT);
            assertReason(() -> adapter().join("a".repeat(33), PASSWORD.toCharArray(), TIMEOUT), Reason.INVALID_INPUT);
            assertThat(runner.calls()).isEmpty();
        }
    }

    @Nested
    class Leave {
        final WifiConnection joined = new WifiConnection("ESP_1A2B3C", "wlp2s0", ipv4("192.168.4.2"),
                new PreviousNetwork.Saved(DEPOT_UUID, "Depot WiFi"), UUID);

        @Test
        void disconnectsRemovesTheProfileAndRejoinsThePreviousNetwork() throws Exception {
            runner.expect(DOWN).returns("Connection 'FieldFlash ESP_1A2B3C' successfully deactivated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/14)")
                    .expect(DELETE).returns("Connection 'FieldFlash ESP_1A2B3C' (" + UUID + ") successfully deleted.")
                    .expect(REJOIN_DEPOT).returnsFixture("nmcli-connection-up.txt");
            adapter().leave(joined);
            runner.assertAllRan();
        }

        @Test
        void withNothingToGoBackToItOnlyCleansUp() throws Exception {
            runner.expect(DOWN).fails(10, "", Fixtures.load("nmcli-not-active.txt"))
                    .expect(DELETE).returns("");
            adapter().leave(new WifiConnection("ESP_1A2B3C", "wlp2s0", ipv4("192.168.4.2"), PreviousNetwork.NONE, UUID));
            runner.assertAllRan();
        }

        @Test
        void aFailedRejoinIsReportedAfterEveryStepWasTried() {
            runner.expect(DOWN).returns("")
                    .expect(DELETE).fails(1, "", "Error: Connection deletion failed: Insufficient privileges")
                    .expect(REJOIN_DEPOT).fails(4, "", Fixtures.load("nmcli-up-not-found.txt"));
            assertThatThrownBy(() -> adapter().leave(joined)).isInstanceOfSatisfying(WifiException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.LEAVE_FAILED);
                assertThat(e.getMessage()).contains("rejoin \"Depot WiFi\"").contains("temporary profile");
            });
            runner.assertAllRan();
        }
    }

    static WifiNetwork find(List<WifiNetwork> networks, String ssid) {
        return networks.stream().filter(n -> n.ssid().equals(ssid)).findFirst().orElseThrow();
    }

    static java.net.Inet4Address ipv4(String a) {
        try {
            return (java.net.Inet4Address) java.net.InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
