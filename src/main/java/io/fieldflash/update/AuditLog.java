package io.fieldflash.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only audit log: one JSON object per line ({@code audit.jsonl} in the user folder), one line per update
 * job, whatever its outcome.
 *
 * <p>Each line carries {@code seq} (1, 2, 3, …) and {@code prev}: the lowercase hex SHA-256 of the previous line's
 * exact UTF-8 bytes without its newline. The first line's {@code prev} is the SHA-256 of the empty string
 * ({@code e3b0c442…b855}). So editing a line breaks the next line's {@code prev}, deleting one leaves a gap in
 * {@code seq}, and moving one puts {@code seq} out of order. A small side file ({@code audit.head.json}) holds the
 * number of lines and the last line's hash, so that removing lines at the end is caught too.
 *
 * <p>This makes changes evident, not impossible: someone able to rewrite the whole file and its head could
 * forge a consistent chain. Export the log regularly (CSV) to a place the laptop cannot write.
 *
 * <p>Appends hold an exclusive file lock, so two FieldFlash processes (or two jobs in one) never interleave.
 */
public final class AuditLog {
    public static final String FILE_NAME = "audit.jsonl";
    /** {@code prev} of the first line: SHA-256 of zero bytes. */
    public static final String GENESIS = AtomicFiles.sha256Hex(new byte[0]);

    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /**
     * The result of {@link #verify()}.
     *
     * @param ok      true when the chain is intact
     * @param entries lines read
     * @param line    the first bad line (1-based), 0 when ok
     * @param problem what is wrong there, for people; empty when ok
     */
    public record Verification(boolean ok, int entries, int line, String problem) {}

    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public Path headFile() {
        return file.resolveSibling(stem() + ".head.json");
    }

    private String stem() {
        String n = file.getFileName().toString();
        return n.endsWith(".jsonl") ? n.substring(0, n.length() - ".jsonl".length()) : n;
    }

    /** Appends {@code record} as one chained line; returns the line written. */
    public String append(AuditRecord record) throws IOException {
        return appendLine(n -> fill(n, record));
    }

    /**
     * Appends the settings a device accepted as one chained line ({@code "kind": "settings"}, result
     * {@value SettingsAuditRecord#RESULT}); a secret is written as {@code "changed"}, never its value.
     */
    public String append(SettingsAuditRecord record) throws IOException {
        return appendLine(n -> fill(n, record));
    }

