package io.fieldflash.ui;

import io.fieldflash.wifi.PreviousNetwork;
import io.fieldflash.wifi.WifiAdapter;
import io.fieldflash.wifi.WifiConnection;
import io.fieldflash.wifi.WifiException;
import io.fieldflash.wifi.WifiNetwork;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Wi-Fi radio for the wizard tests: it "sees" a device's access point and an office network, and joining the
 * device's network puts the laptop on loopback (where the simulated device listens). It records what it was asked.
 */
final class TestRadio implements WifiAdapter {
    static final String DEVICE_SSID = "Acme-CCX-3F2A";
    static final String OFFICE_SSID = "Office";

    final String password;
    final AtomicInteger scans = new AtomicInteger();
    final List<String> joins = new CopyOnWriteArrayList<>();

    /** @param password the device network's Wi-Fi password */
    TestRadio(String password) {
        this.password = password;
    }

    @Override
    public List<WifiNetwork> scan() {
        scans.incrementAndGet();
        return List.of(new WifiNetwork(OFFICE_SSID, "aa:bb:cc:00:00:01", 90, "WPA2", false, true, false),
                new WifiNetwork(DEVICE_SSID, "aa:bb:cc:00:00:02", 60, "WPA2", false, false, true));
    }

    @Override
    public WifiConnection join(String ssid, char[] given, Duration timeout) throws WifiException {
        joins.add(ssid + ":" + new String(given));
        if (!ssid.equals(DEVICE_SSID) || !password.equals(new String(given))) {
            throw new WifiException(WifiException.Reason.JOIN_WRONG_PASSWORD, "wrong Wi-Fi password", "Check the password.");
        }
        try {
            return new WifiConnection(ssid, "wlan-test", (Inet4Address) InetAddress.getByName("127.0.0.1"),
                    new PreviousNetwork.None(), "");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void leave(WifiConnection connection) {}

    @Override
    public String description() {
        return "test radio";
    }
}
