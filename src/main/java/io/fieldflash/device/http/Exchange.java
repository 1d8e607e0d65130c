package io.fieldflash.device.http;

import io.fieldflash.AppInfo;
import io.fieldflash.device.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * One HTTP exchange with a device: sends, reads a bounded answer, and turns transport failures and the
 * statuses every fieldflash-http/1 and tus request shares into {@link DeviceException}s with sentences.
 */
final class Exchange {
    /** Answers above this size are cut: a device's answers are small JSON objects. */
    static final int MAX_BODY = 256 * 1024;
    static final String USER_AGENT = "FieldFlash/" + AppInfo.version();

    /** A device's answer: status, headers and (bounded) body text. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    private final HttpClient http;
    private final String address;

    Exchange(HttpClient http, String address) {
        this.http = http;
        this.address = address;
    }

    String address() {
        return address;
    }

    HttpRequest.Builder request(URI uri, Duration timeout) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT);
    }

    /** Sends and reads the answer; any transport failure becomes a retryable {@code UNREACHABLE}. */
    Answer send(HttpRequest request) throws DeviceException, InterruptedException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw DeviceException.unreachable(address, "no connection within " + seconds(http.connectTimeout().orElse(Duration.ZERO)), e);
        } catch (HttpTimeoutException e) {
            throw DeviceException.unreachable(address, "no answer within " + seconds(request.timeout().orElse(Duration.ZERO))
                    + " to " + request.method() + " " + request.uri().getPath(), e);
        } catch (ConnectException e) {
            throw DeviceException.unreachable(address, "connection refused", e);
        } catch (IOException e) {
            throw DeviceException.unreachable(address, "connection lost during " + request.method() + " " + request.uri().getPath()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        String body;
        try (InputStream in = r.body()) {
            byte[] b = request.method().equals("HEAD") ? new byte[0] : in.readNBytes(MAX_BODY);
            body = new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DeviceException.unreachable(address, "connection lost while reading the answer to " + request.method() + " "
                    + request.uri().getPath(), e);
        }
        return new Answer(r.statusCode(), r.headers(), body);
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
                    + (a.header("Tus-Version").isEmpty() ? "no version" : a.header("Tus-Version")) + ")");
            case 413 -> new DeviceException(DeviceException.Reason.TOO_LARGE,
                    "The device at " + address + " refused the data as too large (" + what + ").",
                    "Check that the bundle is meant for this device.", null, s, "", Duration.ZERO);
            case 460 -> new DeviceException(DeviceException.Reason.CHECKSUM_REJECTED,
                    "A chunk arrived damaged at the device and was discarded.", "", null, s, "", Duration.ZERO);
            default -> s >= 500 && s <= 599
                    ? new DeviceException(DeviceException.Reason.DEVICE_ERROR,
                            "The device at " + address + " failed on its side (" + what + ": HTTP " + s + ").",
                            "Run the same command again; if it keeps failing, restart the device.", null, s, "", retryAfter(a))
                    : DeviceException.protocol(address, "HTTP " + s + " to " + what);
        };
    }

    /** Retry-After as seconds or an HTTP date; zero when absent or unreadable. */
    static Duration retryAfter(Answer a) {
        String v = a.header("Retry-After").trim();
        if (v.isEmpty()) return Duration.ZERO;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(java.time.Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return Duration.ZERO;
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
