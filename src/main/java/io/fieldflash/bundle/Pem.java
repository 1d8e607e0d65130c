package io.fieldflash.bundle;

import io.fieldflash.Printable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Minimal PEM (RFC 7468) reading and writing.
 *
 * <p>Reading is one pass over the text, so its cost grows with the text's length and nothing else. Text outside
 * blocks is ignored (RFC 7468 allows explanations around them); a block that is begun must be well formed: a
 * label of capitals, digits and spaces, then only base64 and whitespace up to the matching END line.
 * A broken block is an error, never skipped, so that a damaged key file cannot quietly mean "fewer keys".
 */
public final class Pem {
    private Pem() {}

    /** Most blocks read from one text. */
    public static final int MAX_BLOCKS = 256;
    /** Longest base64 body of one block, in characters (whitespace included). */
    public static final int MAX_BODY_CHARS = 64 * 1024;
    /** Longest label, e.g. {@code PUBLIC KEY}. */
    public static final int MAX_LABEL_CHARS = 64;

    /** One PEM block: its label (e.g. {@code PUBLIC KEY}) and its DER bytes. */
    public record Block(String label, byte[] der) {}

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** Every block in {@code text}, in order; text between blocks is ignored, a malformed block is an error. */
    public static List<Block> decodeAll(String text) throws KeyException {
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        int length = text.length();
        while (true) {
            int begin = text.indexOf(BEGIN, at);
            if (begin < 0) return blocks;
            if (blocks.size() == MAX_BLOCKS) {
                throw new KeyException("The text has more than " + MAX_BLOCKS + " PEM blocks; no key file FieldFlash reads has that many.");
            }
            // label: up to the next five dashes, of allowed characters only
            int i = begin + BEGIN.length();
            int labelStart = i;
            while (i < length && i - labelStart <= MAX_LABEL_CHARS && labelChar(text.charAt(i))) i++;
            String label = text.substring(labelStart, i);
            if (label.isEmpty() || i - labelStart > MAX_LABEL_CHARS || !text.startsWith(DASHES, i)) {
                throw new KeyException("A PEM '-----BEGIN' line at character " + begin + " is malformed (" + quoted(text, begin) + ").");
            }
            i += DASHES.length();
            // body: base64 and whitespace only, up to "-----END <label>-----"
            int bodyStart = i;
            int base64Chars = 0;
            while (i < length && (base64Char(text.charAt(i)) || pemSpace(text.charAt(i)))) {
                if (base64Char(text.charAt(i))) base64Chars++;
                i++;
                if (i - bodyStart > MAX_BODY_CHARS) {
                    throw new KeyException("The PEM block labelled " + label + " is longer than " + MAX_BODY_CHARS
                            + " characters; no key FieldFlash reads is that long.");
                }
            }
            String end = END + label + DASHES;
            if (!text.startsWith(end, i)) {
                throw new KeyException("The PEM block labelled " + label + " is not closed by '" + end + "' after its base64 text"
                        + (i < length ? " (found " + quoted(text, i) + ")." : " (the text ends first)."));
            }
            char[] body = new char[base64Chars];
            int n = 0;
            for (int j = bodyStart; j < i; j++) {
                char c = text.charAt(j);
                if (base64Char(c)) body[n++] = c;
            }
            try {
                blocks.add(new Block(label, Base64.getDecoder().decode(new String(body))));
            } catch (IllegalArgumentException e) {
                throw new KeyException("A PEM block labelled " + label + " has invalid base64 text.", e);
            }
            at = i + end.length();
        }
    }

    /** The single block labelled {@code label}; fails when there is none or more than one. */
    public static byte[] decodeOne(String text, String label, String what) throws KeyException {
        List<Block> found = decodeAll(text).stream().filter(b -> b.label().equals(label)).toList();
        if (found.isEmpty()) throw new KeyException(what + " has no '-----BEGIN " + label + "-----' block.");
        if (found.size() > 1) throw new KeyException(what + " has more than one " + label + " block.");
        return found.getFirst().der();
    }

    private static boolean labelChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
    }

    private static boolean base64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    }

    private static boolean pemSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** A few characters of {@code text} from {@code at}, safe to print. */
    private static String quoted(String text, int at) {
        return "\"" + Printable.of(text.substring(at, Math.min(text.length(), at + 24))) + "\"";
    }
}
