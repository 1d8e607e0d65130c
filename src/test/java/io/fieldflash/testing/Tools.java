package io.fieldflash.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** External tools a test needs: skipped when absent, unless FIELDFLASH_REQUIRE_TOOLS=1 (CI), then failed. */
public final class Tools {
    private Tools() {}

    public static boolean required() {
        return "1".equals(System.getenv("FIELDFLASH_REQUIRE_TOOLS"));
    }

    /** Skips (or, in CI, fails) the calling test when {@code command} is not on the PATH. */
    public static Path need(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return p;
        }
        String msg = "'" + command + "' is not installed";
        if (required()) Assertions.fail(msg + " (FIELDFLASH_REQUIRE_TOOLS=1)");
        Assumptions.abort(msg + "; skipping");
        throw new AssertionError("unreachable");
    }

    /** The project folder (surefire passes it; else the working directory). */
    public static Path projectDir() {
        return Path.of(System.getProperty("fieldflash.projectDir", System.getProperty("user.dir")));
    }

    /** Runs a command in {@code dir}, failing the test with its output when it fails or takes over {@code seconds}. */
    public static void run(Path dir, long seconds, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();     // the commands used here end by themselves
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail(String.join(" ", cmd) + " took over " + seconds + " s");
        }
        if (p.exitValue() != 0) Assertions.fail(String.join(" ", cmd) + " failed:\n" + new String(out));
    }
}
