package io.fieldflash.wifi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A Windows WLAN profile (schema {@code http://www.microsoft.com/networking/WLAN/profile/v1}) for one
 * network: WPA2-Personal with AES, or open; manual connection mode so Windows never joins it on its own.
 * The SSID is given as hex as well as by name, so no character of it can be misread.
 */
final class WlanProfileXml {
    private WlanProfileXml() {}

    /** The profile as UTF-8 bytes; it holds the password in clear, so the caller wipes it after use. */
    static byte[] build(String profileName, String ssid, char[] password) {
        boolean open = password.length == 0;
        boolean rawKey = password.length == 64;
        String head = """
                <?xml version="1.0" encoding="UTF-8"?>
                <WLANProfile xmlns="http://www.microsoft.com/networking/WLAN/profile/v1">
                \t<name>%s</name>
                \t<SSIDConfig>
                \t\t<SSID>
                \t\t\t<hex>%s</hex>
                \t\t\t<name>%s</name>
                \t\t</SSID>
                \t</SSIDConfig>
                \t<connectionType>ESS</connectionType>
                \t<connectionMode>manual</connectionMode>
                \t<MSM>
                \t\t<security>
                \t\t\t<authEncryption>
                \t\t\t\t<authentication>%s</authentication>
                \t\t\t\t<encryption>%s</encryption>
                \t\t\t\t<useOneX>false</useOneX>
                \t\t\t</authEncryption>
                """.formatted(escape(profileName),
                HexFormat.of().withUpperCase().formatHex(ssid.getBytes(StandardCharsets.UTF_8)),
                escape(ssid), open ? "open" : "WPA2PSK", open ? "none" : "AES");
        String tail = """
                \t\t</security>
                \t</MSM>
                </WLANProfile>
                """;
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        if (!open) {
            out.writeBytes(("\t\t\t<sharedKey>\n\t\t\t\t<keyType>" + (rawKey ? "networkKey" : "passPhrase")
                    + "</keyType>\n\t\t\t\t<protected>false</protected>\n\t\t\t\t<keyMaterial>").getBytes(StandardCharsets.UTF_8));
            for (char c : password) {   // checked printable ASCII
                switch (c) {
                    case '&' -> out.writeBytes("&amp;".getBytes(StandardCharsets.US_ASCII));
                    case '<' -> out.writeBytes("&lt;".getBytes(StandardCharsets.US_ASCII));
                    case '>' -> out.writeBytes("&gt;".getBytes(StandardCharsets.US_ASCII));
                    case '"' -> out.writeBytes("&quot;".getBytes(StandardCharsets.US_ASCII));
                    case '\'' -> out.writeBytes("&apos;".getBytes(StandardCharsets.US_ASCII));
                    default -> out.write(c);
                }
            }
            out.writeBytes("</keyMaterial>\n\t\t\t</sharedKey>\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        byte[] xml = out.toByteArray();
        // ByteArrayOutputStream has no way to clear its buffer other than overwriting it
        out.reset();
        out.writeBytes(new byte[xml.length]);
        return xml;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
