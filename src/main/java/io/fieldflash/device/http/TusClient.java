package io.fieldflash.device.http;

import io.fieldflash.device.DeviceException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The requests of tus 1.0.0 (core, creation, checksum, termination), one method per request, against one
 * upload collection URL. Works against any tus server; fieldflash-http/1 devices add a bearer token.
 *
 * <p>Built on {@code java.net.http} rather than a third-party tus client: the protocol subset is five small
 * requests, and owning them gives what FieldFlash needs and generic clients do not all offer: a timeout
 * on every call, per-chunk {@code Upload-Checksum}, exact counting of bytes put on the wire, typed errors with
 * sentences for people, resend from a buffer instead of re-reading the file, and no extra dependency in
 * an offline, signed tool.
 */
public final class TusClient {
    public static final String TUS_VERSION = "1.0.0";

    /**
     * What a tus server offers ({@code OPTIONS}).
     *
     * @param extensions         from {@code Tus-Extension}, e.g. creation, checksum, termination
     * @param checksumAlgorithms from {@code Tus-Checksum-Algorithm}, lower case
     * @param maxSize            from {@code Tus-Max-Size}; 0 when the server sets no limit
     */
    public record ServerOptions(List<String> extensions, List<String> checksumAlgorithms, long maxSize) {
        public ServerOptions {
            extensions = List.copyOf(extensions);
            checksumAlgorithms = List.copyOf(checksumAlgorithms);
        }

        /** True when the server checks {@code Upload-Checksum: sha256 ...}. */
        public boolean checksSha256() {
            return extensions.contains("checksum") && checksumAlgorithms.contains("sha256");
        }
    }

    /** An upload's state on the server ({@code HEAD}). */
    public record UploadStatus(long offset, long length) {}

    private final Exchange exchange;
    private final URI collection;
    private final String authorization;
    private final HttpSettings settings;

    /**
     * @param collection  the upload collection, e.g. {@code http://192.168.4.1/fieldflash/v1/uploads}
     * @param bearerToken sent as {@code Authorization: Bearer}; empty to send none (a stock tus server)
     */
    TusClient(Exchange exchange, URI collection, String bearerToken, HttpSettings settings) {
        this.exchange = exchange;
        this.collection = collection;
        this.authorization = bearerToken.isEmpty() ? "" : "Bearer " + bearerToken;
        this.settings = settings;
    }

    URI collection() {
        return collection;
    }

    private HttpRequest.Builder tus(URI uri, Duration timeout) {
        HttpRequest.Builder b = exchange.request(uri, timeout).header("Tus-Resumable", TUS_VERSION);
        if (!authorization.isEmpty()) b.header("Authorization", authorization);
        return b;
    }

    /** {@code OPTIONS collection}: what the server supports. */
    public ServerOptions options() throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(exchange.request(collection, settings.requestTimeout())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        if (a.status() != 200 && a.status() != 204) throw exchange.failure(a, "OPTIONS " + collection.getPath());
        String versions = a.header("Tus-Version");
        if (!versions.isEmpty() && !list(versions).contains(TUS_VERSION)) {
            throw DeviceException.protocol(exchange.address(), "it offers tus " + io.fieldflash.Printable.cut(versions, 80) + ", not " + TUS_VERSION);
        }
        long max = 0;
        try {
            if (!a.header("Tus-Max-Size").isEmpty()) max = Long.parseLong(a.header("Tus-Max-Size").trim());
        } catch (NumberFormatException e) {
            throw DeviceException.protocol(exchange.address(), "Tus-Max-Size \"" + io.fieldflash.Printable.cut(a.header("Tus-Max-Size"), 80) + "\" is not a number");
        }
        return new ServerOptions(list(a.header("Tus-Extension")), list(a.header("Tus-Checksum-Algorithm")), max);
    }

