package io.fieldflash.bundle;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal PEM (RFC 7468) reading and writing. */
public final class Pem {
    private Pem() {}

    /** One PEM block: its label (e.g. {@code PUBLIC KEY}) and its DER bytes. */
    public record Block(String label, byte[] der) {}

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** Every well-formed block in {@code text}, in order; text between blocks is ignored. */
    public static List<Block> decodeAll(String text) throws KeyException {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new KeyException("A PEM block labelled " + m.group(1) + " has invalid base64 text.", e);
            }
        }
        return blocks;
    }

    /** The single block labelled {@code label}; fails when there is none or more than one. */
    public static byte[] decodeOne(String text, String label, String what) throws KeyException {
        List<Block> found = decodeAll(text).stream().filter(b -> b.label().equals(label)).toList();
        if (found.isEmpty()) throw new KeyException(what + " has no '-----BEGIN " + label + "-----' block.");
        if (found.size() > 1) throw new KeyException(what + " has more than one " + label + " block.");
        return found.getFirst().der();
    }
}
