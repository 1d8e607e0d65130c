package io.fieldflash.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated crossing controller's settings ({@code GET}/{@code PUT /settings}): a fixed schema of the kind such
 * a unit has (site name, gate timers, time source, time zone, maintenance mode, access point password, serial
 * number), its values in {@code DIR/settings.json} (written through the {@link Disk}, so they survive a reboot and
 * take part in the power-cut faults). A change is checked whole before any of it is applied; a secret is never
 * answered in clear.
 */
final class SimSettings {
    private static final Logger LOG = LoggerFactory.getLogger(SimSettings.class);
    static final String FILE = "settings.json";
    static final String FORMAT = "fieldflash-sim-settings/1";
    /** Largest change request body accepted. */
    static final int MAX_BODY = 64 * 1024;

    /** One setting of the schema; {@code min/max} are lengths for text and secrets, the range for numbers. */
    record Entry(String key, String type, String label, String unit, long min, long max, List<String> choices, boolean readOnly,
                 Object factory) {}

    static final List<String> TIME_ZONES = List.of("UTC", "Europe/Berlin", "Europe/London", "Europe/Vienna", "Europe/Zurich",
            "Europe/Warsaw", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Australia/Sydney");

    static final List<Entry> SCHEMA = List.of(
            new Entry("siteName", "string", "Site name", "", 1, 40, List.of(), false, "Unnamed crossing"),
            new Entry("gateDownDelay", "int", "Gate-down delay", "s", 3, 30, List.of(), false, 8L),
            new Entry("gateUpDelay", "int", "Gate-up delay", "s", 1, 20, List.of(), false, 4L),
            new Entry("ntpServer", "string", "NTP server", "", 1, 253, List.of(), false, "pool.ntp.org"),
            new Entry("timeZone", "enum", "Time zone", "", 0, 0, TIME_ZONES, false, "UTC"),
            new Entry("maintenanceMode", "bool", "Maintenance mode", "", 0, 0, List.of(), false, false),
            new Entry("apPassword", "secret", "Access point password", "", 8, 63, List.of(), false, ""),
            new Entry("serialNumber", "string", "Serial number", "", 0, 0, List.of(), true, ""));

    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern WPA_PASSPHRASE = Pattern.compile("[\\x20-\\x7e]{8,63}");

    /** A value the device refuses: the setting and why. */
    static final class Refused extends Exception {
        final String field;

        Refused(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    private final Path file;
    private final Disk disk;
    private final String serialNumber;
    private Map<String, Object> values;

    private SimSettings(Path file, Disk disk, String serialNumber, Map<String, Object> values) {
        this.file = file;
        this.disk = disk;
        this.serialNumber = serialNumber;
        this.values = values;
    }

    /** Reads {@code DIR/settings.json}; the factory values where it is missing or unreadable. */
    static SimSettings load(Path stateDir, Disk disk, String deviceId) {
        Map<String, Object> v = factory();
        Path f = stateDir.resolve(FILE);
        if (Files.exists(f)) {
            try {
                JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(f)).path("values");
                for (Entry e : SCHEMA) {
                    JsonNode x = n.get(e.key());
                    if (x == null || e.readOnly()) continue;
                    v.put(e.key(), switch (e.type()) {
                        case "int" -> x.asLong();
                        case "bool" -> x.asBoolean();
                        default -> x.asText();
                    });
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} is unreadable ({}); the settings are back to their factory values", f, e.getMessage());
                v = factory();
            }
        }
        String serial = "CCX-" + deviceId.toUpperCase(Locale.ROOT).substring(0, Math.min(12, deviceId.length()));
        return new SimSettings(f, disk, serial, v);
    }

    private static Map<String, Object> factory() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Entry e : SCHEMA) if (!e.readOnly()) v.put(e.key(), e.factory());
        return v;
    }

    /**
     * A change request's body as JSON ({@link Request#json}: strict UTF-8).
     *
     * @throws IllegalArgumentException when it is not UTF-8 JSON (a 400)
     */
    static JsonNode parse(byte[] body) {
        return Request.json(body).orElseThrow(
                () -> new IllegalArgumentException("The body is not UTF-8 JSON; send {\"values\": {KEY: VALUE, ...}}."));
    }

