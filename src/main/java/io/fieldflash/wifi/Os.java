package io.fieldflash.wifi;

import java.util.Locale;

/** The operating systems FieldFlash has a Wi-Fi adapter for. */
enum Os {
    LINUX, WINDOWS, MACOS, OTHER;

    static Os current() {
        return of(System.getProperty("os.name", ""));
    }

    static Os of(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("windows")) return WINDOWS;
        if (n.contains("mac") || n.contains("darwin")) return MACOS;
        if (n.contains("linux")) return LINUX;
        return OTHER;
    }
}
