package io.fieldflash.wifi;

import static io.fieldflash.wifi.FakeCommandRunner.startingWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.wifi.WifiException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows: the exact netsh commands, and netsh's real (English, CRLF) outputs parsed. */
class NetshWifiAdapterTest {
    static final String PASSWORD = "s3cret<&>\"'pw";
    static final String PROFILE = "FieldFlash-ESP_1A2B3C";
    static final Duration TIMEOUT = Duration.ofSeconds(45);

    static final List<String> ADD = List.of("netsh", "wlan", "add", "profile", startingWith("filename="), "interface=Wi-Fi", "user=current");
    static final List<String> CONNECT = List.of("netsh", "wlan", "connect", "name=" + PROFILE, "interface=Wi-Fi");
    static final List<String> CONNECT_DEPOT = List.of("netsh", "wlan", "connect", "name=Depot WiFi", "interface=Wi-Fi");
    static final List<String> DELETE = List.of("netsh", "wlan", "delete", "profile", "name=" + PROFILE, "interface=Wi-Fi");
    static final List<String> DISCONNECT = List.of("netsh", "wlan", "disconnect", "interface=Wi-Fi");
    static final List<String> ADDRESSES = List.of("netsh", "interface", "ipv4", "show", "addresses", "name=Wi-Fi");

    @TempDir
    Path temp;

    final FakeCommandRunner runner = new FakeCommandRunner();

    NetshWifiAdapter adapter() {
        return new NetshWifiAdapter(runner, SoftApPatterns.defaults(), temp, Duration.ofMillis(5));
    }

    @Nested
    class Scan {
        @Test
        void listsOneNetworkPerSsidWithWhatNetshSays() throws Exception {
            runner.expect(NetshWifiAdapter.SHOW_NETWORKS).returnsFixture("netsh-show-networks.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-depot.txt");
            List<WifiNetwork> networks = adapter().scan();
            runner.assertAllRan();

            assertThat(networks).extracting(WifiNetwork::ssid).containsExactly(
                    "ESP_1A2B3C", "FieldFlash-CX200-0042", "Depot WiFi", "Lab:Bench \\ Test", "Guest Open", "Old Printer");
            assertThat(networks.getFirst()).isEqualTo(new WifiNetwork("ESP_1A2B3C", "1a:2b:3c:1a:2b:3c", 96, "Open", true, false, true));
            assertThat(NmcliWifiAdapterTest.find(networks, "Depot WiFi"))
                    .isEqualTo(new WifiNetwork("Depot WiFi", "3c:37:86:11:22:33", 91, "WPA2-Personal", false, true, false));
            assertThat(NmcliWifiAdapterTest.find(networks, "Lab:Bench \\ Test").signal()).isEqualTo(62);
            assertThat(NmcliWifiAdapterTest.find(networks, "Old Printer").open()).as("open authentication with a WEP key").isFalse();
            assertThat(NmcliWifiAdapterTest.find(networks, "Guest Open").open()).isTrue();
        }

        @Test
        void everyBssidIsReadIncludingTheHiddenNetwork() {
            var entries = NetshWifiAdapter.parseNetworks(Fixtures.load("netsh-show-networks.txt"));
            assertThat(entries).hasSize(8);
            assertThat(entries).filteredOn(e -> e.ssid().equals("Depot WiFi")).extracting(ScanResults.Entry::signal).containsExactly(91, 58);
            assertThat(entries).filteredOn(e -> e.ssid().isEmpty()).singleElement()
                    .satisfies(e -> assertThat(e.bssid()).isEqualTo("f2:9f:c2:72:81:ac"));
        }

        @Test
        void interfacesAreRead() {
            var i = NetshWifiAdapter.parseInterfaces(Fixtures.load("netsh-show-interfaces-depot.txt"));
            assertThat(i).containsExactly(new NetshWifiAdapter.Interface("Wi-Fi", "Intel(R) Wi-Fi 6 AX201 160MHz",
                    "8c:c6:81:aa:bb:cc", "connected", "Depot WiFi", "3c:37:86:11:22:33", "Depot WiFi"));
        }

        @Test
        void locationServicesOffIsPermissionDeniedWithTheWayToFixIt() {
            runner.expect(NetshWifiAdapter.SHOW_NETWORKS).fails(1, Fixtures.load("netsh-location-permission.txt"), "");
            assertThatThrownBy(() -> adapter().scan()).isInstanceOfSatisfying(WifiException.class, e -> {
                assertThat(e.code()).isEqualTo("WIFI_PERMISSION_DENIED");
                assertThat(e.hint()).contains("Location");
            });
        }

