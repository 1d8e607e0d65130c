package io.fieldflash.device.espota;

import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceSession;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A device running the ArduinoOTA listener (what the Arduino IDE and {@code espota.py} talk to): a UDP invitation to
 * the device, then the device connects back to the laptop over TCP and takes the image as one stream.
 *
 * <p>It cannot say who it is, cannot resume, and reboots by itself after a good image; so its {@link Capabilities}
 * are all false, and the device's own MD5 check of the image is all it verifies.
 */
public final class EspOtaDevice implements Device {
    public static final String PROTOCOL = "espota";
    /** The ArduinoOTA port of arduino-esp32. */
    public static final int ESP32_PORT = 3232;
    /** The ArduinoOTA port of esp8266/Arduino. */
    public static final int ESP8266_PORT = 8266;
    /** One stream, no identity, no resume, no separate install or restart: the device does it all after the last byte. */
    public static final Capabilities CAPABILITIES = new Capabilities(false, false, false, false, false, false, false);

    private final String host;
    private final int port;
    private final String password;
    private final EspOtaSettings settings;
    private final InetAddress localAddress;     // null: the address of the route to the device

    private EspOtaDevice(String host, int port, String password, EspOtaSettings settings, InetAddress localAddress) {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("the device's host is missing");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not a UDP port");
        this.host = host;
        this.port = port;
        this.password = password == null ? "" : password;
        this.settings = settings;
        this.localAddress = localAddress;
    }

    /**
     * @param host     the device's address
     * @param port     its ArduinoOTA port ({@value #ESP32_PORT} on an ESP32, {@value #ESP8266_PORT} on an ESP8266)
     * @param password the OTA password, empty when the device has none
     */
    public static EspOtaDevice of(String host, int port, String password) {
        return new EspOtaDevice(host, port, password, EspOtaSettings.DEFAULT, null);
    }

    /** The same device with other timeouts. */
    public EspOtaDevice with(EspOtaSettings s) {
        return new EspOtaDevice(host, port, password, s, localAddress);
    }

    /**
     * The same device, with the laptop's listener on {@code local}: its address on the device's network, which is
     * where the device connects back to.
     */
    public EspOtaDevice bindTo(InetAddress local) {
        return new EspOtaDevice(host, port, password, settings, local);
    }

    /** Parses {@code espota://HOST[:PORT]} (port {@value #ESP32_PORT} when absent). */
    public static EspOtaDevice parse(String address, String password) {
        URI u;
        try {
            u = new URI(address.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + address + "\" is not an address like espota://192.168.4.1:3232");
        }
        if (u.getScheme() == null || !u.getScheme().toLowerCase(Locale.ROOT).equals("espota") || u.getHost() == null) {
            throw new IllegalArgumentException("\"" + address + "\" is not an address like espota://192.168.4.1:3232");
        }
        return of(u.getHost(), u.getPort() < 0 ? ESP32_PORT : u.getPort(), password);
    }

    @Override
    public String transport() {
        return PROTOCOL;
    }

    @Override
    public String address() {
        return "espota://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public DeviceSession open() {
        return new EspOtaSession(this);
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    EspOtaSettings settings() {
        return settings;
    }

    InetAddress localAddress() {
        return localAddress;
    }

    @Override
    public String toString() {
        return "ArduinoOTA device at " + address();
    }
}
