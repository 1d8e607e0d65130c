package io.fieldflash.wifi;

import java.util.Locale;

/** Small helpers for reading the OS tools' human-readable output. */
final class ToolText {
    private ToolText() {}

    /** Lines without their line ending ({@code \n} or {@code \r\n}). */
    static java.util.List<String> lines(String text) {
        return text.lines().toList();
    }

    static boolean containsIgnoreCase(String text, String part) {
        return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }

    /**
     * The most telling line of a tool's output for a message: the first line starting with {@code Error},
     * else the first non-blank line; without an {@code Error:} prefix, at most 200 characters.
     */
    static String gist(String output) {
        String first = "";
        for (String line : output.lines().map(String::strip).toList()) {
            if (line.isEmpty()) continue;
            if (first.isEmpty()) first = line;
            if (line.regionMatches(true, 0, "error", 0, 5)) {
                first = line;
                break;
            }
        }
        String s = first.replaceFirst("(?i)^error:\\s*", "");
        if (s.isEmpty()) s = "no explanation given";
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** Text with every occurrence of the secret replaced, in case a tool ever echoes it. */
    static String scrub(String text, String secret) {
        if (secret == null || secret.isEmpty()) return text;
        return text.replace(secret, "******");
    }
}
