package io.fieldflash.sim.particle;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Answers the profile gives instead of the real one, per command: {@code configure=-4,set=-1,connect=none}.
 * A number is the {@code r} to answer; {@code none} means the device answers nothing (the firmware's way of
 * saying it could not read the request). Command names may be given short (configure, connect, scan) or in full.
 */
public record ParticleFaults(Map<String, Integer> codes) {
    /** Marks "answer nothing". */
    public static final int NO_ANSWER = Integer.MIN_VALUE;
    public static final ParticleFaults NONE = new ParticleFaults(Map.of());

    public ParticleFaults {
        codes = Map.copyOf(codes);
    }

    /** Parses the {@code --faults} text; a bad part is an IllegalArgumentException naming it. */
    public static ParticleFaults parse(String spec) {
        if (spec == null || spec.isBlank()) return NONE;
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq < 1) throw new IllegalArgumentException("'" + p + "' is not COMMAND=CODE (e.g. configure=-4)");
            String command = command(p.substring(0, eq).strip());
            String value = p.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            int code;
            if (value.equals("none")) {
                code = NO_ANSWER;
            } else {
                try {
                    code = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + p + "': the code must be a whole number or 'none'");
                }
            }
            out.put(command, code);
        }
        return new ParticleFaults(out);
    }

    private static String command(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "version" -> "version";
            case "device-id", "id" -> "device-id";
            case "public-key", "key" -> "public-key";
            case "scan-ap", "scan" -> "scan-ap";
            case "configure-ap", "configure" -> "configure-ap";
            case "connect-ap", "connect" -> "connect-ap";
            case "set", "claim" -> "set";
            default -> throw new IllegalArgumentException("'" + name + "' is not a set-up command "
                    + "(version, device-id, public-key, scan, configure, connect, set)");
        };
    }

    /** The fault for a command, if one was given. */
    public OptionalInt codeFor(String command) {
        Integer c = codes.get(command);
        return c == null ? OptionalInt.empty() : OptionalInt.of(c);
    }
}
