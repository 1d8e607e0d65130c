package io.fieldflash.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Espressif's esptool (4.7.0, the reference peer for the ROM protocol): {@code FIELDFLASH_ESPTOOL} names the
 * command (.ci/get-esptool.sh prints it), else {@code esptool} or {@code esptool.py} on the PATH.
 */
public final class Esptool {
    private Esptool() {}

    /** What one run printed and returned. */
    public record Run(int exit, String output) {}

    /** The esptool command; skips (or in CI fails) the test when there is none. */
    public static String command() {
        String env = System.getenv("FIELDFLASH_ESPTOOL");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) return env;
        for (String name : List.of("esptool", "esptool.py")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        String msg = "esptool is not installed (set FIELDFLASH_ESPTOOL to the command .ci/get-esptool.sh prints)";
        if (Tools.required()) Assertions.fail(msg + " (FIELDFLASH_REQUIRE_TOOLS=1)");
        Assumptions.abort(msg + "; skipping");
        throw new AssertionError("unreachable");
    }

    /** Runs esptool with {@code args}, at most {@code seconds}. */
    public static Run run(long seconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(command());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            reader.join();
            Assertions.fail(String.join(" ", cmd) + " took over " + seconds + " s:\n" + new String(out[0], StandardCharsets.UTF_8));
        }
        reader.join();
        return new Run(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }
}
