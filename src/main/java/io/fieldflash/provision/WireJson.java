package io.fieldflash.provision;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request JSON as the firmware needs it. The Photon copies string values as they stand between the quotes (it
 * does not undo escapes), so a string carries no escape it does not need: only {@code "}, {@code \} and control
 * characters are escaped; {@code /} and non-ASCII characters go as they are (UTF-8).
 */
public final class WireJson {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private WireJson() {}

    public static WireJson object() {
        return new WireJson();
    }

    public WireJson put(String key, String value) {
        fields.put(key, value);
        return this;
    }

    public WireJson put(String key, long value) {
        fields.put(key, value);
        return this;
    }

    /** The object as compact JSON, fields in the order they were put. */
    public String text() {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) out.append(',');
            first = false;
            string(out, e.getKey());
            out.append(':');
            if (e.getValue() instanceof String s) string(out, s);
            else out.append(e.getValue());
        }
        return out.append('}').toString();
    }

    /** Appends {@code s} as a JSON string with only the escapes JSON requires. */
    public static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** Whether a Photon would store {@code s} differently from what it is (it keeps escapes as typed). */
    public static boolean storedDifferently(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) return true;
        }
        return false;
    }
}
