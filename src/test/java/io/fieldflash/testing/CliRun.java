package io.fieldflash.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the {@code fieldflash} command in this JVM, as a person would type it: its exit code and what it
 * wrote to standard output and standard error.
 */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code fieldflash ARGS...} in-process and captures both streams. */
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** The last line of standard output, read as JSON (what {@code --json} prints). */
    public JsonNode json() throws Exception {
        return Json.MAPPER.readTree(out.lines().toList().getLast());
    }

    /** Both streams, for checks that care about everything a terminal would show. */
    public String all() {
        return out + err;
    }
}
