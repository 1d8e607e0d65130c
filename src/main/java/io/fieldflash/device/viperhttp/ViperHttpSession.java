package io.fieldflash.device.viperhttp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceException.Reason;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import java.time.Duration;

/** An open connection to a ViperHTTP device's OTA routes. One request per method; the job decides on retries. */
final class ViperHttpSession implements DeviceSession {
    private final java.net.http.HttpClient http;
    private final ViperClient client;
    private final int chunkSize;
    /** The chunk route: {@code /chunk} (released code) until a device answers 404, then {@code /write} (documented). */
    String chunkRoute = "/chunk";

    ViperHttpSession(java.net.http.HttpClient http, ViperClient client, int chunkSize) {
        this.http = http;
        this.client = client;
        this.chunkSize = chunkSize;
    }

    ViperClient client() {
        return client;
    }

    /** {@code GET /ota/status}: whether it can update over the air, and the session it holds. */
    JsonNode status() throws DeviceException, InterruptedException {
        ViperClient.Answer a = client.get("/status");
        if (!a.ok()) throw client.failure(a, "GET /ota/status");
        if (!a.json().isObject()) throw DeviceException.protocol(client.address(), "its /ota/status answer is not a JSON object");
        return a.json();
    }

    @Override
    public DeviceInfo identify() throws DeviceException, InterruptedException {
        JsonNode s = status();
        String running = s.path("running_partition").path("label").asText("");
        long capacity = s.path("next_update_partition").path("size").asLong(0);
        DeviceInfo.UploadState upload = DeviceInfo.UploadState.NONE;
        JsonNode session = s.path("session");
        if (session.path("active").asBoolean(false)) {
            upload = new DeviceInfo.UploadState.InProgress("/ota/status#" + session.path("id").asText(""),
                    session.path("written_bytes").asLong(0), session.path("expected_size").asLong(-1), "",
                    session.path("expected_sha256").asText(""));
        }
        String version = running.isEmpty() ? "unknown" : "unknown (running from " + running + ")";
        return new DeviceInfo(ViperHttpDevice.PROTOCOL, "", "", client.address(), new DeviceInfo.Firmware(version, 0, false),
                capacity, chunkSize, upload);
    }

    /** Checks the token with the one request that changes nothing. */
    @Override
    public void checkAccess() throws DeviceException, InterruptedException {
        status();
    }

    @Override
    public ImageTransfer openTransfer(ImageSource image, String resumeHandle) throws DeviceException, InterruptedException {
        JsonNode s = status();
        if (s.has("supported") && !s.path("supported").asBoolean(true)) {
            throw new DeviceException(Reason.INSTALL_REFUSED, "The device at " + client.address() + " says it cannot update over the air.",
                    "Its firmware has no OTA partitions: update it over USB instead.");
        }
        long capacity = s.path("next_update_partition").path("size").asLong(0);
        if (capacity > 0 && image.size() > capacity) {
            throw new DeviceException(Reason.TOO_LARGE, "The image \"" + Printable.cut(image.name(), 80) + "\" (" + image.size()
                    + " bytes) does not fit the device's update partition (" + capacity + " bytes).",
                    "Check that the bundle is meant for this device and its partition table.");
        }
        JsonNode session = s.path("session");
        if (session.path("active").asBoolean(false)) {
            if (session.path("expected_size").asLong(-1) == image.size() && session.path("expected_sha256").asText("").equalsIgnoreCase(image.sha256())) {
                return new ViperHttpTransfer(this, image, chunkSize, true, session.path("written_bytes").asLong(0));
            }
            abort();    // another image's session, or one left by a failed run: it blocks ours
        }
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("expected_size", image.size()).put("expected_sha256", image.sha256())
                .put("size", image.size()).put("sha256", image.sha256());     // the documented names, for devices built after the docs
        for (int attempt = 1; ; attempt++) {
            ViperClient.Answer a = client.postJson("/begin", body);
            if (a.ok()) return new ViperHttpTransfer(this, image, chunkSize, false, 0);
            if (a.status() == 409 && attempt == 1) {
                abort();      // "ota session already active": someone began between our status and our begin
                continue;
            }
            if (a.status() == 400 && a.detail().contains("exceeds")) {
                throw new DeviceException(Reason.TOO_LARGE, "The device at " + client.address() + " refused the image as too large"
                        + ViperClient.quoted(a) + ".", "Check that the bundle is meant for this device and its partition table.",
                        null, 400, "", Duration.ZERO);
            }
            throw client.failure(a, "POST /ota/begin");
        }
    }

    void abort() throws DeviceException, InterruptedException {
        ViperClient.Answer a = client.postJson("/abort", Json.MAPPER.createObjectNode());
        if (!a.ok()) throw client.failure(a, "POST /ota/abort");
    }

    /**
     * {@code POST /ota/finalize}: the device compares the SHA-256 of what it holds with the one given at begin, and marks the
     * new partition to boot next. It is not told to restart (the code resets before it answers, so the verdict would be lost).
     */
    @Override
    public void install(ImageTransfer transfer, InstallRequest request) throws DeviceException, InterruptedException {
        if (!(transfer instanceof ViperHttpTransfer)) throw new IllegalArgumentException("not a transfer of this session");
        ObjectNode body = Json.MAPPER.createObjectNode().put("set_boot", true).put("reboot", false).put("strict_size", true)
                .put("sha256", request.sha256());
        ViperClient.Answer a = client.postJson("/finalize", body);
        if (a.ok()) {
            String sha = a.json().path("sha256").asText("");
            if (!sha.isEmpty() && !sha.equalsIgnoreCase(request.sha256())) {
                throw DeviceException.protocol(client.address(), "it finalized an image with SHA-256 " + Printable.cut(sha, 64)
                        + ", not " + request.sha256());
            }
            return;
        }
        if (a.status() == 409) {
            String d = a.detail();
            if (d.contains("not active")) {
                throw new DeviceException(Reason.UPLOAD_GONE, "The device at " + client.address() + " no longer holds the transfer"
                        + ViperClient.quoted(a) + ".", "Run the same command again: the image is sent anew.", null, 409, "", Duration.ZERO);
            }
            boolean hash = d.contains("sha256");
            throw new DeviceException(Reason.INSTALL_REFUSED, "The device at " + client.address() + " refused the image it received"
                    + ViperClient.quoted(a) + ".",
                    (hash ? "The image arrived damaged. " : "The device holds an incomplete image. ")
                            + "Run the same command again: the image is sent anew. It still runs its old firmware.",
                    null, 409, hash ? "HASH_MISMATCH" : "INCOMPLETE", Duration.ZERO);
        }
        throw client.failure(a, "POST /ota/finalize");
    }

    @Override
    public void reboot() {
        throw new UnsupportedOperationException("ViperHTTP has no restart route");
    }

    @Override
    public void confirm() {
        throw new UnsupportedOperationException("ViperHTTP's mark-valid is not used: no trial boot");
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