        @Test
        void aStoppedWlanServiceIsUnavailable() {
            runner.expect(NetshWifiAdapter.SHOW_NETWORKS).fails(1, Fixtures.load("netsh-no-wlansvc.txt"), "");
            NmcliWifiAdapterTest.assertReason(() -> adapter().scan(), Reason.UNAVAILABLE);
        }
    }

    @Nested
    class Join {
        @Test
        void addsATemporaryProfileConnectsAndWaitsForAnAddress() throws Exception {
            AtomicReference<Path> xml = new AtomicReference<>();
            runner.expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-depot.txt")
                    .expect(ADD).answers(c -> {
                        Path file = Path.of(c.argv().get(4).substring("filename=".length()));
                        xml.set(file);
                        assertThat(file.getParent()).isEqualTo(temp);
                        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                        String profile = Files.readString(file, StandardCharsets.UTF_8);
                        assertThat(profile)
                                .contains("<name>" + PROFILE + "</name>")
                                .contains("<hex>4553505F314132423343</hex>")
                                .contains("<authentication>WPA2PSK</authentication>", "<encryption>AES</encryption>")
                                .contains("<keyType>passPhrase</keyType>")
                                .contains("<keyMaterial>s3cret&lt;&amp;&gt;&quot;&apos;pw</keyMaterial>")
                                .contains("<connectionMode>manual</connectionMode>");
                        return CommandResult.ok(Fixtures.load("netsh-add-profile.txt"));
                    })
                    .expect(CONNECT).returnsFixture("netsh-connect.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-authenticating.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-device.txt")
                    .expect(ADDRESSES).returnsFixture("netsh-ipv4-addresses-apipa.txt")
                    .expect(ADDRESSES).returnsFixture("netsh-ipv4-addresses.txt");

            WifiConnection c = adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT);

            runner.assertAllRan();
            assertThat(c).isEqualTo(new WifiConnection("ESP_1A2B3C", "Wi-Fi", NmcliWifiAdapterTest.ipv4("192.168.4.2"),
                    new PreviousNetwork.Saved("Depot WiFi", "Depot WiFi"), PROFILE));
            assertThat(xml.get()).doesNotExist();
            assertThat(temp).isEmptyDirectory();
            assertThat(runner.calls()).allSatisfy(cmd -> assertThat(String.join(" ", cmd.argv())).doesNotContain("s3cret"));
        }

        @Test
        void anSsidWithShellCharactersNeverReachesTheCommandLine() throws Exception {
            String ssid = "x; rm -rf /";
            String profile = "FieldFlash-x__rm_-rf__";
            runner.expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-disconnected.txt")
                    .expect(ADD).answers(c -> {
                        String xml = Files.readString(Path.of(c.argv().get(4).substring("filename=".length())));
                        assertThat(xml).contains("<name>x; rm -rf /</name>", "<hex>783B20726D202D7266202F</hex>");
                        return CommandResult.ok("Profile " + profile + " is added on interface Wi-Fi.\r\n");
                    })
                    .expect("netsh", "wlan", "connect", "name=" + profile, "interface=Wi-Fi").returnsFixture("netsh-connect.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).returns(Fixtures.load("netsh-show-interfaces-device.txt")
                            .replace("ESP_1A2B3C", ssid))
                    .expect(ADDRESSES).returnsFixture("netsh-ipv4-addresses.txt");
            WifiConnection c = adapter().join(ssid, PASSWORD.toCharArray(), TIMEOUT);
            assertThat(c.previous()).isEqualTo(PreviousNetwork.NONE);
            assertThat(runner.calls()).allSatisfy(cmd -> assertThat(cmd.argv()).doesNotContain(ssid));
        }

