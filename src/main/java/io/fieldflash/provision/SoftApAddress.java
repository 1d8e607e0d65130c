package io.fieldflash.provision;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a device in listening mode answers: {@code tcp://HOST[:PORT]} (raw protocol, port 5609 by default) or
 * {@code http://HOST[:PORT]} (port 80 by default).
 */
public record SoftApAddress(Transport transport, String host, int port) {
    /** The raw TCP protocol's port on a Photon. */
    public static final int TCP_PORT = 5609;
    /** The HTTP port on a Photon. */
    public static final int HTTP_PORT = 80;

    /** The two ways a Photon takes the same commands. */
    public enum Transport { TCP, HTTP }

    public SoftApAddress {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("the address has no host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is outside 1-65535");
    }

    /** Parses {@code tcp://HOST[:PORT]} or {@code http://HOST[:PORT]}; anything else is an IllegalArgumentException. */
    public static SoftApAddress parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address; give tcp://HOST[:PORT] or http://HOST[:PORT]");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Transport t = switch (scheme) {
            case "tcp" -> Transport.TCP;
            case "http" -> Transport.HTTP;
            default -> throw new IllegalArgumentException("'" + text + "' must start with tcp:// or http://");
        };
        if (uri.getHost() == null) throw new IllegalArgumentException("'" + text + "' has no host");
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' must be only tcp://HOST[:PORT] or http://HOST[:PORT]");
        }
        int port = uri.getPort() == -1 ? (t == Transport.TCP ? TCP_PORT : HTTP_PORT) : uri.getPort();
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new SoftApAddress(t, host, port);
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return transport.name().toLowerCase(Locale.ROOT) + "://" + h + ":" + port;
    }
}
