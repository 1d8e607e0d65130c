package io.fieldflash.device.webupdater;

import io.fieldflash.AppInfo;
import io.fieldflash.Printable;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.http.HttpSettings;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Talking to the web pages an ESP serves for updates (the Arduino web updater, ElegantOTA): a {@code GET} and a
 * multipart file upload, with Basic authentication when a user or password is given and the {@code Origin} header
 * arduino-esp32 3.3 wants ({@code http://} + the {@code Host} the request carries).
 *
 * <p>Bounded like every exchange with a device: answers over {@link #MAX_ANSWER} bytes are refused, a request that
 * gets no answer within the request timeout fails, and an upload fails when the device takes no byte of it and gives
 * no answer for the request timeout (a device that stops reading), or runs past the time the slowest acceptable link
 * needs for the whole image. The image streams from its source, never held whole in memory; nothing is ever sent to
 * another address than the device's.
 */
public final class WebForm implements AutoCloseable {
    /** The largest answer read: these pages answer a line of text (the form page a few KiB). */
    public static final int MAX_ANSWER = 64 * 1024;
    private static final String USER_AGENT = "FieldFlash/" + AppInfo.version();
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * An answer: status, its text (UTF-8, bounded), the raw body and content encoding for a page check, and the
     * authentication scheme a 401 asks for ({@code Basic}, {@code Digest}; empty when none).
     */
    public record Answer(int status, String text, byte[] body, String contentEncoding, String authScheme) {
        /** The text stripped of surrounding blanks, escaped and cut for people. */
        public String printable() {
            return Printable.cut(text.strip(), 300);
        }
    }

    private final HttpClient http;
    private final URI origin;
    private final String address;
    private final String authorization;
    private final String originHeader;
    private final HttpSettings settings;

    /**
     * @param device   the device's address, {@code http://HOST[:PORT]} (any path is ignored)
     * @param user     Basic authentication user; empty with an empty password for none
     * @param password Basic authentication password
     */
    public WebForm(URI device, String user, String password, HttpSettings settings) {
        if (device.getScheme() == null || !device.getScheme().equalsIgnoreCase("http") || device.getHost() == null) {
            throw new IllegalArgumentException("\"" + device + "\" is not a device address like http://192.168.4.1");
        }
        this.origin = URI.create("http://" + device.getRawAuthority());
        this.address = origin.toString();
        boolean defaultPort = device.getPort() == -1 || device.getPort() == 80;
        // What the JDK client writes as Host: the host, and the port unless it is the default one.
        this.originHeader = "http://" + device.getHost() + (defaultPort ? "" : ":" + device.getPort());
        this.authorization = user.isEmpty() && password.isEmpty() ? ""
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.settings = settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code http://HOST[:PORT]}, for messages. */
    public String address() {
        return address;
    }

    /** True when requests carry a user and password. */
    public boolean authenticating() {
        return !authorization.isEmpty();
    }

    /** {@code GET pathAndQuery}, answered within the request timeout. */
    public Answer get(String pathAndQuery) throws DeviceException, InterruptedException {
        return get(pathAndQuery, java.util.Map.of());
    }

    /** {@code GET pathAndQuery} with more headers (a probe's token), answered within the request timeout. */
    public Answer get(String pathAndQuery, java.util.Map<String, String> headers) throws DeviceException, InterruptedException {
        HttpRequest.Builder b = request(pathAndQuery, settings.requestTimeout()).GET();
        headers.forEach(b::header);
        HttpRequest req = b.build();
        try {
            return await(req, http.sendAsync(req, bounded()), new AtomicLong(), settings.requestTimeout(), null, n -> {});
        } catch (IOException e) {
            throw new IllegalStateException("a GET reads no image", e);
        }
    }

    /**
     * Uploads {@code image} as the file part {@code field} of a {@code multipart/form-data} POST to {@code path}.
     * {@code progress} receives, on the calling thread, how many more image bytes were handed to the connection.
     *
     * @throws IOException when the image cannot be read or stops matching its manifest (nothing more is sent, and the
     *                     device never sees the end of the upload)
     */
    public Answer upload(String path, String field, String filename, ImageSource image, LongConsumer progress)
            throws DeviceException, IOException, InterruptedException {
        String boundary = "----FieldFlash" + HexFormat.of().formatHex(randomBytes(12));
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        long length = head.length + image.size() + tail.length;
        AtomicReference<IOException> readFailure = new AtomicReference<>();
        HttpRequest.BodyPublisher file = HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new Watched(image.open(0), readFailure);
            } catch (IOException e) {
                readFailure.set(e);
                throw new UncheckedIOException(e);
            }
        });
        AtomicLong sent = new AtomicLong();
        Flow.Publisher<ByteBuffer> all = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head), file,
                HttpRequest.BodyPublishers.ofByteArray(tail));
        Duration overall = settings.timeoutFor(length);
        HttpRequest req = request(path, overall)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.fromPublisher(counting(all, sent), length)).build();
        long[] reported = {0};     // image bytes told so far: the caller hears increments
        return await(req, http.sendAsync(req, bounded()), sent, overall, readFailure, total -> {
            long now = Math.max(0, Math.min(image.size(), total - head.length));
            if (now > reported[0]) progress.accept(now - reported[0]);
            reported[0] = Math.max(reported[0], now);
        });
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(origin.resolve(pathAndQuery)).timeout(timeout)
                .header("User-Agent", USER_AGENT).header("Origin", originHeader);
        if (!authorization.isEmpty()) b.header("Authorization", authorization);
        return b;
    }

    private static HttpResponse.BodyHandler<byte[]> bounded() {
        return HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), MAX_ANSWER);
    }

    /**
     * Waits for the answer: at most {@code overall}, and never longer than the request timeout without a byte taken by
     * the connection ({@code sent} not moving). {@code progress} hears {@code sent} on the calling thread as it moves.
     */
    private Answer await(HttpRequest req, CompletableFuture<HttpResponse<byte[]>> f, AtomicLong sent, Duration overall,
                         AtomicReference<IOException> readFailure, LongConsumer progress)
            throws DeviceException, IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + overall.plus(settings.connectTimeout()).toNanos();
        long stall = settings.requestTimeout().plus(settings.connectTimeout()).toNanos();
        long lastCount = -1, lastMove = start;
        String what = req.method() + " " + req.uri().getPath();
        try {
            while (true) {
                try {
                    HttpResponse<byte[]> r = f.get(POLL.toNanos(), TimeUnit.NANOSECONDS);
                    progress.accept(sent.get());
                    String enc = r.headers().firstValue("Content-Encoding").orElse("");
                    String scheme = r.headers().firstValue("WWW-Authenticate").orElse("").strip().split("\\s+", 2)[0];
                    return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r.body(), enc, scheme);
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    long c = sent.get();
                    if (c != lastCount) {
                        lastCount = c;
                        lastMove = now;
                        progress.accept(c);
                    }
                    if (now - lastMove > stall || now > end) {
                        f.cancel(true);
                        throw DeviceException.unreachable(address, (now > end ? "no answer within " + seconds(overall)
                                : "it took nothing and answered nothing for " + seconds(Duration.ofNanos(stall))) + " to " + what, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            progress.accept(sent.get());        // what a broken upload cost counts too
            if (readFailure != null && readFailure.get() != null) throw readFailure.get();
            throw failed(what, e.getCause());
        }
    }

    private DeviceException failed(String what, Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return DeviceException.unreachable(address, "no connection within " + seconds(settings.connectTimeout()), e);
        }
        if (e instanceof ConnectException) return DeviceException.unreachable(address, "connection refused", e);
        if (e instanceof IOException && String.valueOf(e.getMessage()).contains("exceeds")) {
            return DeviceException.protocol(address, "an answer to " + what + " larger than " + MAX_ANSWER / 1024 + " KiB");
        }
        return DeviceException.unreachable(address, "connection lost during " + what
                + (e == null || e.getMessage() == null ? "" : ": " + Printable.cut(e.getMessage(), 200)), e);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The publisher, counting each piece as the connection takes it. */
    private static Flow.Publisher<ByteBuffer> counting(Flow.Publisher<ByteBuffer> source, AtomicLong sent) {
        return subscriber -> source.subscribe(new Flow.Subscriber<>() {
            @Override public void onSubscribe(Flow.Subscription s) { subscriber.onSubscribe(s); }
            @Override public void onNext(ByteBuffer b) {
                sent.addAndGet(b.remaining());
                subscriber.onNext(b);
            }
            @Override public void onError(Throwable t) { subscriber.onError(t); }
            @Override public void onComplete() { subscriber.onComplete(); }
        });
    }

    /** The image's stream, remembering why it failed (a read error, or bytes that stopped matching the manifest). */
    private static final class Watched extends FilterInputStream {
        private final AtomicReference<IOException> failure;

        Watched(InputStream in, AtomicReference<IOException> failure) {
            super(in);
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure.compareAndSet(null, e);
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure.compareAndSet(null, e);
                throw e;
            }
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