    private String appendLine(java.util.function.Consumer<ObjectNode> filler) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
        local.lock();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Tail tail = tail(ch);
            long seq = tail.seq + 1;
            String prev = tail.hash;
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("seq", seq);
            n.put("prev", prev);
            filler.accept(n);
            String line = LINE.writeValueAsString(n);
            byte[] bytes = ((tail.endsWithNewline ? "" : "\n") + line + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long pos = ch.size();
            while (b.hasRemaining()) pos += ch.write(b, pos);
            ch.force(true);
            AtomicFiles.write(headFile(), Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode()
                    .put("entries", seq).put("lastHash", AtomicFiles.sha256Hex(line.getBytes(StandardCharsets.UTF_8)))));
            return line;
        } finally {
            local.unlock();
        }
    }

    private record Tail(long seq, String hash, boolean endsWithNewline) {}

    /** The last line's seq and hash, read backwards from the end (the log may be long). */
    private static Tail tail(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) return new Tail(0, GENESIS, true);
        ByteArrayOutputStream rev = new ByteArrayOutputStream();
        long pos = size;
        boolean newlineAtEnd = false;
        ByteBuffer one = ByteBuffer.allocate(8192);
        outer:
        while (pos > 0) {
            int n = (int) Math.min(one.capacity(), pos);
            pos -= n;
            one.clear().limit(n);
            while (one.hasRemaining()) {
                if (ch.read(one, pos + one.position()) < 0) break;
            }
            for (int i = n - 1; i >= 0; i--) {
                byte c = one.get(i);
                if (c == '\n') {
                    if (pos + i == size - 1) {
                        newlineAtEnd = true;
                        continue;
                    }
                    break outer;
                }
                rev.write(c);
            }
        }
        byte[] r = rev.toByteArray();
        byte[] line = new byte[r.length];
        for (int i = 0; i < r.length; i++) line[i] = r[r.length - 1 - i];
        long seq;
        try {
            seq = Json.MAPPER.readTree(line).get("seq").asLong();
        } catch (IOException | RuntimeException e) {
            seq = countLines(ch);      // the last line is damaged (a crash mid-write?): keep counting anyway
        }
        return new Tail(seq, AtomicFiles.sha256Hex(line), newlineAtEnd);
    }

    private static long countLines(FileChannel ch) throws IOException {
        long lines = 0;
        ByteBuffer b = ByteBuffer.allocate(65536);
        long pos = 0;
        int n;
        byte last = '\n';
        while ((n = ch.read(b.clear(), pos)) > 0) {
            for (int i = 0; i < n; i++) if (b.get(i) == '\n') lines++;
            last = b.get(n - 1);
            pos += n;
        }
        return last == '\n' ? lines : lines + 1;
    }

    private static void fill(ObjectNode n, AuditRecord r) {
        n.put("time", r.time().toString());
        n.put("operator", r.operator());
        n.put("host", r.host());
        ObjectNode b = n.putObject("bundle");
        b.put("file", r.bundleFile()).put("vendor", r.vendor()).put("product", r.product()).put("version", r.version())
                .put("manifestSha256", r.manifestSha256());
        ArrayNode signers = b.putArray("signers");
        r.signers().forEach(signers::add);
        b.put("expiryOverridden", r.expiryOverridden());
        ObjectNode d = n.putObject("device");
        d.put("id", r.deviceId()).put("transport", r.transport()).put("address", r.deviceAddress())
                .put("versionBefore", r.versionBefore()).put("versionAfter", r.versionAfter());
        if (r.unitConfirmed()) d.put("confirmedByOperator", true);
        if (!r.fellBackFrom().isEmpty()) {
            // Only on lines of a job that switched transports: older lines and single-transport jobs stay as they were.
            ArrayNode first = d.putArray("fallbackFrom");
            for (AuditRecord.FirstTry f : r.fellBackFrom()) {
                first.addObject().put("transport", f.transport()).put("address", f.address()).put("id", f.deviceId())
                        .put("reason", f.reason());
            }
            ArrayNode all = d.putArray("transports");
            r.transports().forEach(all::add);
        }
        n.put("result", r.result());
        if (r.reason().isEmpty()) n.putNull("reason");
        else n.put("reason", r.reason());
        n.put("bytesSent", r.bytesSent());
        n.put("resumes", r.resumes());
        n.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        n.put("downgradeConfirmed", r.downgradeConfirmed());
    }

    private static void fill(ObjectNode n, SettingsAuditRecord r) {
        n.put("time", r.time().toString());
        n.put("operator", r.operator());
        n.put("host", JobAudit.HOST);
        n.put("kind", SettingsAuditRecord.KIND);
        n.putObject("device").put("id", r.deviceId()).put("product", r.product()).put("transport", r.transport())
                .put("address", r.deviceAddress());
        ArrayNode changes = n.putArray("changes");
        for (SettingsAuditRecord.Change c : r.changes()) {
            ObjectNode o = changes.addObject().put("key", c.key()).put("label", c.label());
            if (c.secret()) o.put("secret", true).put("change", "changed");
            else o.put("old", c.oldValue()).put("new", c.newValue());
        }
        n.put("result", SettingsAuditRecord.RESULT);
        n.putNull("reason");
    }

    /** The lines of the log, as written (empty when there is no log yet). */
    public List<String> lines() throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
            if (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Checks the chain; reports the first line that was edited, deleted (or is missing) or moved. */
    public Verification verify() throws IOException {
        List<String> lines = lines();
        Map<Long, Integer> seqAt = new HashMap<>();
        List<JsonNode> nodes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(lines.get(i));
            } catch (IOException e) {
                n = null;
            }
            if (n == null || !n.isObject() || !n.path("seq").canConvertToLong() || !n.path("prev").isTextual()) {
                return new Verification(false, lines.size(), i + 1, "line " + (i + 1) + " is not a valid audit entry (edited or damaged)");
            }
            nodes.add(n);
            seqAt.putIfAbsent(n.get("seq").asLong(), i + 1);
        }
        String expectedPrev = GENESIS;
        for (int i = 0; i < nodes.size(); i++) {
            int lineNo = i + 1;
            long seq = nodes.get(i).get("seq").asLong();
            long want = lineNo;
            if (seq != want) {
                if (seq < want || seqAt.containsKey(want)) {
                    return new Verification(false, lines.size(), lineNo, "line " + lineNo + " holds entry #" + seq
                            + " where entry #" + want + " belongs: lines were reordered or copied");
                }
                return new Verification(false, lines.size(), lineNo, "entry #" + want + (seq - want > 1 ? " to #" + (seq - 1) : "")
                        + " before line " + lineNo + " was deleted");
            }
            if (!nodes.get(i).get("prev").asText().equals(expectedPrev)) {
                // Either line i (the previous one) changed, or this line's own "prev" did: then the next line's
                // record of this line's hash no longer matches either.
                String thisHash = AtomicFiles.sha256Hex(lines.get(i).getBytes(StandardCharsets.UTF_8));
                if (i + 1 < nodes.size() && !nodes.get(i + 1).get("prev").asText().equals(thisHash)) {
                    return new Verification(false, lines.size(), lineNo, "line " + lineNo + " was edited after it was written");
                }
                return i == 0
                        ? new Verification(false, lines.size(), 1, "line 1 does not start the chain (the log's beginning was removed or edited)")
                        : new Verification(false, lines.size(), i, "line " + i + " was edited after it was written "
                                + "(line " + lineNo + " records a different hash for it)");
            }
            expectedPrev = AtomicFiles.sha256Hex(lines.get(i).getBytes(StandardCharsets.UTF_8));
        }
        JsonNode head = readHead();
        if (head != null) {
            long entries = head.path("entries").asLong();
            if (entries > nodes.size()) {
                return new Verification(false, lines.size(), nodes.size() + 1, "entry #" + (nodes.size() + 1)
                        + (entries > nodes.size() + 1 ? " to #" + entries : "") + " at the end of the log was deleted");
            }
            if (entries == nodes.size() && entries > 0 && !head.path("lastHash").asText().equals(expectedPrev)) {
                return new Verification(false, lines.size(), nodes.size(), "line " + nodes.size() + " (the last) was edited after it was written");
            }
        } else if (!nodes.isEmpty()) {
            return new Verification(false, lines.size(), nodes.size(), "the log's head file " + headFile().getFileName()
                    + " is missing, so deletions at the end cannot be ruled out");
        }
        return new Verification(true, lines.size(), 0, "");
    }

    private JsonNode readHead() throws IOException {
        try {
            return Json.MAPPER.readTree(Files.readAllBytes(headFile()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /** The CSV columns, in order. */
    public static final List<String> CSV_COLUMNS = List.of("seq", "time", "operator", "host", "bundle_file", "vendor", "product",
            "version", "manifest_sha256", "signers", "expiry_overridden", "device_id", "transport", "device_address",
            "version_before", "version_after", "result", "reason", "bytes_sent", "resumes", "seconds", "downgrade_confirmed",
            "transports", "fallback_from", "settings_changes");

    /**
     * Writes the log as CSV (RFC 4180, header line first); returns the number of entries. Unreadable lines are skipped.
     * Every value is escaped with {@link Printable#of} (a device's or bundle's text may hold terminal controls, line
     * breaks or bidi overrides; the escape is reversible, and the log itself keeps the exact text).
     */
    public int exportCsv(Writer out) throws IOException {
        out.write(String.join(",", CSV_COLUMNS) + "\r\n");
        int count = 0;
        for (String line : lines()) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (n == null || !n.isObject()) continue;
            JsonNode b = n.path("bundle"), d = n.path("device");
            List<String> signers = new ArrayList<>();
            b.path("signers").forEach(s -> signers.add(s.asText()));
            List<String> row = List.of(n.path("seq").asText(), n.path("time").asText(), n.path("operator").asText(),
                    n.path("host").asText(), b.path("file").asText(), b.path("vendor").asText(), b.path("product").asText(),
                    b.path("version").asText(), b.path("manifestSha256").asText(), String.join(" ", signers),
                    b.path("expiryOverridden").asText(), d.path("id").asText(), d.path("transport").asText(),
                    d.path("address").asText(), d.path("versionBefore").asText(), d.path("versionAfter").asText(),
                    n.path("result").asText(), n.path("reason").isNull() ? "" : n.path("reason").asText(),
                    n.path("bytesSent").asText(), n.path("resumes").asText(), n.path("seconds").asText(),
                    Boolean.toString(n.path("downgradeConfirmed").asBoolean(false)), transports(d), fallbackFrom(d),
                    settingsChanges(n));
            out.write(String.join(",", row.stream().map(AuditLog::csv).toList()) + "\r\n");
            count++;
        }
        out.flush();
        return count;
    }

    /** A settings entry's changes, {@code key: old -> new; key: changed}; empty for an update. */
    private static String settingsChanges(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : n.path("changes")) {
            out.add(c.path("key").asText() + ": " + (c.path("secret").asBoolean() ? "changed"
                    : c.path("old").asText() + " -> " + c.path("new").asText()));
        }
        return String.join("; ", out);
    }

    /** Every transport of the entry in order, space-separated (the one transport of a line written before fallbacks). */
    private static String transports(JsonNode device) {
        if (!device.path("transports").isArray()) return device.path("transport").asText();
        List<String> out = new ArrayList<>();
        device.path("transports").forEach(t -> out.add(t.asText()));
        return String.join(" ", out);
    }

    /** The paths that failed before the last transport took over, as "TRANSPORT ADDRESS REASON", joined by "; ". */
    private static String fallbackFrom(JsonNode device) {
        List<String> out = new ArrayList<>();
        device.path("fallbackFrom").forEach(f -> out.add(f.path("transport").asText() + " " + f.path("address").asText()
                + " " + f.path("reason").asText()));
        return String.join("; ", out);
    }

    /** One CSV field: quoted when needed; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
    static String csv(String v) {
        String s = Printable.of(v);
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+(\\.\\d+)?")) s = "'" + s;
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || s.startsWith("'")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
