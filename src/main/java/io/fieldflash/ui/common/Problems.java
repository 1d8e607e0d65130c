package io.fieldflash.ui.common;

import io.fieldflash.FieldFlashException;
import io.fieldflash.bundle.ReasonCode;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.esprom.EspRomException;
import io.fieldflash.device.serial.SerialException;
import io.fieldflash.provision.ProvisionException;
import io.fieldflash.ui.AppContext;
import io.fieldflash.update.UpdateFailedException;
import io.fieldflash.update.UpdateRefusedException;
import io.fieldflash.wifi.WifiException;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the wizard says about a failure: per reason code, a plain title and a "what to do" sentence from the resource
 * bundle ({@code reason.<CODE>.title}, {@code reason.<CODE>.action}); the exception's own sentence (the command line's
 * words), its hint and its code go behind the Details disclosure. The command line keeps printing the exception's
 * English; only the wizard speaks through here.
 */
public final class Problems {
    private Problems() {}

    /** A failure for a person: {@code title} and {@code action} are plain words; {@code details} is the technical rest. */
    public record Problem(String code, String title, String action, String details) {}

    /** The code shown when a code has no words of its own (never expected: a test checks every known code has them). */
    public static final String UNKNOWN = "UNKNOWN";

    /** Codes that are no enum constant: the job's own ends, key and settings refusals. */
    static final List<String> OTHER_CODES = List.of("CANCELLED", "INTERRUPTED", "IO_ERROR", "INTERNAL_ERROR", "BAD_KEY",
            "KEY_ALREADY_TRUSTED", "KEY_NOT_FOUND", "KEY_NOT_IN_USER_STORE", "AMBIGUOUS_KEYID", "OPERATOR_BLANK",
            "OPERATOR_CONTROL_CHARACTERS", "OPERATOR_TOO_LONG", "PATTERN_INVALID", "PATTERN_MATCHES_EVERYTHING", UNKNOWN);

    /** The named arguments a {@code reason.*} text may use, each with what it holds. */
    public static final Set<String> ARGUMENTS = Set.of("running", "bundle");

    /** Every reason code that can reach the wizard, as {@link FieldFlashException#code()} spells it. */
    public static Set<String> codes() {
        Set<String> all = new LinkedHashSet<>();
        Stream.of(ReasonCode.values()).map(Enum::name).forEach(all::add);
        Stream.of(DeviceException.Reason.values()).map(Enum::name).forEach(all::add);
        Stream.of(UpdateRefusedException.Reason.values()).map(Enum::name).forEach(all::add);
        Stream.of(UpdateFailedException.Reason.values()).map(Enum::name).forEach(all::add);
        Stream.of(TrustStoreException.Reason.values()).map(Enum::name).forEach(all::add);
        Stream.of(WifiException.Reason.values()).map(r -> "WIFI_" + r.name()).forEach(all::add);
        Stream.of(SerialException.Reason.values()).map(r -> "SERIAL_" + r.name()).forEach(all::add);
        Stream.of(EspRomException.Reason.values()).map(r -> "ESP_ROM_" + r.name()).forEach(all::add);
        Stream.of(ProvisionException.Reason.values()).map(r -> "SOFTAP_" + r.name()).forEach(all::add);
        all.addAll(OTHER_CODES);
        return all;
    }

    /** The problem {@code t} describes; {@code args} adds named values the page knows (e.g. the versions). */
    public static Problem of(AppContext context, Throwable t, Map<String, ?> args) {
        return switch (t) {
            case FieldFlashException fe -> of(context, codeOf(fe), fe.getMessage(), fe.hint(), args);
            case IOException io -> of(context, "IO_ERROR", String.valueOf(io.getMessage()), "", args);
            default -> of(context, "INTERNAL_ERROR", String.valueOf(t), "", args);
        };
    }

    public static Problem of(AppContext context, Throwable t) {
        return of(context, t, Map.of());
    }

    /** The problem of a code with the command line's sentence and hint (e.g. an update job's result). */
    public static Problem of(AppContext context, String code, String message, String hint, Map<String, ?> args) {
        String known = context.hasText(titleKey(code)) ? code : UNKNOWN;
        Map<String, Object> all = new HashMap<>();
        ARGUMENTS.forEach(a -> all.put(a, "?"));
        all.putAll(args);
        String details = String.join("\n\n", Stream.of(message, hint, context.text("details.code", code))
                .filter(s -> s != null && !s.isBlank()).toList());
        return new Problem(code, text(context, titleKey(known), all), text(context, actionKey(known), all), details);
    }

    /**
     * The key of a code's title: {@code reason.<CODE>.title}; for the Wi-Fi set-up's codes ({@code SOFTAP_*}) the
     * set-up window's own {@code provision.error.<REASON>}, so that each code has one text.
     */
    public static String titleKey(String code) {
        return code.startsWith(SOFTAP) ? "provision.error." + code.substring(SOFTAP.length()) : "reason." + code + ".title";
    }

    /** The key of a code's "what to do": {@code reason.<CODE>.action}, or {@code provision.error.<REASON>.hint}. */
    public static String actionKey(String code) {
        return code.startsWith(SOFTAP) ? titleKey(code) + ".hint" : "reason." + code + ".action";
    }

    private static final String SOFTAP = "SOFTAP_";

    /** {@code reason.*} texts are MessageFormat patterns with named arguments; the set-up window's are plain text. */
    private static String text(AppContext context, String key, Map<String, ?> args) {
        return key.startsWith("reason.") ? context.text(key, args) : context.text(key);
    }

    /**
     * The most telling code: a ROM-bootloader failure carried by a device exception keeps its own code (the device's
     * code then names it), everything else its {@link FieldFlashException#code()}.
     */
    static String codeOf(FieldFlashException e) {
        if (e instanceof DeviceException d && d.getCause() instanceof EspRomException rom) return rom.code();
        return e.code();
    }
}
