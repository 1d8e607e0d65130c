package io.fieldflash.cli;

import io.fieldflash.AppInfo;
import io.fieldflash.FieldFlashException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fieldflash}: the command line. Commands are thin: they parse, call the core, and render. */
@Command(name = "fieldflash",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Offline firmware updater for embedded devices.",
            "Verifies signed firmware bundles and flashes them to devices over their Wi-Fi access point or a USB-serial cable.",
            ""
        },
        footer = {"", "Exit codes: 0 success, 1 refused or failed (the message says why),",
                "            2 usage error.",
                "Run 'fieldflash COMMAND --help' for a command's options."},
        subcommands = {
            GuiCommand.class,
            VerifyCommand.class,
            BundleCommand.class,
            KeysCommand.class,
            TrustCommand.class,
            SimulateCommand.class,
            FlashCommand.class,
            AuditCommand.class,
            ProvisionCommand.class,
            SettingsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    /** Exit code when the operation was refused or failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code for a usage error (picocli's default too). */
    public static final int EXIT_USAGE = 2;
    /** Exit code for an unexpected internal error. */
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The portable app keeps its settings beside itself (see {@link io.fieldflash.AppDirs}). */
    @CommandLine.Option(names = "--portable", scope = CommandLine.ScopeType.INHERIT,
            description = "Portable app (e.g. on a USB stick): keep settings, trust store, logs and resume state in "
                    + "'data' beside the app. A file named 'fieldflash.portable' beside 'bin' does the same.")
    void portable(boolean on) {
        if (!on) return;
        if (io.fieldflash.AppDirs.appRoot().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--portable applies to the installed or portable app only; from a source checkout, set FIELDFLASH_HOME instead.");
        }
        System.setProperty(io.fieldflash.AppDirs.PORTABLE, "true");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line with the process's standard streams and returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, e.g. for tests that capture its output. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof FieldFlashException ffe) {
                printError(err, ffe);
                return EXIT_FAILED;
            }
            err.println("fieldflash: internal error: " + ex);
            err.println("This is a bug in FieldFlash; please report it with the command you ran.");
            if (Boolean.getBoolean("fieldflash.debug")) ex.printStackTrace(err);
            return EXIT_INTERNAL;
        });
        return cl;
    }

    /** Prints a FieldFlash error as a person should see it: what is wrong, then what to do. */
    static void printError(PrintWriter err, FieldFlashException e) {
        err.println("Error [" + e.code() + "]: " + e.getMessage());
        if (!e.hint().isEmpty()) err.println("What to do: " + e.hint());
        err.flush();
    }

    /** With no command, the wizard opens (or, with no screen to show it on, the usage is printed). */
    @Override
    public void run() {
        if (!GuiCommand.displayAvailable()) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return;
        }
        new GuiCommand().call();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {AppInfo.NAME + " " + AppInfo.version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
        }
    }
}
