package io.fieldflash.device.viperhttp;

import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceSession;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;

/**
 * A device serving ViperHTTP's OTA routes ({@code install_ota_routes} in {@code viperhttp_ota.py}) under {@code /ota}:
 * {@code status}, {@code begin}, {@code chunk?offset=N}, {@code finalize}, {@code abort}. The token goes in
 * {@code X-OTA-Token} (and, for devices built after the project's documentation, {@code Authorization: Bearer}).
 *
 * <p>Resumable: the device reports the bytes it holds in {@code GET /ota/status}, and its session survives a broken
 * connection (until the device restarts or the session is aborted). It checks the whole image's SHA-256 at
 * {@code finalize}, then boots it at its next restart; it cannot say which product or firmware it is.
 */
public final class ViperHttpDevice implements Device {
    public static final String PROTOCOL = "viperhttp";
    /** Largest chunk the device takes in one request: its whole request body is held in RAM. */
    public static final int MAX_CHUNK = 64 * 1024;
    /** Resumable, checked as a whole at finalize (a separate step); no identity, no restart route, no trial boot; the token is optional on the device. */
    public static final Capabilities CAPABILITIES = new Capabilities(false, true, false, true, false, false, false);

    private final URI base;
    private final String token;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final int chunkSize;
    private final InetAddress localAddress;

    private ViperHttpDevice(URI base, String token, Duration connectTimeout, Duration requestTimeout, int chunkSize, InetAddress local) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
            throw new IllegalArgumentException("\"" + base + "\" is not a device address like http://192.168.4.1");
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK) throw new IllegalArgumentException("chunk size must be within 1.." + MAX_CHUNK);
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (!path.endsWith("/ota")) path = path + "/ota";
        this.base = URI.create(scheme + "://" + base.getRawAuthority() + path);
        this.token = token == null ? "" : token;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.chunkSize = chunkSize;
        this.localAddress = local;
    }

    /**
     * @param base  the device's address, {@code http://HOST[:PORT]} (a path ending in {@code /ota} is accepted)
     * @param token the OTA token, empty when the device has none
     */
    public static ViperHttpDevice of(URI base, String token) {
        return new ViperHttpDevice(base, token, Duration.ofSeconds(5), Duration.ofSeconds(30), MAX_CHUNK, null);
    }

    /** The same device with other timeouts (each request: connect, then the whole exchange). */
    public ViperHttpDevice withTimeouts(Duration connect, Duration request) {
        return new ViperHttpDevice(base, token, connect, request, chunkSize, localAddress);
    }

    /** The same device with smaller chunks (at most {@value #MAX_CHUNK}). */
    public ViperHttpDevice withChunkSize(int bytes) {
        return new ViperHttpDevice(base, token, connectTimeout, requestTimeout, bytes, localAddress);
    }

    /** The same device, reached from {@code local} (the laptop's address on the device's network). */
    public ViperHttpDevice bindTo(InetAddress local) {
        return new ViperHttpDevice(base, token, connectTimeout, requestTimeout, chunkSize, local);
    }

    @Override
    public String transport() {
        return PROTOCOL;
    }

    @Override
    public String address() {
        return base.getScheme() + "://" + base.getRawAuthority();
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public DeviceSession open() {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (localAddress != null) b.localAddress(localAddress);
        HttpClient http = b.build();
        return new ViperHttpSession(http, new ViperClient(http, base, address(), token, requestTimeout), chunkSize);
    }

    @Override
    public String toString() {
        return "ViperHTTP device at " + address();
    }
}
