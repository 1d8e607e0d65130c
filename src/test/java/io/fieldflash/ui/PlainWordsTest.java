package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every text the wizard can show comes from its resource bundles; none of them, in any language, speaks the jargon a
 * technician met in the first-use trial (issue 11): tool names, addresses, URL paths, hashes, counters, reason codes,
 * HTTP methods, byte offsets, port names and command-line wording. Such detail belongs behind the "Details"
 * disclosure, whose texts are the keys under {@code details.} (or {@code <page>.details.}) and are not scanned.
 */
class PlainWordsTest {
    /** The bundles the wizard reads, by language. */
    static final List<String> BUNDLES = List.of("messages.properties", "messages_de.properties");

    /** What must not appear on the main path, each with why. */
    static final Map<String, Pattern> JARGON = jargon();

    private static Map<String, Pattern> jargon() {
        Map<String, Pattern> j = new TreeMap<>();
        j.put("an OS Wi-Fi tool's name", Pattern.compile("(?i)\\b(nmcli|netsh|networksetup|NetworkManager)\\b"));
        j.put("an IP address", Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b|(?i)\\blocalhost\\b"));
        j.put("a protocol URL path", Pattern.compile("/fieldflash/v1|/info\\b|/update\\b"));
        j.put("a hash name", Pattern.compile("(?i)sha-?256|\\bmd5\\b"));
        j.put("ZIP internals", Pattern.compile("(?i)end-of-central-directory|central directory"));
        j.put("an ISO timestamp", Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}"));
        j.put("the security counter", Pattern.compile("(?i)security (level|counter)|Sicherheits(stufe|zähler)"));
        j.put("a reason code", Pattern.compile("(?i)reason code|Code for support|Fehlercode|Grundcode"));
        j.put("an HTTP method", Pattern.compile("\\b(GET|PUT|POST|PATCH|DELETE|HEAD) /|\\bPATCH\\b"));
        j.put("a byte offset", Pattern.compile("(?i)\\bbyte \\d+ (of|von)\\b|\\bat byte\\b|\\boffset\\b"));
        j.put("a raw port name", Pattern.compile("/dev/|\\bCOM\\d|Physical Port"));
        j.put("command-line wording", Pattern.compile("(?i)run the (same )?command|command line|\\bthe command\\b"
                + "|Befehl|Kommandozeile|(^|\\s)--[a-z]|(?-i:\\bfieldflash [a-z])"));
        j.put("a key ID value", Pattern.compile("\\b[0-9a-f]{16,}\\b"));
        j.put("image metadata jargon", Pattern.compile("\\bTLVs?\\b"));
        return j;
    }

    static Properties load(String file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = PlainWordsTest.class.getResourceAsStream("/io/fieldflash/ui/" + file)) {
            if (in == null) return p;
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    /**
     * Whether {@code key} is text for a Details disclosure: keys under {@code details.}, or a page's own
     * {@code <page>.details.} keys (e.g. the provisioning window's address fields).
     */
    static boolean detailsOnly(String key) {
        return key.startsWith("details.") || key.contains(".details.");
    }

    @Test
    void noWizardTextSpeaksJargonOutsideDetails() throws IOException {
        List<String> found = new ArrayList<>();
        for (String bundle : BUNDLES) {
            Properties p = load(bundle);
            for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
                if (detailsOnly(key)) continue;
                String value = p.getProperty(key);
                JARGON.forEach((why, pattern) -> {
                    if (pattern.matcher(value).find()) found.add(bundle + " " + key + " (" + why + "): " + value);
                });
            }
        }
        assertThat(found).as("texts with jargon outside Details").isEmpty();
    }

    @Test
    void theScanCatchesEachKindOfJargonFromTheTrial() {
        // the very sentences the first-use trial met (issue 11, finding 6): each must be caught
        List<String> met = List.of(
                "NetworkManager's nmcli is not available",
                "Joined Site; this laptop is 127.0.0.1 on it.",
                "it has no /fieldflash/v1/info",
                "Manifest SHA-256 3f2a…",
                "not a ZIP archive (no end-of-central-directory record)",
                "expired on 2026-01-01T00:00:00Z",
                "Security level 6 / 7",
                "Reason code UNREACHABLE",
                "connection lost during PATCH /fieldfl…",
                "stopped at byte 38202 of 3145728",
                "/dev/ttyS0 — Physical Port S0 (Physical Port S0)",
                "then run the same command again: the transfer continues where it stopped",
                "have an administrator add the vendor's key (fieldflash trust add)",
                "give it with --pin-sha256",
                "key 9f86d081884c7d659a2feaa0c55ad015");
        for (String sentence : met) {
            assertThat(JARGON.values().stream().anyMatch(p -> p.matcher(sentence).find())).as(sentence).isTrue();
        }
        // and plain sentences pass
        for (String plain : List.of("Check that the laptop is joined to the device's Wi-Fi, then press Try again.",
                "Das Gerät antwortet nicht. Prüfen Sie, ob der Laptop mit dem WLAN des Geräts verbunden ist.",
                "Genuine bundle", "The firmware is older than what the device runs.")) {
            assertThat(JARGON.values().stream().noneMatch(p -> p.matcher(plain).find())).as(plain).isTrue();
        }
    }
}