    /** {@code {"schema": [...], "values": {...}}}; the secret's value is null, with {@code set} in its schema entry. */
    synchronized ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode schema = o.putArray("schema");
        ObjectNode vals = o.putObject("values");
        for (Entry e : SCHEMA) {
            ObjectNode s = schema.addObject().put("key", e.key()).put("type", e.type()).put("label", e.label());
            if (!e.unit().isEmpty()) s.put("unit", e.unit());
            switch (e.type()) {
                case "int" -> s.put("min", e.min()).put("max", e.max());
                case "string", "secret" -> {
                    if (!e.readOnly()) s.put("minLength", e.min()).put("maxLength", e.max());
                }
                case "enum" -> e.choices().forEach(s.putArray("choices")::add);
                default -> { }
            }
            s.put("readOnly", e.readOnly());
            if (e.readOnly()) {
                vals.put(e.key(), serialNumber);
                continue;
            }
            Object v = values.get(e.key());
            switch (e.type()) {
                case "secret" -> {
                    s.put("set", !((String) v).isEmpty());
                    vals.putNull(e.key());
                }
                case "int" -> vals.put(e.key(), (Long) v);
                case "bool" -> vals.put(e.key(), (Boolean) v);
                default -> vals.put(e.key(), (String) v);
            }
        }
        return o;
    }

    /**
     * Checks every value of {@code request} ({@code {"values": {...}}}), then applies them all and writes the file; a
     * refused value changes nothing.
     *
     * @return the keys changed
     * @throws IllegalArgumentException when the request is not of that shape (a 400)
     */
    synchronized List<String> apply(JsonNode request) throws Refused, IOException {
        if (request == null || !request.isObject() || !request.path("values").isObject()) {
            throw new IllegalArgumentException("The body must be JSON {\"values\": {KEY: VALUE, ...}} with the settings to change.");
        }
        JsonNode changes = request.get("values");
        if (changes.isEmpty()) throw new IllegalArgumentException("The request names no setting to change.");
        Map<String, Object> next = new LinkedHashMap<>(values);
        for (Map.Entry<String, JsonNode> c : changes.properties()) {
            String key = c.getKey();
            Entry e = SCHEMA.stream().filter(x -> x.key().equals(key)).findFirst()
                    .orElseThrow(() -> new Refused(key, "This device has no setting of that name."));
            next.put(key, check(e, c.getValue()));
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().put("format", FORMAT)
                .set("values", Json.MAPPER.valueToTree(next)));
        disk.replace(file, bytes, true);
        values = next;
        return List.copyOf(changes.properties().stream().map(Map.Entry::getKey).toList());
    }

    private static Object check(Entry e, JsonNode v) throws Refused {
        if (e.readOnly()) throw new Refused(e.key(), e.label() + " is set at the factory and cannot be changed.");
        switch (e.type()) {
            case "int" -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new Refused(e.key(), e.label() + " must be a whole number.");
                long n = v.asLong();
                if (n < e.min() || n > e.max()) {
                    throw new Refused(e.key(), e.label() + " must be from " + e.min() + " to " + e.max() + " " + e.unit() + ".");
                }
                return n;
            }
            case "bool" -> {
                if (!v.isBoolean()) throw new Refused(e.key(), e.label() + " must be true or false.");
                return v.asBoolean();
            }
            case "enum" -> {
                if (!v.isTextual() || !e.choices().contains(v.asText())) throw new Refused(e.key(), e.label() + " must be one of the listed choices.");
                return v.asText();
            }
            case "secret" -> {
                if (!v.isTextual() || !WPA_PASSPHRASE.matcher(v.asText()).matches()) {
                    throw new Refused(e.key(), e.label() + " must be 8 to 63 printable ASCII characters (a WPA2 passphrase).");
                }
                return v.asText();
            }
            default -> {
                if (!v.isTextual()) throw new Refused(e.key(), e.label() + " must be text.");
                String t = v.asText();
                int n = t.codePointCount(0, t.length());
                if (n < e.min() || n > e.max()) throw new Refused(e.key(), e.label() + " must be " + e.min() + " to " + e.max() + " characters.");
                if (t.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) throw new Refused(e.key(), e.label() + " must not hold control characters.");
                if (e.key().equals("ntpServer") && !hostName(t)) {
                    throw new Refused(e.key(), "\"" + io.fieldflash.Printable.cut(t, 60) + "\" is not a host name (letters, digits and '-', in parts separated by dots).");
                }
                return t;
            }
        }
    }

    /** An RFC 1123 host name (which covers dotted IPv4 addresses). */
    static boolean hostName(String t) {
        if (t.isEmpty() || t.length() > 253) return false;
        String s = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
        for (String label : s.split("\\.", -1)) if (!HOST_LABEL.matcher(label).matches()) return false;
        return true;
    }
}
