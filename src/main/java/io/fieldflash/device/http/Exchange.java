package io.fieldflash.device.http;

import io.fieldflash.AppInfo;
import io.fieldflash.Printable;
import io.fieldflash.device.DeviceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One HTTP exchange with a device: sends, reads a bounded answer, and turns transport failures and the
 * statuses every fieldflash-http/1 and tus request shares into {@link DeviceException}s with sentences.
 *
 * <p>Whatever answers at the device's address is untrusted: the whole exchange (connect, headers and body) has one
 * deadline, a body over {@link #MAX_BODY} is refused rather than read, and no request goes to another origin
 * (scheme, host and port) than the device's, so the token and the firmware never follow a URL the device hands out.
 */
final class Exchange {
    /** The largest answer body read: a device's answers are small JSON objects. */
    static final int MAX_BODY = 256 * 1024;
    /** The longest wait a device may ask for with {@code Retry-After}; longer values are taken as this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(7);
    static final String USER_AGENT = "FieldFlash/" + AppInfo.version();

    /** A device's answer: status, headers and (bounded) body text. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    private final HttpClient http;
    private final String address;
    private final URI origin;

    /** @param address the device's origin, {@code scheme://host[:port]} */
    Exchange(HttpClient http, String address) {
        this.http = http;
        this.address = address;
        this.origin = URI.create(address);
    }

    String address() {
        return address;
    }

    HttpRequest.Builder request(URI uri, Duration timeout) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT);
    }

    /** True when {@code u} has the device's scheme, host and port. */
    boolean sameOrigin(URI u) {
        return u.getScheme() != null && u.getHost() != null
                && u.getScheme().equalsIgnoreCase(origin.getScheme())
                && u.getHost().equalsIgnoreCase(origin.getHost())
                && port(u) == port(origin);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** {@code location} (absolute or relative to {@code base}) as a URL of the device; refused when it points elsewhere. */
    URI resolve(URI base, String location) throws DeviceException {
        URI u;
        try {
            u = base.resolve(location);
        } catch (IllegalArgumentException e) {
            throw DeviceException.protocol(address, "the upload location \"" + Printable.cut(location, 200) + "\" is not a URL");
        }
        if (!sameOrigin(u)) {
            throw new DeviceException(DeviceException.Reason.PROTOCOL_ERROR,
                    "The device at " + address + " pointed the upload to another address (" + Printable.cut(location, 200)
                            + "); FieldFlash sends the token and the firmware only to the device's own address.",
                    "Check that the address is the device's own and that no other device answers on its Wi-Fi; "
                            + "if it is the device, report this to the device vendor.");
        }
        return u;
    }

    /**
     * Sends and reads the answer within the request's timeout (plus the connect timeout), all of it; any transport
     * failure becomes a retryable {@code UNREACHABLE}, a certificate the laptop does not trust {@code CERTIFICATE_UNTRUSTED}.
     */
    Answer send(HttpRequest request) throws DeviceException, InterruptedException {
        if (!sameOrigin(request.uri())) {
            throw DeviceException.protocol(address, "a request to another address (" + Printable.cut(request.uri().toString(), 200) + ") was refused");
        }
        Duration limit = request.timeout().orElse(Duration.ofSeconds(30)).plus(http.connectTimeout().orElse(Duration.ZERO));
        boolean head = request.method().equals("HEAD");
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(request, info -> new CappedBody(head ? 0 : MAX_BODY));
        HttpResponse<byte[]> r;
        try {
            r = f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw DeviceException.unreachable(address, "no complete answer within " + seconds(limit) + " to " + request.method() + " "
                    + request.uri().getPath(), e);
        } catch (ExecutionException e) {
            throw failed(request, e.getCause());
        }
        return new Answer(r.statusCode(), r.headers(), new String(r.body(), StandardCharsets.UTF_8));
    }

    private DeviceException failed(HttpRequest request, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLarge) {
                return DeviceException.protocol(address, "an answer to " + request.method() + " " + request.uri().getPath()
                        + " larger than " + MAX_BODY / 1024 + " KiB");
            }
            if (t instanceof SSLHandshakeException || t instanceof SSLException && String.valueOf(t.getMessage()).contains("certif")) {
                return DeviceException.certificate(address, t);
            }
        }
        if (e instanceof HttpConnectTimeoutException) {
            return DeviceException.unreachable(address, "no connection within " + seconds(http.connectTimeout().orElse(Duration.ZERO)), e);
        }
        if (e instanceof HttpTimeoutException) {
            return DeviceException.unreachable(address, "no answer within " + seconds(request.timeout().orElse(Duration.ZERO))
                    + " to " + request.method() + " " + request.uri().getPath(), e);
        }
        if (e instanceof ConnectException) return DeviceException.unreachable(address, "connection refused", e);
        return DeviceException.unreachable(address, "connection lost during " + request.method() + " " + request.uri().getPath()
                + (e == null || e.getMessage() == null ? "" : ": " + Printable.cut(e.getMessage(), 200)), e);
    }

    /** The body is larger than allowed. */
    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("answer body too large");
        }
    }

    /** Collects a body up to a limit; fails (and stops reading) past it. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (bytes.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

    /**
     * The failure for a status every request shares (401, 423, 404/410, 412, 413, 460, 5xx), or a protocol
     * error naming {@code what} for any other unexpected status.
     */
    DeviceException failure(Answer a, String what) {
        int s = a.status();
        return switch (s) {
            case 401, 403 -> DeviceException.authFailed(address);
            case 423 -> DeviceException.lockedOut(address, retryAfter(a));
            case 404, 410 -> new DeviceException(DeviceException.Reason.UPLOAD_GONE,
                    "The device at " + address + " no longer holds the transfer (" + what + ": HTTP " + s + "); it may have expired.",
                    "Run the same command again: the image is sent anew.", null, s, "", Duration.ZERO);
            case 412 -> DeviceException.protocol(address, "it does not speak tus 1.0.0 (it offers "
                    + (a.header("Tus-Version").isEmpty() ? "no version" : Printable.cut(a.header("Tus-Version"), 100)) + ")");
            case 413 -> new DeviceException(DeviceException.Reason.TOO_LARGE,
                    "The device at " + address + " refused the data as too large (" + what + ").",
                    "Check that the bundle is meant for this device.", null, s, "", Duration.ZERO);
            case 460 -> new DeviceException(DeviceException.Reason.CHECKSUM_REJECTED,
                    "A chunk arrived damaged at the device and was discarded.",
                    "The link damages data on its way (radio interference, a weak signal). Move the laptop closer to the device "
                            + "and run the same command again: the transfer continues where it stopped.", null, s, "", Duration.ZERO);
            default -> s >= 500 && s <= 599
                    ? new DeviceException(DeviceException.Reason.DEVICE_ERROR,
                            "The device at " + address + " failed on its side (" + what + ": HTTP " + s + ").",
                            "Run the same command again; if it keeps failing, restart the device.", null, s, "", retryAfter(a))
                    : DeviceException.protocol(address, "HTTP " + s + " to " + what);
        };
    }

    /** Retry-After as seconds or an HTTP date, at most {@link #MAX_RETRY_AFTER}; zero when absent or unreadable. */
    static Duration retryAfter(Answer a) {
        String v = a.header("Retry-After").trim();
        if (v.isEmpty()) return Duration.ZERO;
        Duration d;
        if (!v.isEmpty() && v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            // Digits only: seconds, however many (a number past the cap is the cap, never an overflow).
            String digits = v.replaceFirst("^0+(?=.)", "");
            d = digits.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(digits));
        } else {
            try {
                d = Duration.between(java.time.Instant.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)).toInstant());
            } catch (DateTimeParseException | ArithmeticException e) {
                return Duration.ZERO;
            }
        }
        if (d.isNegative()) return Duration.ZERO;
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
