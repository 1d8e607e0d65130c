package io.fieldflash.device.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.DeviceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The wire form of {@code /settings}: reads a device's answer (bounded: a hostile access point may send a huge or
 * odd schema) and writes a change request. Anything outside the limits is a protocol error naming what.
 */
final class SettingsJson {
    /** Most settings one device may list. */
    static final int MAX_SETTINGS = 256;
    /** Most choices one enum setting may list. */
    static final int MAX_CHOICES = 256;
    static final int MAX_UNIT = 32;
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private SettingsJson() {}

    static DeviceSettings parse(String body, String address) throws DeviceException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw bad(address, "its settings are not JSON");
        }
        if (n == null || !n.isObject()) throw bad(address, "its settings are not a JSON object");
        JsonNode schema = n.get("schema");
        JsonNode values = n.get("values");
        if (schema == null || !schema.isArray()) throw bad(address, "its settings have no \"schema\" list");
        if (values == null || !values.isObject()) throw bad(address, "its settings have no \"values\" object");
        if (schema.size() > MAX_SETTINGS) throw bad(address, "it lists " + schema.size() + " settings (at most " + MAX_SETTINGS + " are read)");
        List<SettingSpec> specs = new ArrayList<>();
        Map<String, SettingValue> vals = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode e : schema) {
            if (!e.isObject()) throw bad(address, "a settings schema entry is not an object");
            String key = text(e, "key", address, "", 64);
            if (!KEY.matcher(key).matches()) throw bad(address, "the setting name \"" + Printable.cut(key, 64) + "\" is not 1 to 64 letters, digits, '.', '_' or '-'");
            if (!seen.add(key)) throw bad(address, "the setting " + key + " is listed twice");
            String typeText = text(e, "type", address, key, 16);
            SettingType type = SettingType.ofWire(typeText)
                    .orElseThrow(() -> bad(address, "the setting " + key + " has the unknown type \"" + Printable.cut(typeText, 16) + "\""));
            String label = optionalText(e, "label", address, key, SettingSpec.MAX_TEXT);
            String unit = optionalText(e, "unit", address, key, MAX_UNIT);
            long min = optionalLong(e, "min", Long.MIN_VALUE, address, key);
            long max = optionalLong(e, "max", Long.MAX_VALUE, address, key);
            if (min > max) throw bad(address, "the setting " + key + " has min " + min + " above max " + max);
            int minLength = (int) optionalLong(e, "minLength", 0, address, key);
            int maxLength = (int) optionalLong(e, "maxLength", SettingSpec.MAX_TEXT, address, key);
            if (minLength < 0 || maxLength > SettingSpec.MAX_TEXT || minLength > maxLength) {
                throw bad(address, "the setting " + key + " has lengths " + minLength + " to " + maxLength
                        + " (0 to " + SettingSpec.MAX_TEXT + " are read)");
            }
            List<String> choices = new ArrayList<>();
            JsonNode c = e.get("choices");
            if (c != null && !c.isNull()) {
                if (!c.isArray()) throw bad(address, "the choices of " + key + " are not a list");
                if (c.size() > MAX_CHOICES) throw bad(address, "the setting " + key + " lists " + c.size() + " choices (at most " + MAX_CHOICES + ")");
                for (JsonNode ch : c) {
                    if (!ch.isTextual() || ch.asText().length() > SettingSpec.MAX_TEXT) throw bad(address, "a choice of " + key + " is not text of at most " + SettingSpec.MAX_TEXT + " characters");
                    choices.add(ch.asText());
                }
            }
            if (type == SettingType.ENUM && choices.isEmpty()) throw bad(address, "the setting " + key + " is a choice without choices");
            boolean readOnly = optionalBool(e, "readOnly", address, key);
            specs.add(new SettingSpec(key, type, label, unit, min, max, minLength, maxLength, choices, readOnly));
            vals.put(key, value(type, values.get(key), optionalBool(e, "set", address, key), address, key));
        }
        return new DeviceSettings(specs, vals);
    }

    private static SettingValue value(SettingType type, JsonNode v, boolean set, String address, String key) throws DeviceException {
        if (type == SettingType.SECRET) {
            // Whatever a device puts here is never read: a secret is reported only as set or not.
            return new SettingValue.Hidden(set);
        }
        if (v == null || v.isNull()) throw bad(address, "it gives no value for the setting " + key);
        return switch (type) {
            case STRING, ENUM -> {
                if (!v.isTextual() || v.asText().length() > SettingSpec.MAX_TEXT) {
                    throw bad(address, "the value of " + key + " is not text of at most " + SettingSpec.MAX_TEXT + " characters");
                }
                yield new SettingValue.Text(v.asText());
            }
            case INT -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) throw bad(address, "the value of " + key + " is not a whole number");
                yield new SettingValue.Whole(v.asLong());
            }
            case BOOL -> {
                if (!v.isBoolean()) throw bad(address, "the value of " + key + " is not true or false");
                yield new SettingValue.Flag(v.asBoolean());
            }
            case SECRET -> throw new IllegalStateException("handled above");
        };
    }

    /** {@code {"values": {KEY: VALUE}}} for the changed settings. */
    static String changeRequest(Map<String, SettingValue> changes) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode v = o.putObject("values");
        changes.forEach((key, value) -> {
            switch (value) {
                case SettingValue.Text t -> v.put(key, t.text());
                case SettingValue.Whole w -> v.put(key, w.number());
                case SettingValue.Flag f -> v.put(key, f.on());
                case SettingValue.Hidden h -> throw new IllegalArgumentException("a hidden secret cannot be sent; send its new text");
            }
        });
        return o.toString();
    }

    /** The refusal in a {@code 422} answer: the field named (may be empty) and the device's message (cut). */
    record Refusal(String error, String field, String message) {}

    static Refusal refusal(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.isObject()) {
                return new Refusal(cut(n.path("error").asText("")), cut(n.path("field").isTextual() ? n.get("field").asText() : ""),
                        cut(n.path("message").isTextual() ? n.get("message").asText() : ""));
            }
        } catch (IOException | RuntimeException e) {
            // no readable refusal
        }
        return new Refusal("", "", "");
    }

    private static String cut(String s) {
        return s.length() > 500 ? s.substring(0, 500) : s;
    }

    private static String text(JsonNode n, String field, String address, String key, int max) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().length() > max) {
            throw bad(address, (key.isEmpty() ? "a settings schema entry" : "the setting " + key) + " has no \"" + field + "\" text (of at most " + max + " characters)");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode n, String field, String address, String key, int max) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual() || v.asText().length() > max) throw bad(address, "the \"" + field + "\" of " + key + " is not text of at most " + max + " characters");
        return v.asText();
    }

    private static long optionalLong(JsonNode n, String field, long absent, String address, String key) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return absent;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw bad(address, "the \"" + field + "\" of " + key + " is not a whole number");
        return v.asLong();
    }

    private static boolean optionalBool(JsonNode n, String field, String address, String key) throws DeviceException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw bad(address, "the \"" + field + "\" of " + key + " is not true or false");
        return v.asBoolean();
    }

    private static DeviceException bad(String address, String what) {
        return DeviceException.protocol(address, what);
    }
}
