package io.fieldflash.update.report;

import io.fieldflash.AppInfo;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.update.AuditRecord;
import io.fieldflash.update.JobResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * The report of one update job ("Save report" on the wizard's last page): a self-contained HTML page a technician
 * can hand to a supervisor or print on A4. Inline CSS only, no scripts, no external resources; a
 * Content-Security-Policy forbids both, and every value that came from the bundle, the device or the log is
 * HTML-escaped, so a hostile manifest or device cannot put markup into it.
 *
 * <p>Texts are the {@code report.*} keys of the app's messages.
 *
 * @param record      the job's audit record (what the audit log keeps)
 * @param result      how the job ended: outcome, reason code, message, next step
 * @param logLines    the job's log lines, oldest first
 * @param signerNames keyid → a person's name for it (from the trust store); keyids without a name show as unknown
 * @param zone        the time zone for local times
 */
public record JobReport(AuditRecord record, JobResult result, List<String> logLines, Map<String, String> signerNames,
                        ZoneId zone) {
    /** The resource bundle the texts come from. */
    public static final String MESSAGES = "io.fieldflash.ui.messages";

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '(UTC'xxx', 'VV')'", Locale.ROOT);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    public JobReport {
        logLines = List.copyOf(logLines);
        signerNames = Map.copyOf(signerNames);
    }

    /** The report of a job, with local times in this laptop's time zone and no signer names. */
    public static JobReport of(AuditRecord record, JobResult result, List<String> logLines) {
        return new JobReport(record, result, logLines, Map.of(), ZoneId.systemDefault());
    }

    /** This report naming the signers, e.g. with {@link #signerNames(Collection)} of the bundle's signers. */
    public JobReport withSignerNames(Map<String, String> names) {
        return new JobReport(record, result, logLines, names, zone);
    }

    public JobReport withZone(ZoneId zone) {
        return new JobReport(record, result, logLines, signerNames, zone);
    }

    /** keyid → name of these keys (those without a name are left out). */
    public static Map<String, String> signerNames(Collection<TrustedKey> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (TrustedKey k : keys) {
            if (!k.name().isEmpty()) out.put(k.keyid(), k.name());
        }
        return out;
    }

    /** Writes the report of a job to {@code out} (see {@link #write(Path)}). */
    public static void write(AuditRecord record, JobResult result, List<String> logLines, Path out) throws IOException {
        of(record, result, logLines).write(out);
    }

    /**
     * Writes the report to {@code out} atomically: a temporary file beside it, flushed to disk, then moved over it, so
     * {@code out} is either the complete report or what it was before.
     */
    public void write(Path out) throws IOException {
        write(out, ResourceBundle.getBundle(MESSAGES));
    }

    public void write(Path out, ResourceBundle messages) throws IOException {
        writeAtomically(out, html(messages).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A file name for the report: {@code fieldflash-report-<device>-<yyyyMMdd-HHmmss>.html}, the device id reduced to
     * letters, digits, dot, dash and underscore (at most 40 of them), the job's end in local time.
     */
    public static String fileName(AuditRecord record) {
        return fileName(record, ZoneId.systemDefault());
    }

    public static String fileName(AuditRecord record, ZoneId zone) {
        String id = record.deviceId().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
        if (id.length() > 40) id = id.substring(0, 40);
        if (id.isEmpty()) id = "unknown-device";
        return "fieldflash-report-" + id + "-" + FILE_TIME.format(record.time().atZone(zone)) + ".html";
    }

    // ---- the page ----

    /** The report as an HTML page, with the texts of the app's default messages. */
    public String html() {
        return html(ResourceBundle.getBundle(MESSAGES));
    }

    public String html(ResourceBundle messages) {
        Page p = new Page(messages);
        AuditRecord r = record;
        String lang = messages.getLocale().getLanguage().isEmpty() ? "en" : messages.getLocale().getLanguage();
        String device = r.deviceId().isEmpty() ? p.text("report.unknown") : r.deviceId();
        StringBuilder h = p.out;
        h.append("<!DOCTYPE html>\n<html lang=\"").append(Html.escape(lang)).append("\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"generator\" content=\"FieldFlash ").append(Html.escape(AppInfo.version())).append("\">\n")
                .append("<title>").append(Html.escape(p.text("report.pageTitle", device, UTC.format(r.time())))).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");

        h.append("<header>\n<h1>").append(Html.escape(p.text("report.title"))).append("</h1>\n<p class=\"sub\">")
                .append(Html.escape(p.text("report.generated", AppInfo.version(), local(Instant.now()))))
                .append("</p>\n</header>\n");

        resultBox(p);

        p.section("report.section.device");
        p.row("report.device.id", device, "device-id");
        p.row("report.device.address", orUnknown(p, r.deviceAddress()), "device-address");
        p.row("report.device.transport", orUnknown(p, r.transport()), "device-transport");
        for (AuditRecord.FirstTry f : r.fellBackFrom()) {      // the path that failed before this one finished the job
            p.row("report.device.fallbackFrom", p.text("report.device.fallbackFrom.value", f.transport(), f.address(), f.reason()),
                    "device-fallback-from");
        }
        p.row("report.device.versions", orUnknown(p, r.versionBefore()) + "  →  " + orUnknown(p, r.versionAfter()), "versions");
        p.endSection();

        p.section("report.section.bundle");
        p.row("report.bundle.vendor", orUnknown(p, r.vendor()), "vendor");
        p.row("report.bundle.product", orUnknown(p, r.product()), "product");
        p.row("report.bundle.version", orUnknown(p, r.version()), "bundle-version");
        p.row("report.bundle.file", orUnknown(p, r.bundleFile()), "bundle-file");
        p.rowMono("details.report.manifest", orUnknown(p, r.manifestSha256()), "manifest");
        signers(p);
        p.endSection();
        if (r.expiryOverridden()) {
            h.append("<p class=\"warning\" id=\"expiry-overridden\">⚠ ")
                    .append(Html.escape(p.text("report.bundle.expiryOverridden"))).append("</p>\n");
        }

        if (r.downgradeConfirmed()) {
            h.append("<p class=\"warning\" id=\"downgrade-confirmed\">⚠ ")
                    .append(Html.escape(p.text("report.downgradeConfirmed"))).append("</p>\n");
        }

        p.section("report.section.job");
        p.row("report.job.operator", orUnknown(p, r.operator()), "operator");
        p.row("report.job.host", orUnknown(p, r.host()), "host");
        p.row("report.job.timeLocal", local(r.time()), "time-local");
        p.row("report.job.timeUtc", UTC.format(r.time()), "time-utc");
        p.row("report.job.duration", duration(p, r.seconds()), "duration");
        p.row("report.job.bytes", bytes(p, r.bytesSent()), "bytes");
        p.row("report.job.resumes", Integer.toString(r.resumes()), "resumes");
        p.endSection();

        h.append("<section class=\"log\">\n<h2>").append(Html.escape(p.text("report.section.log"))).append("</h2>\n");
        if (logLines.isEmpty()) {
            h.append("<p class=\"muted\">").append(Html.escape(p.text("report.noLog"))).append("</p>\n");
        } else {
            h.append("<pre id=\"log\">");
            for (String line : logLines) h.append(Html.escape(line.replace("\r", ""))).append('\n');
            h.append("</pre>\n");
        }
        h.append("</section>\n</body>\n</html>\n");
        return h.toString();
    }

    private void resultBox(Page p) {
        JobResult.Outcome o = result.outcome();
        String kind = switch (o) {
            case UPDATED, ALREADY_INSTALLED -> "ok";
            case REFUSED, CANCELLED -> "warn";
            case FAILED -> "bad";
        };
        String mark = switch (o) {
            case UPDATED, ALREADY_INSTALLED -> "✔";
            case REFUSED, FAILED -> "✖";
            case CANCELLED -> "■";
        };
        StringBuilder h = p.out;
        h.append("<section class=\"result ").append(kind).append("\">\n<p class=\"verdict\" id=\"verdict\">")
                .append(mark).append(' ').append(Html.escape(p.text("report.outcome." + o.name()))).append("</p>\n");
        if (!result.message().isEmpty()) {
            h.append("<p id=\"message\">").append(Html.escape(result.message())).append("</p>\n");
        }
        if (!result.ok()) {
            h.append("<table class=\"facts\">\n");
            if (!result.reason().isEmpty()) p.tr("details.report.reason", result.reason(), "reason", true);
            if (!result.hint().isEmpty()) p.tr("report.nextStep", result.hint(), "next-step", false);
            h.append("</table>\n");
        }
        h.append("</section>\n");
    }

    private void signers(Page p) {
        StringBuilder h = p.out;
        h.append("<tr><th>").append(Html.escape(p.text("report.bundle.signers"))).append("</th><td id=\"signers\">");
        if (record.signers().isEmpty()) {
            h.append(Html.escape(p.text("report.bundle.noSigners")));
        } else {
            h.append("<ul>");
            for (String keyid : record.signers()) {
                String name = signerNames.get(keyid);
                h.append("<li>").append(name == null ? "<span class=\"muted\">" + Html.escape(p.text("report.bundle.unknownSigner")) + "</span>"
                        : Html.escape(name)).append("<br><span class=\"mono\">").append(Html.escape(keyid)).append("</span></li>");
            }
            h.append("</ul>");
        }
        h.append("</td></tr>\n");
    }

    private String local(Instant t) {
        return LOCAL.format(t.atZone(zone));
    }

    private static String orUnknown(Page p, String s) {
        return s.isBlank() ? p.text("report.unknown") : s;
    }

    static String duration(Page p, double seconds) {
        long s = Math.round(seconds);
        Duration d = Duration.ofSeconds(s);
        if (s < 60) return p.text("report.duration.seconds", s);
        if (s < 3600) return p.text("report.duration.minutes", d.toMinutes(), d.toSecondsPart());
        return p.text("report.duration.hours", d.toHours(), d.toMinutesPart());
    }

    static String bytes(Page p, long n) {
        String human;
        if (n < 1024) human = n + " B";
        else if (n < 1024 * 1024) human = String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        else if (n < 1024L * 1024 * 1024) human = String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        else human = String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
        return n < 1024 ? human : p.text("report.bytes", human, String.format(Locale.ROOT, "%,d", n));
    }

    /** The page being written, with its texts. */
    static final class Page {
        final ResourceBundle messages;
        final StringBuilder out = new StringBuilder(16 * 1024);

        Page(ResourceBundle messages) {
            this.messages = messages;
        }

        String text(String key, Object... args) {
            String pattern = messages.getString(key);
            return args.length == 0 ? pattern : new MessageFormat(pattern, messages.getLocale()).format(args);
        }

        void section(String key) {
            out.append("<section>\n<h2>").append(Html.escape(text(key))).append("</h2>\n<table class=\"facts\">\n");
        }

        void endSection() {
            out.append("</table>\n</section>\n");
        }

        void row(String key, String value, String id) {
            tr(key, value, id, false);
        }

        void rowMono(String key, String value, String id) {
            tr(key, value, id, true);
        }

        void tr(String key, String value, String id, boolean mono) {
            out.append("<tr><th>").append(Html.escape(text(key))).append("</th><td id=\"").append(id).append('"')
                    .append(mono ? " class=\"mono\"" : "").append('>').append(Html.escape(value)).append("</td></tr>\n");
        }
    }

    private static final String CSS = """
            @page { size: A4; margin: 15mm 15mm 18mm 15mm; }
            * { box-sizing: border-box; }
            html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; font-size: 11pt;
                   line-height: 1.35; color: #000; background: #fff; max-width: 190mm; margin: 1.5em auto; padding: 0 1em; }
            h1 { font-size: 18pt; margin: 0 0 0.2em 0; }
            h2 { font-size: 13pt; margin: 1.2em 0 0.4em 0; border-bottom: 1px solid #999; padding-bottom: 0.15em;
                 break-after: avoid; page-break-after: avoid; }
            .sub, .muted { color: #444; }
            .result { border: 3px solid #000; border-radius: 6px; padding: 0.6em 1em; margin: 1em 0;
                      break-inside: avoid; page-break-inside: avoid; }
            .result.ok { border-color: #1d7a36; background: #eef8f0; }
            .result.warn { border-color: #8a5a00; background: #fdf6e6; }
            .result.bad { border-color: #b3261e; background: #fcefee; }
            .verdict { font-size: 20pt; font-weight: bold; margin: 0 0 0.3em 0; }
            .result p { margin: 0.3em 0; }
            table.facts { border-collapse: collapse; width: 100%; }
            table.facts th { text-align: left; vertical-align: top; font-weight: 600; width: 32%; padding: 0.25em 0.8em 0.25em 0; }
            table.facts td { vertical-align: top; padding: 0.25em 0; overflow-wrap: anywhere; }
            table.facts tr { break-inside: avoid; page-break-inside: avoid; }
            ul { margin: 0; padding-left: 1.2em; }
            .mono, pre { font-family: "Cascadia Mono", Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
            .mono { font-size: 9.5pt; overflow-wrap: anywhere; }
            .warning { border: 2px solid #8a5a00; background: #fdf6e6; padding: 0.5em 0.8em; font-weight: bold;
                       break-inside: avoid; page-break-inside: avoid; }
            pre { font-size: 8.5pt; white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #bbb;
                  padding: 0.5em; margin: 0; background: #fafafa; }
            @media print { body { margin: 0; padding: 0; max-width: none; font-size: 10pt; } pre { font-size: 7.5pt; } }
            """;

    // ---- atomic write ----

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        io.fieldflash.AtomicFile.write(target, bytes);
    }
}
