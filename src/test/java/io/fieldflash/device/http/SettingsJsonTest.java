package io.fieldflash.device.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.device.DeviceException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the client takes from a {@code /settings} answer (a hostile access point's too), and what it checks before sending. */
class SettingsJsonTest {
    static final String ADDRESS = "http://127.0.0.1:1";

    static String entry(String key, String type, String extra) {
        return "{\"key\":\"" + key + "\",\"type\":\"" + type + "\",\"label\":\"L " + key + "\"" + extra + "}";
    }

    @Test
    void aSecretIsNeverTakenEvenWhenADeviceSendsIt() throws Exception {
        DeviceSettings s = SettingsJson.parse("{\"schema\":[" + entry("pw", "secret", ",\"set\":true,\"minLength\":8,\"maxLength\":63")
                + "],\"values\":{\"pw\":\"in clear\"}}", ADDRESS);
        assertThat(s.value("pw")).isEqualTo(new SettingValue.Hidden(true));
        assertThat(s.value("pw").display()).isEqualTo("(set)");
    }

    @Test
    void deviceTextIsEscapedWhenShown() throws Exception {
        DeviceSettings s = SettingsJson.parse("{\"schema\":[{\"key\":\"a\",\"type\":\"string\",\"label\":\"Site\\u001b[2J\\u202ename\",\"unit\":\"\\u0007\"}],"
                + "\"values\":{\"a\":\"x\\u001b]0;pwned\\u0007\"}}", ADDRESS);
        SettingSpec a = s.spec("a").orElseThrow();
        assertThat(a.shownLabel()).isEqualTo("Site\\x1b[2J\\u202ename");
        assertThat(a.shownUnit()).isEqualTo("\\x07");
        assertThat(s.value("a").display()).isEqualTo("x\\x1b]0;pwned\\x07");
    }

    @Test
    void aHugeOrOddSchemaIsAProtocolErrorNotSomethingToShow() {
        StringBuilder many = new StringBuilder("{\"schema\":[");
        StringBuilder values = new StringBuilder("\"values\":{");
        for (int i = 0; i < SettingsJson.MAX_SETTINGS + 1; i++) {
            many.append(i == 0 ? "" : ",").append(entry("k" + i, "bool", ""));
            values.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":true");
        }
        String tooMany = many + "]," + values + "}}";
        for (String body : List.of(tooMany,
                "{\"schema\":[" + entry("a", "int", "") + "," + entry("a", "int", "") + "],\"values\":{\"a\":1}}",
                "{\"schema\":[" + entry("a b", "int", "") + "],\"values\":{\"a b\":1}}",
                "{\"schema\":[" + entry("a", "float", "") + "],\"values\":{\"a\":1}}",
                "{\"schema\":[" + entry("a", "int", ",\"min\":5,\"max\":1") + "],\"values\":{\"a\":1}}",
                "{\"schema\":[" + entry("a", "int", "") + "],\"values\":{\"a\":99999999999999999999}}",
                "{\"schema\":[" + entry("a", "string", "") + "],\"values\":{\"a\":\"" + "x".repeat(SettingSpec.MAX_TEXT + 1) + "\"}}",
                "{\"schema\":[" + entry("a", "enum", "") + "],\"values\":{\"a\":\"x\"}}",
                "{\"schema\":[" + entry("a", "bool", "") + "],\"values\":{}}",
                "[]", "not json")) {
            assertThatThrownBy(() -> SettingsJson.parse(body, ADDRESS)).as(body.length() > 200 ? body.substring(0, 200) : body)
                    .isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.PROTOCOL_ERROR));
        }
    }

    @Test
    void valuesAreCheckedAgainstTheSchemaBeforeSending() {
        SettingSpec delay = new SettingSpec("gateDownDelay", SettingType.INT, "Gate-down delay", "s", 3, 30, 0, SettingSpec.MAX_TEXT, List.of(), false);
        assertThat(delay.parse(" 12 ")).isEqualTo(new SettingValue.Whole(12));
        assertThatThrownBy(() -> delay.parse("31")).hasMessage("Gate-down delay takes a whole number from 3 to 30 s, not 31.");
        assertThatThrownBy(() -> delay.parse("ten")).hasMessage("Gate-down delay takes a whole number from 3 to 30 s, not \"ten\".");
        SettingSpec zone = new SettingSpec("timeZone", SettingType.ENUM, "Time zone", "", Long.MIN_VALUE, Long.MAX_VALUE, 0, SettingSpec.MAX_TEXT,
                List.of("UTC", "Europe/Berlin"), false);
        assertThatThrownBy(() -> zone.parse("Mars")).hasMessage("Time zone takes one of UTC, Europe/Berlin, not \"Mars\".");
        SettingSpec on = new SettingSpec("m", SettingType.BOOL, "Maintenance mode", "", Long.MIN_VALUE, Long.MAX_VALUE, 0, SettingSpec.MAX_TEXT, List.of(), false);
        assertThat(on.parse("on")).isEqualTo(new SettingValue.Flag(true));
        SettingSpec serial = new SettingSpec("serial", SettingType.STRING, "Serial number", "", Long.MIN_VALUE, Long.MAX_VALUE, 0, 0, List.of(), true);
        assertThatThrownBy(() -> serial.parse("X")).hasMessageContaining("can only be read");

        Map<String, SettingValue> changes = new LinkedHashMap<>();
        changes.put("gateDownDelay", new SettingValue.Whole(12));
        changes.put("pw", new SettingValue.Text("a \"quoted\" pass"));
        changes.put("m", new SettingValue.Flag(false));
        assertThat(SettingsJson.changeRequest(changes)).isEqualTo("{\"values\":{\"gateDownDelay\":12,\"pw\":\"a \\\"quoted\\\" pass\",\"m\":false}}");
    }
}
