package io.fieldflash.wifi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Choosing the adapter, and what FieldFlash says where it cannot drive Wi-Fi. */
class WifiAdapterTest {

    @Test
    void onThisMachineWithoutNmcliTheAdapterExplainsItself() {
        ProcessCommandRunner runner = ProcessCommandRunner.forCurrentOs();
        assumeFalse(Os.current() != Os.LINUX || runner.isInstalled("nmcli"), "needs Linux without NetworkManager");
        WifiAdapter adapter = WifiAdapter.forCurrentOs(runner);
        assertThat(adapter).isInstanceOf(UnsupportedWifiAdapter.class);
        assertThat(adapter.isSupported()).isFalse();
        assertThatThrownBy(adapter::scan).isInstanceOfSatisfying(WifiException.class, e -> {
            assertThat(e.code()).isEqualTo("WIFI_TOOL_MISSING");
            assertThat(e.getMessage()).isEqualTo("NetworkManager's nmcli is not available; join the device's Wi-Fi "
                    + "from the system menu, then type the device address.");
            assertThat(e.hint()).contains("192.168.4.1");
        });
        assertThatThrownBy(() -> adapter.join("ESP_1A2B3C", "password1".toCharArray(), Duration.ofSeconds(5)))
                .isInstanceOf(WifiException.class);
    }

    @Test
    void eachOperatingSystemGetsItsTool() {
        FakeCommandRunner all = new FakeCommandRunner().installed("nmcli", "netsh", "networksetup", "system_profiler");
        SoftApPatterns p = SoftApPatterns.defaults();
        assertThat(WifiAdapters.forOs(Os.LINUX, "Linux", all, p)).isInstanceOf(NmcliWifiAdapter.class);
        assertThat(WifiAdapters.forOs(Os.WINDOWS, "Windows 11", all, p)).isInstanceOf(NetshWifiAdapter.class);
        assertThat(WifiAdapters.forOs(Os.MACOS, "Mac OS X", all, p)).isInstanceOf(MacWifiAdapter.class);

        FakeCommandRunner none = new FakeCommandRunner();
        assertThat(((UnsupportedWifiAdapter) WifiAdapters.forOs(Os.WINDOWS, "Windows 11", none, p)).message()).contains("netsh");
        assertThat(((UnsupportedWifiAdapter) WifiAdapters.forOs(Os.MACOS, "Mac OS X", none, p)).message()).contains("networksetup");
        assertThat(((UnsupportedWifiAdapter) WifiAdapters.forOs(Os.OTHER, "FreeBSD", all, p)).message()).contains("FreeBSD");
    }

    @Test
    void osNamesAreRecognised() {
        assertThat(Os.of("Linux")).isEqualTo(Os.LINUX);
        assertThat(Os.of("Windows 11")).isEqualTo(Os.WINDOWS);
        assertThat(Os.of("Mac OS X")).isEqualTo(Os.MACOS);
        assertThat(Os.of("SunOS")).isEqualTo(Os.OTHER);
    }

    @Test
    void theLocalAddressComesFromNetworkInterface() throws Exception {
        WifiAdapter adapter = new UnsupportedWifiAdapter("test");
        assertThat(adapter.localAddress("lo")).contains(InetAddress.getByName("127.0.0.1"));
        assertThat(adapter.localAddress("no-such-if0")).isEmpty();
        assertThat(LocalAddresses.onSubnetOf(InetAddress.getByName("127.0.0.53"))).contains(
                (java.net.Inet4Address) InetAddress.getByName("127.0.0.1"));
        assertThat(LocalAddresses.onSubnetOf(InetAddress.getByName("::1"))).isEmpty();
    }

    @Test
    void subnetArithmetic() throws Exception {
        var a = (java.net.Inet4Address) InetAddress.getByName("192.168.4.2");
        var b = (java.net.Inet4Address) InetAddress.getByName("192.168.4.1");
        var c = (java.net.Inet4Address) InetAddress.getByName("192.168.5.1");
        assertThat(LocalAddresses.samePrefix(a, b, 24)).isTrue();
        assertThat(LocalAddresses.samePrefix(a, c, 24)).isFalse();
        assertThat(LocalAddresses.samePrefix(a, c, 16)).isTrue();
        assertThat(LocalAddresses.parseMac("8c:c6:81:aa:bb:cc")).hasSize(6);
        assertThat(LocalAddresses.parseMac("nonsense")).isEmpty();
    }
}
