package io.fieldflash.cli;

import io.fieldflash.ui.FieldFlashApp;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "gui", mixinStandardHelpOptions = true,
        description = "Opens the update wizard (also what 'fieldflash' with no command does).")
public final class GuiCommand implements Callable<Integer> {
    /**
     * Entry point of the installed app's wizard launcher (desktop menu, double-clicked bundles):
     * {@code fieldflash gui ARGS...}.
     */
    public static void main(String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = "gui";
        System.arraycopy(args, 0, all, 1, args.length);
        System.exit(Main.run(all));
    }

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "BUNDLE",
            description = "A bundle (.fwb) to open: the wizard starts by checking it.")
    java.nio.file.Path bundle;

    @picocli.CommandLine.Option(names = "--tour", hidden = true,
            description = "Walks through the demo, stopping at each page for docs/make-screenshots.sh.")
    boolean tour;

    @picocli.CommandLine.Option(names = "--bench-start", hidden = true, description = "For bench/: quit once the window is shown.")
    boolean benchStart;

    @picocli.CommandLine.Option(names = "--bench-flash", hidden = true, arity = "3", paramLabel = "BUNDLE URL TOKEN",
            description = "For bench/: run one update through the wizard, then quit.")
    java.util.List<String> benchFlash;

    @Override
    public Integer call() {
        if (!displayAvailable()) {
            System.err.println("fieldflash: there is no display to open the wizard on (DISPLAY/WAYLAND_DISPLAY is not set).");
            System.err.println("Run it from a desktop session, or use the commands: fieldflash --help");
            return Main.EXIT_FAILED;
        }
        java.util.List<String> args = new java.util.ArrayList<>();
        if (bundle != null) {
            args.add(FieldFlashApp.BUNDLE_ARG);
            args.add(bundle.toAbsolutePath().toString());
        }
        if (tour) args.add("--tour");
        if (benchStart) args.add("--bench-start");
        if (benchFlash != null) {
            args.add("--bench-flash");
            args.addAll(benchFlash);
        }
        FieldFlashApp.launchApp(args.toArray(String[]::new));
        return 0;
    }

    /** False on a Linux/BSD machine with neither an X nor a Wayland display (e.g. an SSH session). */
    static boolean displayAvailable() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win") || os.contains("mac")) return true;
        if ("Monocle".equalsIgnoreCase(System.getProperty("glass.platform"))
                || "headless".equalsIgnoreCase(System.getProperty("glass.platform"))) return true;
        return notBlank(System.getenv("DISPLAY")) || notBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
