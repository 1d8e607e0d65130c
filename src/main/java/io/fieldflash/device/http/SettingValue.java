package io.fieldflash.device.http;

import io.fieldflash.Printable;

/**
 * A device setting's value. What the device reports for a secret is only whether one is set ({@link Hidden});
 * a new secret is sent as {@link Text}.
 */
public sealed interface SettingValue {

    /** For people: the value escaped, a secret as "(set)" or "(not set)". */
    String display();

    /** Text: a string, an enum choice, or a new secret on its way to the device. */
    record Text(String text) implements SettingValue {
        public Text {
            if (text == null) throw new IllegalArgumentException("text must not be null");
        }

        @Override
        public String display() {
            return Printable.cut(text, SettingSpec.MAX_TEXT);
        }
    }

    /** A whole number. */
    record Whole(long number) implements SettingValue {
        @Override
        public String display() {
            return Long.toString(number);
        }
    }

    /** On or off. */
    record Flag(boolean on) implements SettingValue {
        @Override
        public String display() {
            return on ? "on" : "off";
        }
    }

    /** A secret as the device reports it: never its text, only whether one is set. */
    record Hidden(boolean set) implements SettingValue {
        @Override
        public String display() {
            return set ? "(set)" : "(not set)";
        }
    }
}
