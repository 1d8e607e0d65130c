package io.fieldflash.bundle;

/** The rule for safe archive entry names (step 2 of verification). */
final class EntryNames {
    private EntryNames() {}

    /**
     * A safe name is relative, uses '/' only, has no "." or ".." segment, no drive letter, no NUL or other
     * control character, and no empty segment (except the trailing slash of a directory entry).
     */
    static boolean isSafe(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0) return false;
        if (name.length() >= 2 && name.charAt(1) == ':' ) return false;
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) return false;
        }
        String body = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String seg : body.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.indexOf(':') >= 0) return false;
        }
        return true;
    }
}
