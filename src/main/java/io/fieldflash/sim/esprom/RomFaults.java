package io.fieldflash.sim.esprom;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the simulated ROM and its serial line misbehave ({@code fieldflash simulate --serial … --faults SPEC}).
 *
 * <p>Text form, comma-separated {@code name=value}, every name optional:
 * {@code stall=0.01,stall-ms=1500,noise=0.02,status=0.01,hang=500,max-block=1024,seed=7}. Faults come from one random sequence
 * started at {@link #seed()}, a fixed number of draws per command, so the same seed and the same commands give
 * the same faults.
 *
 * @param stall   probability per command that the ROM swallows it and answers nothing for {@code stallMs}
 * @param stallMs how long a stall lasts, in milliseconds
 * @param noise   probability per answer that stray bytes (a stray {@code C0} among them) come before it
 * @param status  probability per data block that the ROM answers with a failure status (invalid checksum) and drops it
 * @param hang    after this many commands the ROM answers nothing ever again (0: never)
 * @param maxBlock the largest data block this ROM takes (a larger one overruns its buffer: no answer); 0 for the
 *                 simulator's default, the ROM's RAM-download block of 0x1800 bytes
 * @param seed    start of the random sequence
 */
public record RomFaults(double stall, long stallMs, double noise, double status, long hang, int maxBlock, long seed) {

    private static final List<String> KNOWN = List.of("stall", "stall-ms", "noise", "status", "hang", "max-block", "seed");

    public RomFaults {
        probability("stall", stall);
        probability("noise", noise);
        probability("status", status);
        if (stallMs < 0) throw new IllegalArgumentException("stall-ms must be 0 or more, got " + stallMs);
        if (hang < 0) throw new IllegalArgumentException("hang must be 0 (never) or a number of commands, got " + hang);
        if (maxBlock < 0 || maxBlock > 0x1800) throw new IllegalArgumentException("max-block must be between 1 and 6144 bytes (0: default), got " + maxBlock);
    }

    public static RomFaults none() {
        return new RomFaults(0, 1500, 0, 0, 0, 0, new SecureRandom().nextLong());
    }

    /** Parses the text form; IllegalArgumentException with a sentence naming the bad part. */
    public static RomFaults parse(String text) {
        Map<String, String> v = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                if (eq <= 0 || eq == p.length() - 1) throw new IllegalArgumentException("'" + p + "' is not name=value (e.g. stall=0.01)");
                String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("unknown serial fault '" + name + "'; known: " + String.join(", ", KNOWN));
                }
                if (v.put(name, p.substring(eq + 1).strip()) != null) throw new IllegalArgumentException("'" + name + "' is given twice");
            }
        }
        RomFaults d = none();
        return new RomFaults(
                v.containsKey("stall") ? decimal("stall", v.get("stall")) : d.stall,
                v.containsKey("stall-ms") ? whole("stall-ms", v.get("stall-ms")) : d.stallMs,
                v.containsKey("noise") ? decimal("noise", v.get("noise")) : d.noise,
                v.containsKey("status") ? decimal("status", v.get("status")) : d.status,
                v.containsKey("hang") ? whole("hang", v.get("hang")) : d.hang,
                v.containsKey("max-block") ? (int) Math.min(Integer.MAX_VALUE, whole("max-block", v.get("max-block"))) : d.maxBlock,
                v.containsKey("seed") ? whole("seed", v.get("seed")) : d.seed);
    }

    public boolean any() {
        return stall > 0 || noise > 0 || status > 0 || hang > 0 || maxBlock > 0;
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be a probability between 0 and 1, got " + p);
    }

    private static double decimal(String name, String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + s + "'");
        }
    }

    private static long whole(String name, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + s + "'");
        }
    }
}
