package io.fieldflash.sim.particle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a request the way the Photon does: one flat object of strings and primitives, each string kept exactly
 * as it stands between its quotes (escapes are not undone). Anything else is not a request it can read.
 */
final class FlatJson {
    /** A value: its raw text, and whether it was a string. */
    record Value(String raw, boolean string) {}

    private FlatJson() {}

    static Optional<Map<String, Value>> parse(String s) {
        Map<String, Value> out = new LinkedHashMap<>();
        int[] i = {0};
        skip(s, i);
        if (!eat(s, i, '{')) return Optional.empty();
        skip(s, i);
        if (eat(s, i, '}')) return end(s, i, out);
        while (true) {
            skip(s, i);
            Optional<String> key = string(s, i);
            if (key.isEmpty()) return Optional.empty();
            skip(s, i);
            if (!eat(s, i, ':')) return Optional.empty();
            skip(s, i);
            Value v;
            if (i[0] < s.length() && s.charAt(i[0]) == '"') {
                Optional<String> str = string(s, i);
                if (str.isEmpty()) return Optional.empty();
                v = new Value(str.get(), true);
            } else {
                int start = i[0];
                while (i[0] < s.length() && ",}] \t\r\n:{[\"".indexOf(s.charAt(i[0])) < 0) i[0]++;
                if (i[0] == start) return Optional.empty();
                v = new Value(s.substring(start, i[0]), false);
            }
            out.put(key.get(), v);
            skip(s, i);
            if (eat(s, i, ',')) continue;
            if (eat(s, i, '}')) return end(s, i, out);
            return Optional.empty();
        }
    }

    private static Optional<Map<String, Value>> end(String s, int[] i, Map<String, Value> out) {
        skip(s, i);
        return i[0] == s.length() ? Optional.of(out) : Optional.empty();
    }

    private static Optional<String> string(String s, int[] i) {
        if (!eat(s, i, '"')) return Optional.empty();
        int start = i[0];
        while (i[0] < s.length()) {
            char c = s.charAt(i[0]);
            if (c == '\\') {
                i[0] += 2;
            } else if (c == '"') {
                String raw = s.substring(start, i[0]);
                i[0]++;
                return Optional.of(raw);
            } else {
                i[0]++;
            }
        }
        return Optional.empty();
    }

    private static void skip(String s, int[] i) {
        while (i[0] < s.length() && " \t\r\n".indexOf(s.charAt(i[0])) >= 0) i[0]++;
    }

    private static boolean eat(String s, int[] i, char c) {
        if (i[0] < s.length() && s.charAt(i[0]) == c) {
            i[0]++;
            return true;
        }
        return false;
    }
}
