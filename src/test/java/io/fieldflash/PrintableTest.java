package io.fieldflash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void plainTextIsUnchanged() {
        assertThat(Printable.of("crossing-controller 2.4.1 · Zürich ✔ 😀")).isEqualTo("crossing-controller 2.4.1 · Zürich ✔ 😀");
    }

    @Test
    void terminalControlsAreEscaped() {
        assertThat(Printable.of("a\u001b[2K\rVALID\u0007")).isEqualTo("a\\x1b[2K\\x0dVALID\\x07");
        assertThat(Printable.of("x\u009b31m\u007f")).isEqualTo("x\\x9b31m\\x7f");
        assertThat(Printable.of("a\\x1b")).isEqualTo("a\\\\x1b");
    }

    @Test
    void bidiOverridesAndInvisibleSeparatorsAreEscaped() {
        assertThat(Printable.of("\u202eDILAV\u2066x\u2069\u200f\u2028\ufeff"))
                .isEqualTo("\\u202eDILAV\\u2066x\\u2069\\u200f\\u2028\\ufeff");
    }

    @Test
    void unpairedSurrogatesAreEscaped() {
        assertThat(Printable.of("a\ud800b\udc00")).isEqualTo("a\\ud800b\\udc00");
    }

    @Test
    void linesKeepLineFeedsOnly() {
        assertThat(Printable.lines("one\ntwo\r\u001b[1A")).isEqualTo("one\ntwo\\x0d\\x1b[1A");
    }

    @Test
    void cutShortensAndSaysHowLong() {
        assertThat(Printable.cut("a".repeat(100), 10)).isEqualTo("aaaaaaaaaa… (100 characters)");
        assertThat(Printable.cut("short", 10)).isEqualTo("short");
        assertThat(Printable.of(null)).isEqualTo("(none)");
    }

    @Test
    void outputNeverHoldsAnUnsafeCharacter() {
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                // half from the risky ranges (controls, C1, bidi, surrogates), half anywhere
                chars[i] = random.nextBoolean() ? (char) random.nextInt(0x10000)
                        : "\u0000\u001b\u007f\u009b\u202e\u2066\ud800\udc00\\a".charAt(random.nextInt(10));
            }
            assertSafe(Printable.of(new String(chars)));
        }
    }

    private static void assertSafe(String printed) {
        for (int i = 0; i < printed.length(); i++) {
            char c = printed.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < printed.length() && Character.isLowSurrogate(printed.charAt(i + 1))) {
                i++;
                continue;
            }
            assertThat(Printable.unsafe(c)).as("char %04x in %s", (int) c, printed).isFalse();
        }
    }
}