        @Test
        void aKeyRefusedDuringAuthenticationIsAWrongPassword() {
            runner.expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-depot.txt")
                    .expect(ADD).returnsFixture("netsh-add-profile.txt")
                    .expect(CONNECT).returnsFixture("netsh-connect.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-authenticating.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-disconnected.txt")
                    .expect(DELETE).returnsFixture("netsh-delete-profile.txt")
                    .expect(CONNECT_DEPOT).returnsFixture("netsh-connect.txt");
            NmcliWifiAdapterTest.assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT),
                    Reason.JOIN_WRONG_PASSWORD);
            runner.assertAllRan();
            assertThat(temp).isEmptyDirectory();
        }

        @Test
        void aProfileWhoseNetworkIsNotInRangeIsNotFound() {
            runner.expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-depot.txt")
                    .expect(ADD).returnsFixture("netsh-add-profile.txt")
                    .expect(CONNECT).fails(1, Fixtures.load("netsh-connect-not-available.txt"), "")
                    .expect(DELETE).returnsFixture("netsh-delete-profile.txt")
                    .expect(CONNECT_DEPOT).returnsFixture("netsh-connect.txt");
            NmcliWifiAdapterTest.assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), TIMEOUT),
                    Reason.JOIN_NOT_FOUND);
            runner.assertAllRan();
        }

        @Test
        void windowsNeverFinishingIsATimeout() {
            runner.expect(NetshWifiAdapter.SHOW_INTERFACES).returnsFixture("netsh-show-interfaces-depot.txt")
                    .expect(ADD).returnsFixture("netsh-add-profile.txt")
                    .expect(CONNECT).returnsFixture("netsh-connect.txt")
                    .expect(NetshWifiAdapter.SHOW_INTERFACES).repeatedly().returnsFixture("netsh-show-interfaces-authenticating.txt")
                    .expect(DELETE).returnsFixture("netsh-delete-profile.txt")
                    .expect(CONNECT_DEPOT).returnsFixture("netsh-connect.txt");
            NmcliWifiAdapterTest.assertReason(() -> adapter().join("ESP_1A2B3C", PASSWORD.toCharArray(), Duration.ofMillis(200)),
                    Reason.JOIN_TIMEOUT);
            runner.assertAllRan();
        }
    }

    @Nested
    class Leave {
        @Test
        void disconnectsRejoinsThePreviousProfileAndDeletesTheTemporaryOne() throws Exception {
            runner.expect(DISCONNECT).returnsFixture("netsh-disconnect.txt")
                    .expect(CONNECT_DEPOT).returnsFixture("netsh-connect.txt")
                    .expect(DELETE).returnsFixture("netsh-delete-profile.txt");
            adapter().leave(new WifiConnection("ESP_1A2B3C", "Wi-Fi", NmcliWifiAdapterTest.ipv4("192.168.4.2"),
                    new PreviousNetwork.Saved("Depot WiFi", "Depot WiFi"), PROFILE));
            runner.assertAllRan();
        }

        @Test
        void aFailedRejoinIsReportedButTheProfileIsStillDeleted() {
            runner.expect(DISCONNECT).returnsFixture("netsh-disconnect.txt")
                    .expect(CONNECT_DEPOT).fails(1, "The network specified by profile \"Depot WiFi\" is not available to connect.\r\n", "")
                    .expect(DELETE).returnsFixture("netsh-delete-profile.txt");
            NmcliWifiAdapterTest.assertReason(() -> adapter().leave(new WifiConnection("ESP_1A2B3C", "Wi-Fi",
                    NmcliWifiAdapterTest.ipv4("192.168.4.2"), new PreviousNetwork.Saved("Depot WiFi", "Depot WiFi"), PROFILE)),
                    Reason.LEAVE_FAILED);
            runner.assertAllRan();
        }
    }

    @Nested
    class ProfileXml {
        @Test
        void anOpenNetworkHasNoKey() {
            String xml = new String(WlanProfileXml.build(PROFILE, "ESP_1A2B3C", new char[0]), StandardCharsets.UTF_8);
            assertThat(xml).contains("<authentication>open</authentication>", "<encryption>none</encryption>")
                    .doesNotContain("sharedKey");
        }

        @Test
        void aRawKeyIsANetworkKeyAndUnicodeNamesAreHexToo() {
            String xml = new String(WlanProfileXml.build("FieldFlash-Caf_", "Café", "ab".repeat(32).toCharArray()), StandardCharsets.UTF_8);
            assertThat(xml).contains("<keyType>networkKey</keyType>", "<hex>436166C3A9</hex>", "<name>Café</name>");
        }

        @Test
        void addressesAreReadButNotAutomaticOnes() {
            assertThat(NetshWifiAdapter.parseAddress(Fixtures.load("netsh-ipv4-addresses.txt")))
                    .contains(NmcliWifiAdapterTest.ipv4("192.168.4.2"));
            assertThat(NetshWifiAdapter.parseAddress(Fixtures.load("netsh-ipv4-addresses-apipa.txt"))).isEmpty();
        }
    }
}
