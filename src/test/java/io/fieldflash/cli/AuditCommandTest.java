package io.fieldflash.cli;

import io.fieldflash.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.update.AuditLog;
import io.fieldflash.update.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fieldflash audit verify} finds edited, deleted and moved lines; {@code audit export --csv} writes rows. */
class AuditCommandTest {
    @TempDir
    Path tmp;
    Path file;
    List<String> original;

    static AuditRecord record(int i) {
        return new AuditRecord(Instant.parse("2026-11-21T10:00:00Z").plusSeconds(i), "tech-" + i, "laptop", "b.fwb", "Acme",
                "crossing-controller", "2.5." + i, "ab".repeat(32), List.of("cd".repeat(32)), i == 2,
                "dev" + i, "fieldflash-http/1", "http://192.168.4.1", "2.4.0", "2.5." + i, "UPDATED", "", 1000L * i, i, 1.5);
    }

    @BeforeEach
    void log() throws Exception {
        file = tmp.resolve("audit.jsonl");
        AuditLog log = new AuditLog(file);
        for (int i = 1; i <= 4; i++) log.append(record(i));
        original = Files.readAllLines(file);
    }

    private void write(List<String> lines) throws Exception {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private CliRun verify() {
        return CliRun.run("audit", "verify", "--file", file.toString());
    }

    @Test
    void anIntactLogIsOk() {
        CliRun r = verify();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("OK").contains("4 entries");
        assertThat(original.getFirst()).contains("\"seq\":1,\"prev\":\"" + AuditLog.GENESIS + "\"");
    }

    @Test
    void anEditedLineIsNamed() throws Exception {
        List<String> l = new ArrayList<>(original);
        l.set(1, l.get(1).replace("tech-2", "someone-else"));
        write(l);
        CliRun r = verify();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("BROKEN").contains("line 2 was edited");
    }

    @Test
    void anEditedLastLineIsNamed() throws Exception {
        List<String> l = new ArrayList<>(original);
        l.set(3, l.get(3).replace("\"UPDATED\"", "\"FAILED\""));
        write(l);
        assertThat(verify().out()).contains("line 4 (the last) was edited");
    }

    @Test
    void aDeletedLineIsNamed() throws Exception {
        List<String> l = new ArrayList<>(original);
        l.remove(1);
        write(l);
        CliRun r = verify();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("entry #2 before line 2 was deleted");
    }

    @Test
    void aDeletedLastLineIsNamed() throws Exception {
        write(original.subList(0, 3));
        CliRun r = verify();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("entry #4 at the end of the log was deleted");
    }

    @Test
    void reorderedLinesAreNamed() throws Exception {
        List<String> l = new ArrayList<>(original);
        l.set(1, original.get(2));
        l.set(2, original.get(1));
        write(l);
        CliRun r = verify();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("line 2 holds entry #3").contains("reordered");
    }

    @Test
    void appendingAfterVerificationKeepsTheChain() throws Exception {
        new AuditLog(file).append(record(5));
        assertThat(verify().out()).contains("5 entries");
    }

    @Test
    void exportsCsv() throws Exception {
        Path csv = tmp.resolve("out.csv");
        CliRun r = CliRun.run("audit", "export", "--csv", "--file", file.toString(), "--out", csv.toString());
        assertThat(r.exit()).isZero();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(5);
        assertThat(rows.getFirst()).startsWith("seq,time,operator,host");
        assertThat(rows.get(2)).contains("tech-2").contains("dev2").contains(",true,").contains("UPDATED");
    }

    @Test
    void exportedDeviceAndBundleTextReachesTheTerminalEscaped() throws Exception {
        AuditRecord r = record(5);
        String product = "crossing\u001b[2J\u001b[1;1HVALID\u001b]0;owned\u0007-controller";
        String version = "2.4.0\u202e\u009b31m";
        new AuditLog(file).append(new AuditRecord(r.time(), r.operator(), r.host(), r.bundleFile(), r.vendor(), product, r.version(),
                r.manifestSha256(), r.signers(), r.expiryOverridden(), "dev\r\nOK", r.transport(), r.deviceAddress(), version,
                r.versionAfter(), r.result(), r.reason(), r.bytesSent(), r.resumes(), r.seconds()));

        CliRun out = CliRun.run("audit", "export", "--csv", "--file", file.toString());
        assertThat(out.exit()).isZero();
        assertThat(out.out()).contains("crossing\\x1b[2J\\x1b[1;1HVALID\\x1b]0;owned\\x07-controller")
                .contains("2.4.0\\u202e\\x9b31m").contains("dev\\x0d\\x0aOK")
                .doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e").doesNotContain("\u009b");
        assertThat(out.out().lines()).as("one row per entry: no line break from a device").hasSize(6);

        Path csv = tmp.resolve("out.csv");
        assertThat(CliRun.run("audit", "export", "--csv", "--file", file.toString(), "--out", csv.toString()).exit()).isZero();
        assertThat(Files.readString(csv)).doesNotContain("\u001b").contains("crossing\\x1b[2J");
        assertThat(verify().out()).startsWith("OK").doesNotContain("\u001b");
    }
}
