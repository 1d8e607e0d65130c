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
        description = {"The audit log: one line per update or settings change, each chained",
            "to the one before by its SHA-256."},
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.Show.class})
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

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Lists the audit log for people, one line per entry: updates, and",
                "settings changes (old -> new; a secret only as \"changed\")."})
    static final class Show implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "F", description = "The log to show (default: this user's audit.jsonl).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AuditLog log = log(file);
            PrintWriter out = spec.commandLine().getOut();
            java.util.List<String> lines = log.lines();
            if (lines.isEmpty()) out.println("The audit log " + Printable.of(log.file().toString()) + " is empty.");
            for (String line : lines) out.println(describe(line));
            out.flush();
            return 0;
        }

        /** One entry in words, every value escaped. */
        static String describe(String line) {
            com.fasterxml.jackson.databind.JsonNode n;
            try {
                n = io.fieldflash.bundle.Json.MAPPER.readTree(line);
            } catch (IOException e) {
                n = null;
            }
            if (n == null || !n.isObject()) return "(a line that is not an audit entry: run 'fieldflash audit verify')";
            com.fasterxml.jackson.databind.JsonNode d = n.path("device");
            StringBuilder b = new StringBuilder("#").append(n.path("seq").asText()).append("  ").append(Printable.cut(n.path("time").asText(), 40))
                    .append("  ").append(Printable.cut(n.path("operator").asText(), 80)).append("  ");
            if (io.fieldflash.update.SettingsAuditRecord.KIND.equals(n.path("kind").asText())) {
                b.append("settings of ").append(Printable.cut(d.path("product").asText(), 80)).append(' ')
                        .append(Printable.cut(d.path("id").asText(), 64)).append(" at ").append(Printable.cut(d.path("address").asText(), 120)).append(": ");
                java.util.List<String> changes = new java.util.ArrayList<>();
                for (com.fasterxml.jackson.databind.JsonNode c : n.path("changes")) {
                    String name = Printable.cut(c.path("key").asText(), 64);
                    changes.add(c.path("secret").asBoolean()
                            ? name + " changed"
                            : name + " " + Printable.cut(c.path("old").asText(), 80) + " -> " + Printable.cut(c.path("new").asText(), 80));
                }
                return b.append(String.join(", ", changes)).toString();
            }
            com.fasterxml.jackson.databind.JsonNode bundle = n.path("bundle");
            return b.append("update ").append(Printable.cut(bundle.path("product").asText(), 80)).append(' ')
                    .append(Printable.cut(bundle.path("version").asText(), 40)).append(" on ").append(Printable.cut(d.path("id").asText(), 64))
                    .append(" (").append(Printable.cut(d.path("versionBefore").asText(), 40)).append(" -> ")
                    .append(Printable.cut(d.path("versionAfter").asText(), 40)).append("): ").append(Printable.cut(n.path("result").asText(), 40))
                    .append(n.path("reason").isTextual() ? " " + Printable.cut(n.path("reason").asText(), 60) : "").toString();
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
