package io.fieldflash.device.http;

import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceSession;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;

/** A device that speaks {@code fieldflash-http/1} at a base URL such as {@code http://192.168.4.1}. */
public final class HttpDevice implements Device {
    public static final String PROTOCOL = "fieldflash-http/1";
    static final String API_PATH = "/fieldflash/v1";

    private final URI api;
    private final String address;
    private final String token;
    private final HttpSettings settings;
    private final java.net.InetAddress localAddress;   // null: the system picks the route
    private final byte[] pin;                            // null: the system's certificate authorities

    /**
     * @param base  the device's address, {@code http://HOST[:PORT]} (a path ending in {@code /fieldflash/v1} is accepted)
     * @param token the access token (sent as a bearer token)
     * @throws IllegalArgumentException when {@code base} is not an http(s) URL with a host
     */
    public HttpDevice(URI base, String token, HttpSettings settings) {
        this(base, token, settings, null, null);
    }

    private HttpDevice(URI base, String token, HttpSettings settings, java.net.InetAddress localAddress, byte[] pin) {
        this.api = apiRoot(base);
        this.address = base.getScheme() + "://" + base.getRawAuthority();
        this.token = token;
        this.settings = settings;
        this.localAddress = localAddress;
        this.pin = pin;
    }

    /**
     * The same device over HTTPS, trusting exactly the certificate with SHA-256 fingerprint {@code fingerprint}
     * (64 hex digits, colons allowed) instead of certificate authorities, as a device with its own self-signed
     * certificate needs.
     *
     * @throws IllegalArgumentException when the fingerprint is malformed or the address is not https
     */
    public HttpDevice pinning(String fingerprint) {
        if (!api.getScheme().equals("https")) throw new IllegalArgumentException("a certificate can only be pinned for an https:// address");
        return new HttpDevice(api, token, settings, localAddress, PinnedCertificate.parse(fingerprint));
    }

    /**
     * The same device, reached from {@code local} (the laptop's address on the device's access point), so that
     * traffic goes over the SoftAP even when another interface (Ethernet) has a default route.
     */
    public HttpDevice bindTo(java.net.InetAddress local) {
        return new HttpDevice(api, token, settings, local, pin);
    }

    /** Parses a device address as a person types it: {@code 192.168.4.1}, {@code http://192.168.4.1:8080/}. */
    public static URI parseAddress(String text) {
        String t = text.trim();
        if (!t.contains("://")) t = "http://" + t;
        URI u;
        try {
            u = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a device address like http://192.168.4.1");
        }
        apiRoot(u);
        return u;
    }

    private static URI apiRoot(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
            throw new IllegalArgumentException("\"" + base + "\" is not a device address like http://192.168.4.1");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (!path.endsWith(API_PATH)) path = path + API_PATH;
        return URI.create(scheme + "://" + base.getRawAuthority() + path);
    }

    @Override
    public String transport() {
        return PROTOCOL;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.FIELDFLASH_HTTP;
    }

    @Override
    public DeviceSession open() {
        return new HttpDeviceSession(client(), api, address, token, settings);
    }

    /** A session for the device's settings ({@code /settings}), with the same token, deadlines and checks. */
    public SettingsSession openSettings() {
        return new SettingsSession(client(), api, address, token, settings);
    }

    private HttpClient client() {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (localAddress != null) b.localAddress(localAddress);
        if (pin != null) b.sslContext(PinnedCertificate.context(pin));
        return b.build();
    }

    @Override
    public String toString() {
        return PROTOCOL + " device at " + address;
    }
}
