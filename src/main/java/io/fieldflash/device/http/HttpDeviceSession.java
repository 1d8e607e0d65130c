package io.fieldflash.device.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An open connection to a fieldflash-http/1 device. One request per method; no retries (the job decides). */
final class HttpDeviceSession implements DeviceSession {
    private final HttpClient http;
    private final Exchange exchange;
    private final URI api;
    private final String address;
    private final String token;
    private final HttpSettings settings;
    private final TusClient tus;
    /** The unit that answered this session's first {@code /info}: every later answer must be the same unit. */
    private DeviceInfo firstSeen;

    HttpDeviceSession(HttpClient http, URI api, String address, String token, HttpSettings settings) {
        this.http = http;
        this.exchange = new Exchange(http, address);
        this.api = api;
        this.address = address;
        this.token = token;
        this.settings = settings;
        this.tus = new TusClient(exchange, URI.create(api + "/uploads"), token, settings);
    }

    @Override
    public DeviceInfo identify() throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(exchange.request(URI.create(api + "/info"), settings.requestTimeout()).GET().build());
        if (a.status() != 200) {
            if (a.status() == 404) {
                throw DeviceException.protocol(address, "it has no " + HttpDevice.API_PATH + "/info (is it a FieldFlash device?)");
            }
            throw exchange.failure(a, "GET /info");
        }
        DeviceInfo info = InfoJson.parse(a.body(), address);
        if (firstSeen == null) firstSeen = info;
        return info;
    }

    @Override
    public ImageTransfer openTransfer(ImageSource image, String resumeHandle) throws DeviceException, InterruptedException {
        // This /info comes after the job's own identity check: a unit swapped in between must get no byte either.
        DeviceInfo first = firstSeen;
        DeviceInfo info = identify();
        if (first != null && !DeviceException.sameUnit(info, first)) {
            throw DeviceException.otherDevice(address, "before the transfer of \"" + Printable.of(image.name()) + "\"", info, first);
        }
        int chunk = Math.max(1, Math.min(settings.chunkSize(), info.maxChunkSize()));
        if (info.upload() instanceof DeviceInfo.UploadState.InProgress up) {
            URI location = resolve(up.location());
            if (up.sha256().equals(image.sha256()) && up.image().equals(image.name()) && up.length() == image.size()) {
                return new TusTransfer(tus, location, image, chunk, true, true, -1);
            }
            // A transfer of something else (another image, or a foreign tus upload without a hash): it would block
            // ours (one upload at a time).
            tus.delete(location);
        } else if (!resumeHandle.isEmpty()) {
            URI hinted = hinted(resumeHandle);
            if (hinted != null && exchange.sameOrigin(hinted)) {
                try {
                    TusClient.UploadStatus s = tus.head(hinted);
                    if (s.length() == image.size()) return new TusTransfer(tus, hinted, image, chunk, true, true, s.offset());
                    tus.delete(hinted);
                } catch (DeviceException e) {
                    if (e.reason() != DeviceException.Reason.UPLOAD_GONE) throw e;
                }
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("image", image.name());
        meta.put("sha256", image.sha256());
        URI location = tus.create(image.size(), meta);
        return new TusTransfer(tus, location, image, chunk, true, false, 0);
    }

    @Override
    public void install(ImageTransfer transfer, InstallRequest request) throws DeviceException, InterruptedException {
        if (!(transfer instanceof TusTransfer t)) throw new IllegalArgumentException("not a transfer of this session");
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("sha256", request.sha256())
                .put("manifest", Base64.getEncoder().encodeToString(request.manifest()))
                .put("signatures", Base64.getEncoder().encodeToString(request.signatures()));
        Exchange.Answer a = exchange.send(authorized(URI.create(t.location() + "/install"), settings.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        if (a.status() == 200 || a.status() == 204) return;
        if (a.status() == 422) throw InstallRefusal.of(address, field(a.body(), "error"));
        if (a.status() == 409 && field(a.body(), "error").equals("TRIAL_UNCONFIRMED")) {
            throw new DeviceException(DeviceException.Reason.TRIAL_UNCONFIRMED,
                    "The device at " + address + " refused to install \"" + Printable.of(request.image()) + "\": it runs firmware on trial, "
                            + "and installs nothing until that is confirmed or reverted.",
                    "Restart the device: it returns to its confirmed firmware (a firmware on trial is reverted at a restart). "
                            + "Then run the same command again.", null, 409, "TRIAL_UNCONFIRMED", Duration.ZERO);
        }
        throw exchange.failure(a, "install");
    }

    /** The upload id the token check asks for: shaped like an id, never issued by a device. */
    static final String ACCESS_PROBE_ID = "000000000000000000000000";

    /**
     * An authenticated {@code HEAD} of an upload that cannot exist: a device that accepts the token answers
     * {@code 404}; a wrong token gets {@code 401}, a locked-out laptop {@code 423}.
     */
    @Override
    public void checkAccess() throws DeviceException, InterruptedException {
        URI probe = URI.create(api + "/uploads/" + ACCESS_PROBE_ID);
        Exchange.Answer a = exchange.send(authorized(probe, settings.requestTimeout())
                .header("Tus-Resumable", "1.0.0").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        if (a.status() == 404) return;
        throw exchange.failure(a, "HEAD " + probe.getPath());
    }

    @Override
    public void reboot() throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(authorized(URI.create(api + "/reboot"), settings.requestTimeout())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (a.status() == 409 && field(a.body(), "error").equals("INSTALL_INCOMPLETE")) throw DeviceException.installIncomplete(address, missing(a.body()));
        if (a.status() != 202 && a.status() != 200 && a.status() != 204) throw exchange.failure(a, "reboot");
    }

    @Override
    public void confirm() throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(authorized(URI.create(api + "/confirm"), settings.requestTimeout())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (a.status() != 200 && a.status() != 204) throw exchange.failure(a, "confirm");
        String state = field(a.body(), "state");
        if (!state.isEmpty() && !state.equals("confirmed")) {
            throw DeviceException.protocol(address, "it answered the confirmation with state \"" + Printable.cut(state, 100) + "\"");
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    private HttpRequest.Builder authorized(URI uri, Duration timeout) {
        return exchange.request(uri, timeout).header("Authorization", "Bearer " + token);
    }

    /** The resume file's upload URL, or null when it is not one. */
    private URI hinted(String handle) {
        try {
            return api.resolve(handle);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private URI resolve(String location) throws DeviceException {
        return exchange.resolve(api, location);
    }

    /** The most image names read from an {@code INSTALL_INCOMPLETE} answer (a bundle has a handful). */
    static final int MAX_MISSING = 64;

    /** The text items of the answer's {@code missing} array (at most {@link #MAX_MISSING}); empty when absent or unreadable. */
    private static List<String> missing(String body) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.path("missing").isArray()) {
                for (JsonNode item : n.get("missing")) {
                    if (item.isTextual() && out.size() < MAX_MISSING) out.add(item.asText());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no readable list: the job sends every image again
        }
        return out;
    }

    /** A text field of a JSON answer; empty when absent or unreadable. */
    private static String field(String body, String name) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.path(name).isTextual()) return n.get(name).asText();
        } catch (IOException | RuntimeException e) {
            // fall through: no readable field
        }
        return "";
    }
}
