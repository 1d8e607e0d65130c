package io.fieldflash.sim;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people type them: {@code 65536}, {@code 64KiB}, {@code 1MiB}, {@code 2M} (k and M are decimal). */
public final class ByteSize {
    private ByteSize() {}

    private static final Pattern FORM = Pattern.compile("(\\d{1,15})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    /**
     * Parses {@code text}; throws IllegalArgumentException naming {@code what} when it is not a byte count.
     */
    public static long parse(String what, String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " must be a number of bytes like 65536, 64KiB or 1MiB, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "", "b" -> 1;
            case "k", "kb" -> 1000;
            case "kib" -> 1024;
            case "m", "mb" -> 1000_000;
            case "mib" -> 1024 * 1024;
            case "g", "gb" -> 1000_000_000;
            default -> 1024L * 1024 * 1024;   // gib
        };
        return Math.multiplyExact(n, unit);
    }
}
