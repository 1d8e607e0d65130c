package io.fieldflash;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where FieldFlash keeps its files.
 *
 * <ul>
 *   <li>the per-user folder (trust store, settings, resume state, audit log, logs):
 *       {@code $XDG_CONFIG_HOME/fieldflash} or {@code ~/.config/fieldflash} on Linux,
 *       {@code %APPDATA%\FieldFlash} on Windows, {@code ~/Library/Application Support/FieldFlash} on macOS;</li>
 *   <li>the machine-wide folder an installer or an administrator fills:
 *       {@code /etc/fieldflash} on Linux, {@code %PROGRAMDATA%\FieldFlash} on Windows,
 *       {@code /Library/Application Support/FieldFlash} on macOS.</li>
 * </ul>
 * The system properties {@code fieldflash.home} and {@code fieldflash.machineHome} (or the environment
 * variables {@code FIELDFLASH_HOME}, {@code FIELDFLASH_MACHINE_HOME}) override them, for tests and scripts.
 *
 * <p>The installed app's launchers set {@value #APP_ROOT} to the folder the app lives in. The portable app (the
 * zip, e.g. on a USB stick) keeps the per-user folder beside itself, in {@code data/}, when told to: with
 * {@code --portable} (which sets {@value #PORTABLE}) or with a file named {@value #PORTABLE_MARKER} in that folder.
 */
public record AppDirs(Path user, Path machine) {
    /** System property the installed app's launchers set: the app's own folder (above {@code bin/} and {@code lib/}). */
    public static final String APP_ROOT = "fieldflash.appRoot";
    /** System property {@code --portable} sets: keep the per-user folder beside the app. */
    public static final String PORTABLE = "fieldflash.portable";
    /** A file of this name in the app's folder has the same effect as {@code --portable}. */
    public static final String PORTABLE_MARKER = "fieldflash.portable";

    /** The installed app's own folder, when this runs from an installed or portable app image. */
    public static java.util.Optional<Path> appRoot() {
        String root = System.getProperty(APP_ROOT);
        return root == null || root.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(root));
    }

    public static AppDirs detect() {
        return new AppDirs(userDir(), machineDir());
    }

    public Path userTrustStore() {
        return user.resolve("trust.json");
    }

    public Path machineTrustStore() {
        return machine.resolve("trust.json");
    }

    private static Path userDir() {
        String override = firstSet(System.getProperty("fieldflash.home"), System.getenv("FIELDFLASH_HOME"));
        if (override != null) return Path.of(override);
        java.util.Optional<Path> root = appRoot();
        if (root.isPresent() && (Boolean.getBoolean(PORTABLE) || java.nio.file.Files.exists(root.get().resolve(PORTABLE_MARKER)))) {
            return root.get().resolve("data");
        }
        String os = os();
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return Path.of(appData != null ? appData : home, "FieldFlash");
        }
        if (os.contains("mac")) return Path.of(home, "Library", "Application Support", "FieldFlash");
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config")).resolve("fieldflash");
    }

    private static Path machineDir() {
        String override = firstSet(System.getProperty("fieldflash.machineHome"), System.getenv("FIELDFLASH_MACHINE_HOME"));
        if (override != null) return Path.of(override);
        String os = os();
        if (os.contains("win")) {
            String programData = System.getenv("PROGRAMDATA");
            return Path.of(programData != null ? programData : "C:\\ProgramData", "FieldFlash");
        }
        if (os.contains("mac")) return Path.of("/Library/Application Support/FieldFlash");
        return Path.of("/etc/fieldflash");
    }

    private static String os() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    }

    private static String firstSet(String a, String b) {
        if (a != null && !a.isBlank()) return a;
        if (b != null && !b.isBlank()) return b;
        return null;
    }
}
