package io.fieldflash.update;

import java.time.Instant;
import java.util.List;

/**
 * Settings a device accepted, as the audit log keeps them: who, which device, when, and each setting's old and new
 * value (a secret only as "changed"). Texts are as the device and the operator gave them; the log escapes nothing,
 * readers escape when they show.
 *
 * @param time          when the device accepted the change
 * @param operator      who made it ({@code settings.json}, by default the OS user name)
 * @param deviceId      the device's id from its {@code /info}
 * @param product       the device's product
 * @param transport     e.g. {@code fieldflash-http/1}
 * @param deviceAddress e.g. {@code http://192.168.4.1}
 * @param changes       the settings changed, in the device's order
 */
public record SettingsAuditRecord(Instant time, String operator, String deviceId, String product, String transport,
                                  String deviceAddress, List<Change> changes) {
    /** The result written for a settings change. */
    public static final String RESULT = "SETTINGS_CHANGED";
    /** The line's {@code kind}; update lines carry none. */
    public static final String KIND = "settings";

    public SettingsAuditRecord {
        changes = List.copyOf(changes);
        if (changes.isEmpty()) throw new IllegalArgumentException("a settings record needs at least one change");
    }

    /**
     * One setting changed.
     *
     * @param key      the setting's name
     * @param label    its label as the device gave it
     * @param oldValue the value before, as shown to people; empty for a secret
     * @param newValue the value after; empty for a secret
     * @param secret   a secret: only the fact that it changed is kept
     */
    public record Change(String key, String label, String oldValue, String newValue, boolean secret) {
        public static Change secret(String key, String label) {
            return new Change(key, label, "", "", true);
        }
    }
}
