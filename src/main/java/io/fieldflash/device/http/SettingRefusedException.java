package io.fieldflash.device.http;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;

/**
 * The device refused a settings change ({@code 422 INVALID_SETTING}); it changed nothing. {@link #field()} is the
 * setting it named (as the device sent it), {@link #deviceMessage()} its explanation (not escaped: show it through
 * {@link Printable}); the exception's own message is already escaped.
 */
public final class SettingRefusedException extends FieldFlashException {
    public static final String CODE = "INVALID_SETTING";

    private final String field;
    private final String deviceMessage;

    SettingRefusedException(String address, String field, String label, String deviceMessage) {
        super("The device at " + address + " refused " + (field.isEmpty() ? "the change" : "the value of " + label
                        + (label.equals(Printable.cut(field, 80)) ? "" : " (" + Printable.cut(field, 80) + ")"))
                        + (deviceMessage.isBlank() ? "" : ": " + Printable.cut(deviceMessage, 300)) + ". Nothing was changed.",
                "Correct that value and send the change again; none of the other values was applied either.", null);
        this.field = field;
        this.deviceMessage = deviceMessage;
    }

    @Override
    public String code() {
        return CODE;
    }

    /** The setting the device named; empty when it named none. */
    public String field() {
        return field;
    }

    /** The device's own sentence, as it sent it (cut to a bounded length, not escaped). */
    public String deviceMessage() {
        return deviceMessage;
    }
}
