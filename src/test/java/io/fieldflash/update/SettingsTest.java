package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.wifi.SoftApPatterns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** settings.json: old files still read, patterns round-trip, bad patterns and names are refused before anything is written. */
class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void aFileFromBeforeSoftApPatternsReadsAsNoVendorPatterns() throws Exception {
        Path file = Files.writeString(dir.resolve("settings.json"), "{\"operator\":\"Sam Taylor\"}");
        Settings s = Settings.load(file);
        assertThat(s.operator()).isEqualTo("Sam Taylor");
        assertThat(s.softApPatterns()).isEmpty();
        assertThat(new Settings("Sam").softApPatterns()).isEmpty();
        assertThat(Settings.load(dir.resolve("missing.json"))).isEqualTo(Settings.defaults());
        assertThat(Settings.defaults().softApPatterns()).isEmpty();
    }

    @Test
    void patternsRoundTripAndFieldsThisVersionDoesNotKnowAreKept() throws Exception {
        Path file = Files.writeString(Settings.file(dir), "{\"operator\":\"Sam\",\"theme\":\"dark\"}");
        new Settings("Alex Kim", List.of(" Acme-[0-9A-F]{4} ", "", "XC200-.*")).save(file);

        Settings back = Settings.load(file);
        assertThat(back.operator()).isEqualTo("Alex Kim");
        assertThat(back.softApPatterns()).containsExactly("Acme-[0-9A-F]{4}", "XC200-.*");
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        assertThat(json.path("theme").asText()).isEqualTo("dark");
        SoftApPatterns p = SoftApPatterns.defaults().withVendorPatterns(back.softApPatterns());
        assertThat(p.looksLikeDevice("acme-1a2b")).isTrue();
        assertThat(p.looksLikeDevice("XC200-north")).isTrue();
        assertThat(p.looksLikeDevice("HomeNetwork")).isFalse();
    }

    @Test
    void anInvalidPatternIsRefusedWithItsLineAndNothingIsWritten() throws Exception {
        Path file = Files.writeString(Settings.file(dir), "{\"operator\":\"Sam\"}");
        List<String> lines = List.of("Acme-[0-9A-F]{4}", "", "XC-[0-9");

        assertThat(Settings.checkPatterns(lines)).hasValueSatisfying(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.code()).isEqualTo("PATTERN_INVALID");
            assertThat(e.getMessage()).startsWith("Line 3 (\"XC-[0-9\") is not a valid regular expression");
            assertThat(e.hint()).isNotBlank();
        });
        assertThatThrownBy(() -> new Settings("Sam", lines).save(file))
                .isInstanceOf(Settings.InvalidSettingsException.class).hasMessageContaining("XC-[0-9");
        assertThat(Files.readString(file)).isEqualTo("{\"operator\":\"Sam\"}");
    }

    @Test
    void aPatternThatMatchesEveryNetworkIsRefused() {
        assertThat(Settings.checkPatterns(List.of("Acme-.+", ".*"))).hasValueSatisfying(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.code()).isEqualTo("PATTERN_MATCHES_EVERYTHING");
        });
        assertThat(Settings.checkPatterns(List.of("Acme-.+", ".+-Setup", "  "))).isEmpty();
    }

    @Test
    void blankOverlongAndMultiLineOperatorNamesAreRefused() {
        assertThatThrownBy(() -> new Settings("   ").save(dir.resolve("s.json")))
                .isInstanceOf(Settings.InvalidSettingsException.class).hasMessage("The operator name is empty.");
        assertThatThrownBy(() -> Settings.checkOperator("x".repeat(101)))
                .hasFieldOrPropertyWithValue("code", "OPERATOR_TOO_LONG");
        assertThatThrownBy(() -> Settings.checkOperator("Sam\nroot"))
                .hasFieldOrPropertyWithValue("code", "OPERATOR_CONTROL_CHARACTERS");
        assertThat(Files.exists(dir.resolve("s.json"))).isFalse();
    }
}
