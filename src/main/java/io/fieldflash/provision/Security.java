package io.fieldflash.provision;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Wi-Fi security types as the Particle SoftAP protocol numbers them ({@code sec} of {@code configure-ap} and
 * {@code scan-ap}): the WICED security word, bit 0x00200000 WPA, 0x00400000 WPA2, 0x4 AES, 0x2 TKIP.
 */
public enum Security {
    OPEN("open", 0),
    WEP("wep", 0x1),
    WEP_SHARED("wep-shared", 0x8001),
    WPA_TKIP("wpa-tkip", 0x00200002),
    WPA_AES("wpa-aes", 0x00200004),
    WPA2_AES("wpa2-aes", 0x00400004),
    WPA2_TKIP("wpa2-tkip", 0x00400002),
    WPA2_MIXED("wpa2-mixed", 0x00400006);

    private final String cliName;
    private final int code;

    Security(String cliName, int code) {
        this.cliName = cliName;
        this.code = code;
    }

    /** The name on the command line, e.g. {@code wpa2-aes}. */
    public String cliName() {
        return cliName;
    }

    /** The number the device takes and reports. */
    public int code() {
        return code;
    }

    public boolean wep() {
        return this == WEP || this == WEP_SHARED;
    }

    /** The type for a command-line name. */
    public static Optional<Security> ofName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(s -> s.cliName.equals(n)).findFirst();
    }

    /** The type a device reports, if it is one of these. */
    public static Optional<Security> ofCode(long code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst();
    }
}
