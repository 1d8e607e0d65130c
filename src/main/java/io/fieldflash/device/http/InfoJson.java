package io.fieldflash.device.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import java.io.IOException;

/** Reads the {@code GET /info} answer; a field missing or of the wrong type is a protocol error naming it. */
final class InfoJson {
    private InfoJson() {}

    static DeviceInfo parse(String body, String address) throws DeviceException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw DeviceException.protocol(address, "/info is not JSON");
        }
        if (n == null || !n.isObject()) throw DeviceException.protocol(address, "/info is not a JSON object");
        String protocol = text(n, "protocol", address);
        if (!protocol.equals(HttpDevice.PROTOCOL)) {
            throw DeviceException.protocol(address, "it speaks \"" + io.fieldflash.Printable.cut(protocol, 80) + "\", not " + HttpDevice.PROTOCOL);
        }
        JsonNode fw = n.get("firmware");
        if (fw == null || !fw.isObject()) throw DeviceException.protocol(address, "/info has no \"firmware\" object");
        DeviceInfo.Firmware firmware = new DeviceInfo.Firmware(text(fw, "version", address),
                number(fw, "securityCounter", address), bool(fw, "trial", address), optionalText(fw, "manifestSha256", address));
        long maxChunk = number(n, "maxChunkSize", address);
        if (maxChunk < 1) throw DeviceException.protocol(address, "/info gives maxChunkSize " + maxChunk);
        DeviceInfo.UploadState upload = DeviceInfo.UploadState.NONE;
        JsonNode up = n.get("upload");
        if (up != null && !up.isNull()) {
            if (!up.isObject()) throw DeviceException.protocol(address, "/info \"upload\" is not an object");
            // image and sha256 may be null: an upload made by a plain tus client (it is deleted, not resumed)
            upload = new DeviceInfo.UploadState.InProgress(text(up, "location", address), number(up, "offset", address),
                    number(up, "length", address), optionalText(up, "image", address), optionalText(up, "sha256", address));
        }
        return new DeviceInfo(protocol, text(n, "product", address), text(n, "hardware", address), text(n, "deviceId", address),
                firmware, number(n, "maxImageSize", address), (int) Math.min(Integer.MAX_VALUE, maxChunk), upload,
                n.path("settings").isBoolean() && n.get("settings").asBoolean());
    }

    private static String text(JsonNode n, String field, String address) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw DeviceException.protocol(address, "/info field \"" + field + "\" is missing or not text");
        return v.asText();
    }

    /** A text field that may be absent or null (then empty). */
    private static String optionalText(JsonNode n, String field, String address) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw DeviceException.protocol(address, "/info field \"" + field + "\" is not text");
        return v.asText();
    }

    private static long number(JsonNode n, String field, String address) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw DeviceException.protocol(address, "/info field \"" + field + "\" is missing or not a whole number");
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode n, String field, String address) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) throw DeviceException.protocol(address, "/info field \"" + field + "\" is missing or not true/false");
        return v.asBoolean();
    }
}
