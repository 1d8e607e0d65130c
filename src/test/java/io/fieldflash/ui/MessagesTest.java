package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.ui.common.Problems;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.Phase;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every closed set the wizard names in words has its words in each language, every reason code that can reach the
 * wizard has a plain title and a "what to do" sentence, and the translations hold the same keys with the same
 * placeholders as the English file.
 */
class MessagesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9]+)[^}]*}");

    private static Properties english() throws IOException {
        return PlainWordsTest.load("messages.properties");
    }

    private static Properties german() throws IOException {
        Properties de = PlainWordsTest.load("messages_de.properties");
        assertThat(de).as("messages_de.properties").isNotEmpty();
        return de;
    }

    @Test
    void everyPhaseOutcomeStepAndInnerReasonHasTextInEachLanguage() throws IOException {
        for (Properties p : List.of(english(), german())) {
            for (Phase ph : Phase.values()) assertThat(p).as(ph.name()).containsKey("phase." + ph.name());
            for (io.fieldflash.bundle.inner.InnerReason r : io.fieldflash.bundle.inner.InnerReason.values()) {
                assertThat(p).as(r.code()).containsKey("inner." + r.code());
            }
            for (JobResult.Outcome o : JobResult.Outcome.values()) {
                assertThat(p).as(o.name()).containsKey("result." + o.name().toLowerCase(Locale.ROOT));
            }
            for (WizardStep s : WizardStep.values()) assertThat(p).as(s.name()).containsKey(s.titleKey());
            for (io.fieldflash.device.Protocols.Protocol pr : io.fieldflash.device.Protocols.all()) {
                assertThat(p).as(pr.id()).containsKey("protocol." + pr.id());
            }
        }
    }

    @Test
    void everyReasonCodeHasAPlainTitleAndWhatToDoInEachLanguage() throws IOException {
        assertThat(Problems.codes()).contains("UNTRUSTED_KEY", "AUTH_FAILED", "OLDER_VERSION", "WIFI_TOOL_MISSING",
                "SERIAL_PORT_BUSY", "ESP_ROM_NO_BOOTLOADER", "SOFTAP_UNREACHABLE", "CANCELLED", "INTERNAL_ERROR");
        Map<String, Object> args = new HashMap<>();
        Problems.ARGUMENTS.forEach(a -> args.put(a, "«" + a + "»"));
        for (Locale locale : List.of(Locale.ENGLISH, Locale.GERMAN)) {
            Properties p = locale == Locale.GERMAN ? german() : english();
            for (String code : Problems.codes()) {
                for (String key : List.of(Problems.titleKey(code), Problems.actionKey(code))) {
                    assertThat(p).as(locale + " " + key).containsKey(key);
                    if (!key.startsWith("reason.")) {
                        // the Wi-Fi set-up window's own texts: plain, no arguments
                        assertThat(p.getProperty(key)).as(key).doesNotContain("{").isNotBlank();
                        continue;
                    }
                    String shown = AppContext.format(p.getProperty(key), args, locale);
                    assertThat(shown).as(key + " formats completely").doesNotContain("{").doesNotContain("}").isNotBlank();
                    assertThat(p.getProperty(key).replace("''", "")).as(key + ": write '' for an apostrophe").doesNotContain("'");
                }
            }
        }
    }

    @Test
    void theGermanBundleHasExactlyTheEnglishKeysWithTheSamePlaceholders() throws IOException {
        Properties en = english(), de = german();
        assertThat(new TreeSet<>(de.stringPropertyNames())).as("keys only in German").isSubsetOf(en.stringPropertyNames());
        assertThat(new TreeSet<>(en.stringPropertyNames())).as("keys without German").isSubsetOf(de.stringPropertyNames());
        for (String key : en.stringPropertyNames()) {
            if (!de.containsKey(key)) continue;
            assertThat(placeholders(de.getProperty(key))).as("placeholders of " + key).isEqualTo(placeholders(en.getProperty(key)));
            // an apostrophe in a pattern with arguments must be doubled in both, or MessageFormat drops text
            if (!placeholders(en.getProperty(key)).isEmpty() || key.startsWith("reason.")) {
                assertThat(de.getProperty(key).replace("''", "")).as("lone apostrophe in German " + key).doesNotContain("'");
            }
        }
    }

    @Test
    void aProblemIsPlainOnTopAndTechnicalInDetails() throws Exception {
        AppContext context = new AppContext(UiFixtures.dirs(java.nio.file.Files.createTempDirectory("messages")), Locale.GERMAN);
        try {
            io.fieldflash.device.DeviceException e = io.fieldflash.device.DeviceException.unreachable("http://127.0.0.1:1",
                    "connection lost during PATCH /fieldflash/v1/uploads/7, byte 38202 of 3145728", null);
            Problems.Problem p = Problems.of(context, e);
            assertThat(p.title()).isEqualTo("Das Gerät antwortet nicht");
            assertThat(p.title() + p.action()).doesNotContain("127.0.0.1").doesNotContain("PATCH").doesNotContain("UNREACHABLE");
            assertThat(p.details()).contains("byte 38202 of 3145728").contains("UNREACHABLE").contains("run the same command again");
            Problems.Problem older = Problems.of(context, "OLDER_VERSION", "m", "h", Map.of("running", "2.4.1", "bundle", "2.4.0"));
            assertThat(older.action()).contains("2.4.1").contains("2.4.0");
            assertThat(Problems.of(context, "NO_SUCH_CODE", "m", "", Map.of()).title()).isEqualTo(context.text("reason.UNKNOWN.title"));
        } finally {
            context.close();
        }
    }

    @Test
    void namedArgumentsAreEscapedAndApostrophesFollowMessageFormat() {
        assertThat(AppContext.format("Go back to {bundle} from {running}? It''s your call.",
                Map.of("bundle", "2.4.0\u202e", "running", "2.4.1\u001b[2J"), Locale.ENGLISH))
                .isEqualTo("Go back to 2.4.0\\u202e from 2.4.1\\x1b[2J? It's your call.");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AppContext.format("{vendor}", Map.of(), Locale.ENGLISH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Set<String> placeholders(String value) {
        Set<String> out = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
