package io.fieldflash.bundle;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A SemVer 2.0 version, ordered by SemVer precedence (build metadata ignored). */
public record SemVer(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, String build, String text)
        implements Comparable<SemVer> {

    // The regular expression suggested by semver.org.
    private static final Pattern SEMVER = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

    public SemVer {
        preRelease = List.copyOf(preRelease);
    }

    /** Parses SemVer text; throws IllegalArgumentException naming the text when it is not SemVer 2.0. */
    public static SemVer parse(String text) {
        Matcher m = SEMVER.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("\"" + text + "\" is not a SemVer 2.0 version (like 2.4.1)");
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return new SemVer(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                pre, m.group(5) == null ? "" : m.group(5), text);
    }

    public static boolean isValid(String text) {
        return text != null && SEMVER.matcher(text).matches();
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
            boolean an = a.chars().allMatch(Character::isDigit), bn = b.chars().allMatch(Character::isDigit);
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
