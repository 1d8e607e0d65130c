package io.fieldflash.device.http;

import java.util.Locale;
import java.util.Optional;

/** The kinds of device setting {@code fieldflash-http/1} knows; {@link #wire()} is the schema's {@code type} text. */
public enum SettingType {
    STRING, INT, BOOL, ENUM, SECRET;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<SettingType> ofWire(String text) {
        for (SettingType t : values()) if (t.wire().equals(text)) return Optional.of(t);
        return Optional.empty();
    }
}