    /**
     * {@code POST collection}: creates an upload of {@code length} bytes; returns its URL.
     * A {@code 409} (the device holds another upload) is {@code UPLOAD_BUSY}.
     */
    public URI create(long length, Map<String, String> metadata) throws DeviceException, InterruptedException {
        HttpRequest.Builder b = tus(collection, settings.requestTimeout())
                .header("Upload-Length", Long.toString(length))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (!metadata.isEmpty()) b.header("Upload-Metadata", metadata(metadata));
        Exchange.Answer a = exchange.send(b.build());
        if (a.status() == 409) {
            throw new DeviceException(DeviceException.Reason.UPLOAD_BUSY,
                    "The device at " + exchange.address() + " is busy with another transfer.",
                    "Wait until the other transfer ends (another laptop may be updating this device), then try again.",
                    null, 409, "", Duration.ZERO);
        }
        if (a.status() != 201) throw exchange.failure(a, "creating the upload");
        String location = a.header("Location");
        if (location.isEmpty()) throw DeviceException.protocol(exchange.address(), "201 Created without a Location");
        return exchange.resolve(collection, location);
    }

    /** {@code HEAD upload}: its offset and length. */
    public UploadStatus head(URI upload) throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(tus(upload, settings.requestTimeout()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        if (a.status() != 200 && a.status() != 204) throw exchange.failure(a, "HEAD " + upload.getPath());
        long offset = number(a, "Upload-Offset");
        long length = a.header("Upload-Length").isEmpty() ? -1 : number(a, "Upload-Length");
        return new UploadStatus(offset, length);
    }

    /**
     * {@code PATCH upload}: {@code len} bytes at {@code offset}, with {@code Upload-Checksum: sha256 …} when
     * {@code checksum}; returns the new offset. A {@code 409} (offset differs) is the retryable {@code OFFSET_MISMATCH}.
     */
    public long patch(URI upload, long offset, byte[] buf, int off, int len, boolean checksum, LongConsumer sent)
            throws DeviceException, InterruptedException {
        HttpRequest.Builder b = tus(upload, settings.timeoutFor(len))
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", Long.toString(offset))
                .method("PATCH", new CountingBodyPublisher(buf, off, len, sent));
        if (checksum) b.header("Upload-Checksum", "sha256 " + Base64.getEncoder().encodeToString(sha256(buf, off, len)));
        Exchange.Answer a = exchange.send(b.build());
        if (a.status() == 409) {
            throw new DeviceException(DeviceException.Reason.OFFSET_MISMATCH,
                    "The device holds a different offset than " + offset + ".",
                    "The device keeps losing track of the transfer (another laptop may be sending to it, or it drops what it "
                            + "received). Make sure no one else updates this device, restart it, then run the same command again.",
                    null, 409, "", Duration.ZERO);
        }
        if (a.status() != 204 && a.status() != 200) throw exchange.failure(a, "PATCH " + upload.getPath());
        return number(a, "Upload-Offset");
    }

    /** {@code DELETE upload}; an upload that is already gone counts as deleted. */
    public void delete(URI upload) throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(tus(upload, settings.requestTimeout()).DELETE().build());
        if (a.status() == 204 || a.status() == 200 || a.status() == 404 || a.status() == 410) return;
        throw exchange.failure(a, "DELETE " + upload.getPath());
    }

    /** The {@code Upload-Metadata} value: {@code key base64(value)} pairs, comma separated. */
    static String metadata(Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(e.getKey()).append(' ')
                    .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        return sb.toString();
    }

    private long number(Exchange.Answer a, String header) throws DeviceException {
        String v = a.header(header).trim();
        try {
            long n = Long.parseLong(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw DeviceException.protocol(exchange.address(), v.isEmpty() ? "no " + header + " header" : header + " \"" + io.fieldflash.Printable.cut(v, 80) + "\" is not a number");
        }
    }

    private static List<String> list(String header) {
        return Arrays.stream(header.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }

    static byte[] sha256(byte[] buf, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(buf, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
