package io.fieldflash.device.http;

import io.fieldflash.Printable;
import java.util.List;
import java.util.Locale;

/**
 * One entry of a device's settings schema: what the setting is, how people call it, and the limits the device
 * announces. {@link #parse} checks a typed value against them before anything is sent; the device checks again and
 * has the last word.
 *
 * @param key       the name programs use, e.g. {@code gateDownDelay}
 * @param type      string, int, bool, enum or secret
 * @param label     the name people read, as the device gives it (not escaped here: use {@link #shownLabel()})
 * @param unit      e.g. {@code s}; empty when none
 * @param min       smallest whole number accepted (int); {@link Long#MIN_VALUE} when the device names none
 * @param max       largest whole number accepted (int); {@link Long#MAX_VALUE} when the device names none
 * @param minLength fewest characters (string, secret); 0 when the device names none
 * @param maxLength most characters (string, secret); {@link #MAX_TEXT} when the device names none
 * @param choices   the allowed values (enum); empty otherwise
 * @param readOnly  shown, never written
 */
public record SettingSpec(String key, SettingType type, String label, String unit, long min, long max, int minLength,
                          int maxLength, List<String> choices, boolean readOnly) {
    /** Longest text value (and label) FieldFlash takes from or sends to a device, in characters. */
    public static final int MAX_TEXT = 1024;

    public SettingSpec {
        if (key == null || type == null || label == null || unit == null || choices == null) {
            throw new IllegalArgumentException("SettingSpec fields must not be null (use empty text)");
        }
        choices = List.copyOf(choices);
    }

    /** The label, escaped for a terminal or a JavaFX label; the key when the device gave no label. */
    public String shownLabel() {
        return Printable.cut(label.isBlank() ? key : label, 200);
    }

    /** The unit, escaped; empty when none. */
    public String shownUnit() {
        return Printable.cut(unit, 40);
    }

    /**
     * The value {@code text} (as a person types it) stands for, checked against this entry's limits.
     *
     * @throws IllegalArgumentException with a sentence for a person naming the setting and what it takes
     */
    public SettingValue parse(String text) {
        if (readOnly) throw new IllegalArgumentException(shownLabel() + " can only be read: the device does not take a new value for it.");
        return switch (type) {
            case STRING, SECRET -> {
                int n = text.codePointCount(0, text.length());
                if (n < minLength || n > maxLength) throw new IllegalArgumentException(shownLabel() + " takes " + lengths() + ".");
                yield new SettingValue.Text(text);
            }
            case INT -> {
                long v;
                try {
                    v = Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(shownLabel() + " takes a whole number" + range() + ", not \"" + Printable.cut(text, 40) + "\".");
                }
                if (v < min || v > max) throw new IllegalArgumentException(shownLabel() + " takes a whole number" + range() + ", not " + v + ".");
                yield new SettingValue.Whole(v);
            }
            case BOOL -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes", "1" -> new SettingValue.Flag(true);
                case "false", "off", "no", "0" -> new SettingValue.Flag(false);
                default -> throw new IllegalArgumentException(shownLabel() + " is on or off (true/false), not \"" + Printable.cut(text, 40) + "\".");
            };
            case ENUM -> {
                if (!choices.contains(text)) {
                    throw new IllegalArgumentException(shownLabel() + " takes one of " + String.join(", ",
                            choices.stream().map(c -> Printable.cut(c, 80)).toList()) + ", not \"" + Printable.cut(text, 40) + "\".");
                }
                yield new SettingValue.Text(text);
            }
        };
    }

    /** " from 3 to 30 s", " of at least 3", or empty: the range in words. */
    private String range() {
        String u = unit.isEmpty() ? "" : " " + shownUnit();
        if (min != Long.MIN_VALUE && max != Long.MAX_VALUE) return " from " + min + " to " + max + u;
        if (min != Long.MIN_VALUE) return " of at least " + min + u;
        if (max != Long.MAX_VALUE) return " of at most " + max + u;
        return "";
    }

    private String lengths() {
        if (minLength == maxLength) return "exactly " + minLength + " characters";
        if (minLength > 0) return minLength + " to " + maxLength + " characters";
        return "at most " + maxLength + " characters";
    }
}
