package io.fieldflash.cli;

import io.fieldflash.AppDirs;
import io.fieldflash.Printable;
import io.fieldflash.update.AuditLog;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"The audit log: one line per update, each chained to the one before by its SHA-256."},
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static AuditLog log(Path file) {
        return new AuditLog(file != null ? file : AppDirs.detect().user().resolve(AuditLog.FILE_NAME));
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks that no line of the audit log was edited, deleted or moved.",
                "Exit 0 when intact, 1 at the first broken line (named)."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "F", description = "The log to check (default: this user's audit.jsonl).")
        Path file;

        @Option(names = "--json", description = "Print one JSON object {ok, entries, line, problem}.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AuditLog log = log(file);
            AuditLog.Verification v = log.verify();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                var o = JsonOut.object().put("ok", v.ok()).put("file", log.file().toString()).put("entries", v.entries());
                if (v.ok()) o.putNull("line").putNull("problem");
                else o.put("line", v.line()).put("problem", v.problem());
                JsonOut.print(out, o);
            } else if (v.ok()) {
                out.println("OK  " + Printable.of(log.file().toString()) + ": " + v.entries() + (v.entries() == 1 ? " entry" : " entries") + ", chain intact.");
            } else {
                out.println("BROKEN  " + Printable.of(log.file().toString()) + ": " + Printable.of(v.problem()) + ".");
                out.println("What to do: compare with an exported copy of the log; keep this file as evidence.");
            }
            out.flush();
            return v.ok() ? 0 : Main.EXIT_FAILED;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes the audit log as CSV (one row per update, header first)."})
    static final class Export implements Callable<Integer> {
        @Option(names = "--csv", required = true, description = "CSV format (the only one for now).")
        boolean csv;

        @Option(names = "--out", paramLabel = "F", description = "Write here instead of standard output.")
        Path outFile;

        @Option(names = "--file", paramLabel = "F", description = "The log to export (default: this user's audit.jsonl).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AuditLog log = log(file);
            if (outFile == null) {
                log.exportCsv(spec.commandLine().getOut());
                return 0;
            }
            int n;
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(outFile, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), StandardCharsets.UTF_8)) {
                n = log.exportCsv(w);
            }
            spec.commandLine().getErr().println("Wrote " + n + (n == 1 ? " entry" : " entries") + " to " + Printable.of(outFile.toString()));
            spec.commandLine().getErr().flush();
            return 0;
        }
    }
}
