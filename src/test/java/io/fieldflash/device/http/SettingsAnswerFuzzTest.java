package io.fieldflash.device.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.DeviceException;
import io.fieldflash.fuzz.Fuzz;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutated {@code /settings} answers (seeded with the simulator's real one, a refusal, and odd schemas) through the
 * client's parser: each ends in settings within the caps or a typed protocol error, and whatever the device put in
 * its labels, units, choices and values comes out escaped; a secret's value is never taken.
 */
class SettingsAnswerFuzzTest {
    static final String REAL = """
            {"schema":[{"key":"siteName","type":"string","label":"Site name","minLength":1,"maxLength":40,"readOnly":false},
            {"key":"gateDownDelay","type":"int","label":"Gate-down delay","unit":"s","min":3,"max":30,"readOnly":false},
            {"key":"timeZone","type":"enum","label":"Time zone","choices":["UTC","Europe/Berlin"],"readOnly":false},
            {"key":"maintenanceMode","type":"bool","label":"Maintenance mode","readOnly":false},
            {"key":"apPassword","type":"secret","label":"Access point password","minLength":8,"maxLength":63,"readOnly":false,"set":true},
            {"key":"serialNumber","type":"string","label":"Serial number","readOnly":true}],
            "values":{"siteName":"Main St","gateDownDelay":8,"timeZone":"UTC","maintenanceMode":false,"apPassword":"leaked?","serialNumber":"CCX-1"}}""";

    static final List<byte[]> DICTIONARY = Fuzz.dictionary("\"schema\":[", "\"values\":{", "\"key\":\"", "\"type\":\"secret\"",
            "\"type\":\"enum\"", "\"type\":\"int\"", "\"choices\":[", "\"min\":", "\"max\":", "\"maxLength\":", "\"readOnly\":true",
            "\"set\":true", "\\u001b[2J", "\\u202e", "\\ud800", "\\u0000", "99999999999999999999", "-9223372036854775808", "1e309",
            "null", "true", "{", "}", "[", "]", ",");

    @Test
    void everyAnswerEndsInBoundedEscapedSettingsOrATypedError() {
        List<byte[]> seeds = Fuzz.dictionary(REAL, "{\"error\":\"INVALID_SETTING\",\"field\":\"ntpServer\",\"message\":\"no\"}",
                "{\"schema\":[],\"values\":{}}", "{\"schema\":[{\"key\":\"a\",\"type\":\"enum\",\"choices\":[]}],\"values\":{\"a\":\"x\"}}", "");
        int tried = Fuzz.run("settings-answer", 0x5E771265L, seeds, DICTIONARY, new Fuzz.Limits(Duration.ofSeconds(3), 64L << 20),
                SettingsAnswerFuzzTest::check);
        assertThat(tried).isGreaterThan(seeds.size());
    }

    static void check(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        SettingsJson.Refusal r = SettingsJson.refusal(body);
        assertThat(r.field().length() + r.message().length()).isLessThanOrEqualTo(1000);
        try {
            DeviceSettings s = SettingsJson.parse(body, "http://127.0.0.1:1");
            assertThat(s.schema()).hasSizeLessThanOrEqualTo(SettingsJson.MAX_SETTINGS);
            for (SettingSpec spec : s.schema()) {
                safe(spec.shownLabel());
                safe(spec.shownUnit());
                SettingValue v = s.value(spec.key());
                safe(v.display());
                if (spec.type() == SettingType.SECRET) assertThat(v).isInstanceOf(SettingValue.Hidden.class);
                assertThat(spec.choices()).hasSizeLessThanOrEqualTo(SettingsJson.MAX_CHOICES);
                assertThat(spec.minLength()).isBetween(0, spec.maxLength());
                try {
                    safe(spec.parse("12").toString().isEmpty() ? "" : "ok");
                } catch (IllegalArgumentException e) {
                    safe(e.getMessage());
                }
            }
        } catch (DeviceException e) {
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.PROTOCOL_ERROR);
            safe(e.getMessage());
        }
    }

    /** Nothing a terminal would act on. */
    static void safe(String text) {
        assertThat(text.chars().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || Character.isSurrogate((char) c) && !paired(text)))
                .as("escaped: %s", text).isTrue();
    }

    private static boolean paired(String text) {
        return text.codePoints().noneMatch(cp -> cp >= 0xd800 && cp <= 0xdfff);
    }
}
