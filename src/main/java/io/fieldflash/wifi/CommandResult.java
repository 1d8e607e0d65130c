package io.fieldflash.wifi;

import java.util.Objects;

/** How a {@link Command} ended. */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Standard output then standard error, for matching a tool's error texts. */
    public String output() {
        if (stderr.isEmpty()) return stdout;
        if (stdout.isEmpty()) return stderr;
        return stdout + "\n" + stderr;
    }
}
