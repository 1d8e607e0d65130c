package io.fieldflash.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the answers of a device in listening mode. Each answer is untrusted: bounded in size by the transport,
 * parsed strictly, and every failure is a {@link ProvisionException}, never another exception.
 */
public final class ParticleReply {
    /** Most networks taken from one scan. */
    public static final int MAX_NETWORKS = 256;
    private static final Pattern DEVICE_ID = Pattern.compile("[0-9A-Fa-f]{24}");

    private ParticleReply() {}

    /** {@code device-id}: the id (lower-case hex) and whether the device is claimed. */
    public record DeviceIdentity(String id, boolean claimed) {}

    /** One network of {@code scan-ap}. The SSID is as the device wrote it (the firmware does not escape it). */
    public record Network(String ssid, int rssi, long securityCode, int channel) {
        public Optional<Security> security() {
            return Security.ofCode(securityCode);
        }

        /** The security for a person: its name, or the number when it is none of the known ones. */
        public String securityName() {
            return security().map(Security::cliName).orElse("0x" + Long.toHexString(securityCode));
        }
    }

    /** {@code version}: the protocol version ({@code {"v":2}} on a Photon). */
    public static int version(String json) throws ProvisionException {
        JsonNode n = object("version", json);
        return intField("version", n, "v");
    }

    public static DeviceIdentity deviceId(String json) throws ProvisionException {
        JsonNode n = object("device-id", json);
        JsonNode id = n.get("id");
        if (id == null || !id.isTextual() || !DEVICE_ID.matcher(id.asText()).matches()) {
            throw malformed("device-id", "its \"id\" is not 24 hex digits");
        }
        JsonNode c = n.get("c");
        boolean claimed = c != null && ("1".equals(c.asText()));
        return new DeviceIdentity(id.asText().toLowerCase(java.util.Locale.ROOT), claimed);
    }

    public static DeviceKey publicKey(String json) throws ProvisionException {
        JsonNode n = object("public-key", json);
        int r = intField("public-key", n, "r");
        if (r != 0) throw ProvisionException.refused("public-key", r);
        JsonNode b = n.get("b");
        if (b == null || !b.isTextual()) throw malformed("public-key", "it has no \"b\"");
        return DeviceKey.parseHex(b.asText());
    }

    public static List<Network> scan(String json) throws ProvisionException {
        JsonNode n = object("scan-ap", json);
        JsonNode scans = n.get("scans");
        if (scans == null || !scans.isArray()) throw malformed("scan-ap", "it has no \"scans\" list");
        if (scans.size() > MAX_NETWORKS) throw malformed("scan-ap", "it lists " + scans.size() + " networks");
        List<Network> out = new ArrayList<>();
        for (JsonNode s : scans) {
            if (!s.isObject()) throw malformed("scan-ap", "an entry is not an object");
            JsonNode ssid = s.get("ssid");
            if (ssid == null || !ssid.isTextual() || ssid.asText().length() > 64) throw malformed("scan-ap", "an entry has no usable \"ssid\"");
            out.add(new Network(ssid.asText(), intField("scan-ap", s, "rssi"), longField("scan-ap", s, "sec"), intField("scan-ap", s, "ch")));
        }
        return List.copyOf(out);
    }

    /** {@code {"r":N}}: N; an empty answer means the device could not read the request. */
    public static int result(String command, String json) throws ProvisionException {
        return intField(command, object(command, json), "r");
    }

    private static JsonNode object(String command, String json) throws ProvisionException {
        if (json.isBlank()) {
            throw new ProvisionException(ProvisionException.Reason.NO_ANSWER,
                    "The device gave no answer to " + command + ": it could not read the request.",
                    "Check the values (a network name of 1-32 bytes, a known security type); if they are right, reset the device to listening mode and try again.");
        }
        if (json.length() > SoftApTransport.MAX_REPLY_BYTES) throw malformed(command, "it is too long");
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException | RuntimeException e) {
            throw malformed(command, "it is not JSON (" + Printable.cut(json, 80) + ")");
        }
        if (n == null || !n.isObject()) throw malformed(command, "it is not a JSON object");
        return n;
    }

    private static int intField(String command, JsonNode n, String field) throws ProvisionException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) throw malformed(command, "its \"" + field + "\" is not a whole number");
        return v.intValue();
    }

    private static long longField(String command, JsonNode n, String field) throws ProvisionException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw malformed(command, "its \"" + field + "\" is not a whole number");
        return v.longValue();
    }

    static ProvisionException malformed(String command, String why) {
        return new ProvisionException(ProvisionException.Reason.MALFORMED,
                "The device's answer to " + command + " is not what the set-up protocol says: " + why + ".",
                "Check that the address is a Particle device in listening mode (blinking blue).");
    }
}
