package io.fieldflash.ui.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The name to offer when the wizard first asks who runs updates: the full name the system has for the user, if any. */
public final class OsUserName {
    private OsUserName() {}

    /** The full name of the user running FieldFlash, or "" when the system has none (or the user is an administrator account). */
    public static String suggestion() {
        String login = System.getProperty("user.name", "");
        List<String> passwd;
        try {
            passwd = Files.readAllLines(Path.of("/etc/passwd"));
        } catch (IOException | RuntimeException e) {
            passwd = List.of();
        }
        return fromPasswd(login, passwd);
    }

    /**
     * The full name of {@code login} in passwd-format lines (the first comma-separated part of the fifth field), or
     * "" when there is none or it is an administrator account ("root", "Administrator"): such a name says nothing
     * about the person.
     */
    public static String fromPasswd(String login, List<String> passwdLines) {
        if (login == null || login.isBlank() || administrator(login)) return "";
        for (String line : passwdLines) {
            String[] f = line.split(":", -1);
            if (f.length < 5 || !f[0].equals(login)) continue;
            String full = f[4].split(",", -1)[0].strip();
            return full.isEmpty() || administrator(full) || full.chars().anyMatch(Character::isISOControl) ? "" : full;
        }
        return "";
    }

    private static boolean administrator(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.equals("root") || n.equals("administrator") || n.equals("admin") || n.equals("system");
    }
}
