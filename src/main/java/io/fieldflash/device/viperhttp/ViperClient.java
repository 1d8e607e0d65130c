package io.fieldflash.device.viperhttp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fieldflash.AppInfo;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request to a ViperHTTP device's OTA routes: the token in both headers the device may read, one deadline for the
 * whole exchange, an answer of at most {@value #MAX_BODY} bytes, and the device's {@code {"detail": ...}} text kept
 * (escaped) for the sentence the person reads.
 */
final class ViperClient {
    static final int MAX_BODY = 64 * 1024;
    private static final String USER_AGENT = "FieldFlash/" + AppInfo.version();

    /** A device's answer: status, JSON body (missing when not JSON) and its {@code detail} text (empty when none). */
    record Answer(int status, JsonNode json, String detail) {
        boolean ok() {
            return status >= 200 && status <= 299;
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String address;
    private final String token;
    private final Duration timeout;

    ViperClient(HttpClient http, URI base, String address, String token, Duration timeout) {
        this.http = http;
        this.base = base;
        this.address = address;
        this.token = token;
        this.timeout = timeout;
    }

    String address() {
        return address;
    }

    Answer get(String route) throws DeviceException, InterruptedException {
        return send(request(route).GET().build());
    }

    Answer postJson(String route, JsonNode body) throws DeviceException, InterruptedException {
        return send(request(route).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    Answer postBytes(String route, byte[] buf, int off, int len) throws DeviceException, InterruptedException {
        return send(request(route).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(buf, off, len)).build());
    }

    private HttpRequest.Builder request(String route) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + route)).timeout(timeout).header("User-Agent", USER_AGENT);
        if (!token.isEmpty()) {
            // The released code reads X-OTA-Token; the project's documentation describes a bearer token. Both carry the same secret
            // to the same device, so both are sent.
            b.header("X-OTA-Token", token).header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Answer send(HttpRequest r) throws DeviceException, InterruptedException {
        Duration limit = timeout.plus(http.connectTimeout().orElse(Duration.ZERO));
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(r, HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), MAX_BODY));
        HttpResponse<byte[]> resp;
        String what = r.method() + " " + r.uri().getRawPath();
        try {
            resp = f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw DeviceException.unreachable(address, "no complete answer within " + limit.toSeconds() + " s to " + what, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpTimeoutException) throw DeviceException.unreachable(address, "no answer within " + timeout.toSeconds() + " s to " + what, c);
            if (c instanceof ConnectException) throw DeviceException.unreachable(address, "connection refused", c);
            if (c instanceof IOException io && String.valueOf(io.getMessage()).contains("limit")) {
                throw DeviceException.protocol(address, "an answer to " + what + " larger than " + MAX_BODY / 1024 + " KiB");
            }
            throw DeviceException.unreachable(address, "connection lost during " + what
                    + (c == null || c.getMessage() == null ? "" : ": " + Printable.cut(c.getMessage(), 200)), c);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(new String(resp.body(), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (json == null) json = MissingNode.getInstance();
        String detail = json.path("detail").isValueNode() ? json.path("detail").asText() : "";
        return new Answer(resp.statusCode(), json, detail);
    }

    /** The device's words, escaped and cut, for a sentence: {@code  ("ota session already active")}. */
    static String quoted(Answer a) {
        return a.detail().isEmpty() ? "" : " (\"" + Printable.cut(a.detail(), 200) + "\")";
    }

    /** The failure for an answer no caller handled: 401, 413, 409, 5xx, anything else. */
    DeviceException failure(Answer a, String what) {
        int s = a.status();
        String said = quoted(a);
        return switch (s) {
            case 401, 403 -> new DeviceException(Reason.AUTH_FAILED,
                    "The device at " + address + " refused the OTA token" + said + ".",
                    "Check the token (the one given to install_ota_routes in the device's firmware) and try again.",
                    null, s, "", Duration.ZERO);
            case 404 -> DeviceException.protocol(address, "it has no " + what + " route (HTTP 404; is it a ViperHTTP device with OTA routes?)");
            case 413 -> new DeviceException(Reason.TOO_LARGE, "The device at " + address + " refused the data as too large" + said + ".",
                    "Check that the bundle is meant for this device.", null, s, "", Duration.ZERO);
            case 409 -> new DeviceException(Reason.UPLOAD_BUSY, "The device at " + address + " refused " + what + said + ".",
                    "Run the same command again: FieldFlash aborts a session that is in the way.", null, s, "", Duration.ZERO);
            case 501 -> new DeviceException(Reason.INSTALL_REFUSED, "The device at " + address + " cannot update itself over the air" + said + ".",
                    "The device's firmware has no OTA partitions: update it over USB instead.", null, s, "", Duration.ZERO);
            default -> s >= 500 && s <= 599
                    ? new DeviceException(Reason.DEVICE_ERROR, "The device at " + address + " failed on its side (" + what + ": HTTP " + s + ")" + said + ".",
                            "Run the same command again; if it keeps failing, restart the device.", null, s, "", Duration.ZERO)
                    : new DeviceException(Reason.PROTOCOL_ERROR, "The device at " + address + " refused " + what + " (HTTP " + s + ")" + said + ".",
                            "Check that the bundle is meant for this device; if it is, report this message to the device vendor.",
                            null, s, "", Duration.ZERO);
        };
    }
}
