package io.fieldflash;

/**
 * Makes text from outside FieldFlash (a bundle's manifest, a device's answer, a file name) safe to print on a
 * terminal or show in a label: nothing in it can move the cursor, change colours, erase a line or reorder the
 * text around it.
 *
 * <p>Escaped as {@code \}{@code xNN} / {@code \}{@code uNNNN}: C0 controls (tab, CR and LF included), DEL, C1
 * controls (U+0080–U+009F, which some terminals read as CSI), the bidirectional overrides, embeddings and
 * isolates (U+200E/F, U+202A–U+202E, U+2066–U+2069, U+061C), other invisible format characters that can hide
 * text (U+2028/9 line separators, U+FEFF), and unpaired surrogates. A backslash itself is doubled so that an
 * escape in the output always means one.
 */
public final class Printable {

    private Printable() {}

    /** {@code text} with every unsafe character escaped; {@code "(none)"} for null. */
    public static String of(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder out = null;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            String replacement = null;
            if (c == '\\') {
                replacement = "\\\\";
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            } else if (unsafe(c)) {
                replacement = c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
            }
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(length + 16).append(text, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Like {@link #of(String)}, but line feeds stay line breaks: for multi-line text such as release notes. */
    public static String lines(String text) {
        if (text == null) {
            return of(null);
        }
        String[] parts = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(of(parts[i]));
        }
        return out.toString();
    }

    /**
     * Like {@link #of(String)}, and cut to at most {@code maxChars} characters of the original text (with
     * "…" and the original length when cut): for values that are shown in an error but not yet authenticated.
     */
    public static String cut(String text, int maxChars) {
        if (text == null) {
            return of(null);
        }
        if (text.length() <= maxChars) {
            return of(text);
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return of(text.substring(0, end)) + "… (" + text.length() + " characters)";
    }

    /** Whether {@code c} must not reach a terminal as it is. */
    static boolean unsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029 || c == 0xfeff
                || Character.isSurrogate(c);
    }
}
