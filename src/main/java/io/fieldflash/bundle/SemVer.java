package io.fieldflash.bundle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A SemVer 2.0 version, ordered by SemVer precedence (build metadata ignored).
 *
 * <p>Parsed by hand, in one pass and without recursion, and at most {@value #MAX_LENGTH} characters long: the
 * text comes from manifests that are parsed before any signature is checked, so parsing must cost little
 * whatever the input.
 */
public record SemVer(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, String build, String text)
        implements Comparable<SemVer> {

    /** The longest version text accepted. */
    public static final int MAX_LENGTH = 256;

    public SemVer {
        preRelease = List.copyOf(preRelease);
    }

    /** Parses SemVer text; throws IllegalArgumentException (naming the text, escaped and cut) when it is not SemVer 2.0. */
    public static SemVer parse(String text) {
        SemVer v = tryParse(text);
        if (v == null) {
            throw new IllegalArgumentException("\"" + io.fieldflash.Printable.cut(text, 40)
                    + "\" is not a SemVer 2.0 version (like 2.4.1) of at most " + MAX_LENGTH + " characters");
        }
        return v;
    }

    public static boolean isValid(String text) {
        return tryParse(text) != null;
    }

    /** The version, or null when {@code text} is not SemVer 2.0 of at most {@link #MAX_LENGTH} characters. */
    private static SemVer tryParse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) return null;
        String build = "";
        String rest = text;
        int plus = text.indexOf('+');
        if (plus >= 0) {
            build = text.substring(plus + 1);
            rest = text.substring(0, plus);
            if (identifiers(build, false) == null) return null;
        }
        List<String> pre = List.of();
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            pre = identifiers(rest.substring(dash + 1), true);
            if (pre == null) return null;
            rest = rest.substring(0, dash);
        }
        String[] core = rest.split("\\.", -1);
        if (core.length != 3) return null;
        for (String n : core) {
            if (!numeric(n) || (n.length() > 1 && n.charAt(0) == '0')) return null;
        }
        return new SemVer(new BigInteger(core[0]), new BigInteger(core[1]), new BigInteger(core[2]), pre, build, text);
    }

    /** Dot-separated non-empty [0-9A-Za-z-] identifiers; numeric pre-release identifiers without leading zeros. */
    private static List<String> identifiers(String s, boolean preRelease) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            String id = s.substring(start, dot < 0 ? s.length() : dot);
            if (id.isEmpty()) return null;
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
                if (!ok) return null;
            }
            if (preRelease && numeric(id) && id.length() > 1 && id.charAt(0) == '0') return null;
            out.add(id);
            if (dot < 0) return out;
            start = dot + 1;
        }
    }

    /** Non-empty and ASCII digits only. */
    private static boolean numeric(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    @Override
    public int compareTo(SemVer o) {
        int c = major.compareTo(o.major);
        if (c == 0) c = minor.compareTo(o.minor);
        if (c == 0) c = patch.compareTo(o.patch);
        if (c != 0) return c;
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            String a = preRelease.get(i), b = o.preRelease.get(i);
            boolean an = numeric(a), bn = numeric(b);
            if (an && bn) c = new BigInteger(a).compareTo(new BigInteger(b));
            else if (an) c = -1;
            else if (bn) c = 1;
            else c = a.compareTo(b);
            if (c != 0) return c;
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    @Override
    public String toString() {
        return text;
    }
}
