package io.fieldflash.ui.common;

import java.util.Locale;

/** How the wizard writes quantities for people. */
public final class Format {
    private Format() {}

    /** A byte count in binary units: {@code 512 B}, {@code 1.5 KiB}, {@code 3.0 MiB}, {@code 1.25 GiB}. */
    public static String bytes(long n) {
        return bytes(n, Locale.ROOT);
    }

    /** {@link #bytes(long)} with {@code locale}'s decimal mark (German: {@code 1,5 KiB}). */
    public static String bytes(long n, Locale locale) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(locale, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(locale, "%.1f MiB", n / (1024.0 * 1024));
        return String.format(locale, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
