package io.fieldflash.wifi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides from its name whether a Wi-Fi network looks like a device in access-point (SoftAP) mode.
 *
 * <p>Each pattern is a Java regular expression that must match the <em>whole</em> SSID, ignoring case.
 * The defaults cover common factory names; vendors add theirs from settings with
 * {@link #withVendorPatterns}. A network that matches is listed first; the wizard can still show all.
 */
public final class SoftApPatterns {

    /** The built-in patterns, each for a well-known way devices name their setup access point. */
    public static final List<String> DEFAULT_PATTERNS = List.of(
            // Espressif SDK default SoftAP name: ESP_ and the last three bytes of the MAC, e.g. ESP_1A2B3C
            "ESP_[0-9A-F]{6}",
            // Arduino/ESP-IDF sketches and many vendors: ESP32-1A2B, ESP8266_Setup, ESP32-C3-OTA ...
            "ESP(32|8266)([-_ ].*)?",
            // WiFiManager's default: ESP and the chip id in decimal
            "ESP[0-9]{5,10}",
            // FieldFlash-aware firmware
            "FieldFlash([-_ ].*)?",
            "FF-.+",
            // generic setup and update access points: Pump-Setup, CX200_OTA ...
            ".+[-_ ]Setup",
            ".+[-_ ]OTA",
            // ElegantOTA examples
            "ElegantOTA.*",
            // ESPHome's fallback hotspot: "<node> Fallback Hotspot"
            ".+ Fallback Hotspot",
            // Particle Photon and P2 in listening mode: Photon-XXXX, P2-XXXX
            "(Photon|P2)-[0-9A-Z]{4}");

    private static final SoftApPatterns DEFAULTS = new SoftApPatterns(compileAll(DEFAULT_PATTERNS));

    private final List<Pattern> patterns;

    private SoftApPatterns(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** The built-in patterns only. */
    public static SoftApPatterns defaults() {
        return DEFAULTS;
    }

    /** Exactly these patterns (no defaults). */
    public static SoftApPatterns of(Collection<String> regexes) throws WifiException {
        return new SoftApPatterns(compileChecked(regexes));
    }

    /** These patterns plus the vendor's; blank entries are skipped. */
    public SoftApPatterns withVendorPatterns(Collection<String> regexes) throws WifiException {
        List<Pattern> all = new ArrayList<>(patterns);
        all.addAll(compileChecked(regexes));
        return new SoftApPatterns(all);
    }

    /** Whether a network of this name looks like a device's access point. */
    public boolean looksLikeDevice(String ssid) {
        for (Pattern p : patterns) {
            if (p.matcher(ssid).matches()) return true;
        }
        return false;
    }

    /** The patterns in use, as written. */
    public List<String> patterns() {
        return patterns.stream().map(Pattern::pattern).toList();
    }

    private static List<Pattern> compileChecked(Collection<String> regexes) throws WifiException {
        List<Pattern> out = new ArrayList<>();
        for (String regex : regexes) {
            if (regex == null || regex.isBlank()) continue;
            try {
                out.add(compile(regex.strip()));
            } catch (PatternSyntaxException e) {
                throw new WifiException(WifiException.Reason.INVALID_INPUT,
                        "The device network pattern \"" + regex + "\" in the settings is not a valid regular expression: "
                                + e.getDescription() + ".",
                        "Fix the pattern in the settings, e.g. Acme-[0-9A-F]{4} or .*-Setup.", e);
            }
        }
        return out;
    }

    private static List<Pattern> compileAll(List<String> regexes) {
        return regexes.stream().map(SoftApPatterns::compile).toList();
    }

    private static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    @Override
    public String toString() {
        return "SoftApPatterns" + patterns();
    }
}
