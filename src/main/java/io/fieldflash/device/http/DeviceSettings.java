package io.fieldflash.device.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device's settings as it reported them: the schema in the device's order, and a value for each entry (a secret's
 * value is only {@link SettingValue.Hidden}).
 */
public record DeviceSettings(List<SettingSpec> schema, Map<String, SettingValue> values) {
    public DeviceSettings {
        schema = List.copyOf(schema);
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        for (SettingSpec s : schema) {
            if (!values.containsKey(s.key())) throw new IllegalArgumentException("no value for " + s.key());
        }
    }

    public Optional<SettingSpec> spec(String key) {
        return schema.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** The value of {@code key}; only for keys of the schema. */
    public SettingValue value(String key) {
        SettingValue v = values.get(key);
        if (v == null) throw new IllegalArgumentException("no setting " + key);
        return v;
    }
}
