package io.fieldflash.update.report;

/** HTML text escaping for values that come from outside (bundle, device, log): nothing in them can become markup. */
final class Html {
    private Html() {}

    /**
     * {@code text} as HTML text or attribute value: {@code & < > " '} become entities; control characters other than
     * tab and line breaks, and the Unicode direction overrides that could make a line read differently from what it
     * holds (e.g. U+202E), are shown as visible escapes (U+202E as the six characters backslash, u, 2, 0, 2, E) instead.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t', '\n' -> out.append(c);
                default -> {
                    if (hidden(c)) out.append(String.format("\\u%04X", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static boolean hidden(char c) {
        return Character.isISOControl(c)
                || (c >= '\u202A' && c <= '\u202E')     // embeddings and overrides
                || (c >= '\u2066' && c <= '\u2069')     // isolates
                || c == '\u200E' || c == '\u200F' || c == '\u061C'
                || c == '\u2028' || c == '\u2029';
    }
}
