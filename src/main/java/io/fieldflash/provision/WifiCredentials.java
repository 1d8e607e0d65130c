package io.fieldflash.provision;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The site network a device is to join. Checked before anything is sent, against what a Photon stores: an SSID
 * of 1-32 bytes, a WPA passphrase of 8-63 bytes (or 64 hex digits), a WEP key of 5 or 13 bytes (10 or 26 hex
 * digits), no password on an open network. {@code channel} 0 means "any" (the device finds it).
 */
public record WifiCredentials(String ssid, String password, Security security, int channel) {
    /** Longest SSID, in bytes. */
    public static final int MAX_SSID_BYTES = 32;
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    /** Any rule broken is an IllegalArgumentException with a sentence for a person. */
    public WifiCredentials {
        int ssidBytes = ssid.getBytes(StandardCharsets.UTF_8).length;
        if (ssidBytes == 0) throw new IllegalArgumentException("the network name is empty");
        if (ssidBytes > MAX_SSID_BYTES) throw new IllegalArgumentException("the network name is " + ssidBytes + " bytes; a network name is at most 32");
        if (channel < 0 || channel > 165) throw new IllegalArgumentException("channel " + channel + " is not a Wi-Fi channel (1-14, 36-165; 0 for any)");
        int pwBytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (security == Security.OPEN) {
            if (pwBytes != 0) throw new IllegalArgumentException("an open network takes no password; give --security for a protected network");
        } else if (security.wep()) {
            boolean ok = pwBytes == 5 || pwBytes == 13 || ((pwBytes == 10 || pwBytes == 26) && HEX.matcher(password).matches());
            if (!ok) throw new IllegalArgumentException("a WEP key is 5 or 13 characters, or 10 or 26 hex digits (this one is " + pwBytes + " bytes)");
        } else {
            boolean ok = (pwBytes >= 8 && pwBytes <= 63) || (pwBytes == 64 && HEX.matcher(password).matches());
            if (!ok) throw new IllegalArgumentException("a WPA/WPA2 password is 8 to 63 characters, or 64 hex digits (this one is " + pwBytes + " bytes)");
        }
    }

    /** What a person should know before this is sent. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (ssid.indexOf('"') >= 0 || ssid.indexOf('\\') >= 0) {
            out.add("The network name contains \" or \\: a Photon stores it with the JSON escape (\\\" or \\\\) and will not find the network. "
                    + "Rename the network if you can.");
        } else if (WireJson.storedDifferently(ssid)) {
            out.add("The network name contains control characters: a Photon stores them as JSON escapes and will not find the network.");
        }
        return out;
    }
}
