package io.fieldflash.sim;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the simulated device and its radio link misbehave, as {@code fieldflash simulate --faults SPEC} gives it.
 *
 * <p>The text form is a comma-separated list of {@code name=value}:
 * {@code drop=0.1,corrupt=0.05,reboot=0.01,rate=2000000,latency=20,seed=42,reboot-ms=2000}, and the one-shot
 * faults {@code cut-before=N}, {@code cut-after=N} (a power cut at a write of the state folder) and
 * {@code lose-answer=N} (the answer to request N is lost). Every name is optional. Faults are drawn from one random sequence started from {@link #seed()}, a fixed number of draws
 * per {@code PATCH}, so a run with the same seed and the same requests fires the same faults at the same bytes.
 *
 * @param drop        probability that a PATCH body is cut off at a random byte (the bytes before the cut are kept)
 * @param corrupt     probability that a chunk arrives damaged: {@code 460} when the PATCH carries a checksum
 * @param reboot      probability that the device loses power during a PATCH body and reboots
 * @param rate        receive bandwidth in bytes per second for request bodies; 0 means unlimited
 * @param latencyMs   added before every response, in milliseconds
 * @param seed        start of the random sequence
 * @param rebootMs    how long the device stays unreachable when it reboots (fault or {@code POST /reboot})
 * @param cutBefore   the power fails just before write number N of the state folder (counted from the device's start,
 *                    across its boots; 0: never); the device boots again from what is on disk
 * @param cutAfter    the power fails just after write number N (0: never)
 * @param loseAnswer  request number N (counted from the start, across boots; 0: none) is carried out, but its answer
 *                    is lost: the connection is reset instead
 */
public record FaultSpec(double drop, double corrupt, double reboot, long rate, long latencyMs, long seed, long rebootMs,
                        long cutBefore, long cutAfter, long loseAnswer) {
    /** Default time a reboot takes. */
    public static final long DEFAULT_REBOOT_MS = 2000;

    private static final List<String> KNOWN = List.of("drop", "corrupt", "reboot", "rate", "latency", "seed", "reboot-ms",
            "cut-before", "cut-after", "lose-answer");

    public FaultSpec {
        probability("drop", drop);
        probability("corrupt", corrupt);
        probability("reboot", reboot);
        if (rate < 0) throw new IllegalArgumentException("rate must be 0 (unlimited) or a positive number of bytes per second, got " + rate);
        if (latencyMs < 0) throw new IllegalArgumentException("latency must be 0 or more milliseconds, got " + latencyMs);
        if (rebootMs < 0) throw new IllegalArgumentException("reboot-ms must be 0 or more milliseconds, got " + rebootMs);
        if (cutBefore < 0) throw new IllegalArgumentException("cut-before must be a write number (1 or more), got " + cutBefore);
        if (cutAfter < 0) throw new IllegalArgumentException("cut-after must be a write number (1 or more), got " + cutAfter);
        if (loseAnswer < 0) throw new IllegalArgumentException("lose-answer must be a request number (1 or more), got " + loseAnswer);
    }

    /** No faults, unlimited bandwidth, a 2 s reboot, and a fresh random seed. */
    public static FaultSpec none() {
        return new FaultSpec(0, 0, 0, 0, 0, freshSeed(), DEFAULT_REBOOT_MS, 0, 0, 0);
    }

    /**
     * Parses the text form. Throws IllegalArgumentException with a sentence naming the bad part, e.g.
     * {@code "drop must be a probability between 0 and 1, got 1.5"}. Without {@code seed=}, a fresh seed is
     * chosen (and logged by the device, so the run can be replayed).
     */
    public static FaultSpec parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                if (eq <= 0 || eq == p.length() - 1) {
                    throw new IllegalArgumentException("'" + p + "' is not name=value (e.g. drop=0.1)");
                }
                String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("unknown fault '" + name + "'; known: " + String.join(", ", KNOWN));
                }
                if (values.put(name, p.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException("'" + name + "' is given twice");
                }
            }
        }
        FaultSpec d = none();
        return new FaultSpec(
                values.containsKey("drop") ? decimal("drop", values.get("drop")) : d.drop,
                values.containsKey("corrupt") ? decimal("corrupt", values.get("corrupt")) : d.corrupt,
                values.containsKey("reboot") ? decimal("reboot", values.get("reboot")) : d.reboot,
                values.containsKey("rate") ? ByteSize.parse("rate", values.get("rate")) : d.rate,
                values.containsKey("latency") ? whole("latency", values.get("latency")) : d.latencyMs,
                values.containsKey("seed") ? whole("seed", values.get("seed")) : d.seed,
                values.containsKey("reboot-ms") ? whole("reboot-ms", values.get("reboot-ms")) : d.rebootMs,
                values.containsKey("cut-before") ? whole("cut-before", values.get("cut-before")) : 0,
                values.containsKey("cut-after") ? whole("cut-after", values.get("cut-after")) : 0,
                values.containsKey("lose-answer") ? whole("lose-answer", values.get("lose-answer")) : 0);
    }

    public FaultSpec withRebootMs(long rebootMs) {
        return new FaultSpec(drop, corrupt, reboot, rate, latencyMs, seed, rebootMs, cutBefore, cutAfter, loseAnswer);
    }

    /** True when a power cut or a lost answer is asked for. */
    public boolean firesOnce() {
        return cutBefore > 0 || cutAfter > 0 || loseAnswer > 0;
    }

    /** True when some PATCH may be dropped, corrupted or interrupted by a reboot. */
    public boolean firesFaults() {
        return drop > 0 || corrupt > 0 || reboot > 0;
    }

    /** The text form, with every value spelled out (seed included), e.g. for the log. */
    @Override
    public String toString() {
        return "drop=" + num(drop) + ",corrupt=" + num(corrupt) + ",reboot=" + num(reboot) + ",rate=" + rate
                + ",latency=" + latencyMs + ",seed=" + seed + ",reboot-ms=" + rebootMs
                + (cutBefore > 0 ? ",cut-before=" + cutBefore : "") + (cutAfter > 0 ? ",cut-after=" + cutAfter : "")
                + (loseAnswer > 0 ? ",lose-answer=" + loseAnswer : "");
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be a probability between 0 and 1, got " + p);
    }

    private static double decimal(String name, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a probability between 0 and 1, got '" + v + "'");
        }
    }

    private static long whole(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static long freshSeed() {
        return new SecureRandom().nextLong() & Long.MAX_VALUE;
    }
}
