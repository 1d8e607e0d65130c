package io.fieldflash.update.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.update.AuditRecord;
import io.fieldflash.update.JobResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job report: what a supervisor reads, that nothing from a bundle or device becomes markup, and the atomic write. */
class JobReportTest {
    static final Instant END = Instant.parse("2026-03-01T12:00:00Z");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String SIGNER = "b4178c0e1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccd";

    @TempDir
    Path dir;

    static AuditRecord record(String vendor, String deviceId, boolean expiryOverridden, String result, String reason) {
        return new AuditRecord(END, "Sam Taylor", "laptop-07", "crossing-controller-2.4.1.fwb", vendor,
                "crossing-controller", "2.4.1", SHA, List.of(SIGNER), expiryOverridden, deviceId, "fieldflash-http/1",
                "http://192.168.4.1", "2.3.0", result.equals("UPDATED") ? "2.4.1" : "2.3.0", result, reason,
                1_234_567, 2, 125.4);
    }

    static JobResult updated(String deviceId) {
        return new JobResult(JobResult.Outcome.UPDATED, "", "The device runs 2.4.1 now.", "", deviceId, "2.3.0", "2.4.1",
                1_234_567, 2, Duration.ofMillis(125_400), false);
    }

    static JobResult refused(String deviceId) {
        return new JobResult(JobResult.Outcome.REFUSED, "DOWNGRADE", "The device runs security level 9; this bundle has 7.",
                "This firmware is older, in security terms, than what the device runs. Use a newer bundle.", deviceId,
                "2.3.0", "2.3.0", 0, 0, Duration.ofSeconds(3), false);
    }

    /** The text of the element with this id, entities decoded: what a browser shows. */
    static String shown(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>(.*?)</", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("element #" + id).isTrue();
        return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    @Test
    void aJobFinishedOverTheFallbackNamesThePathThatFailedFirst() {
        AuditRecord r = new AuditRecord(END, "Sam", "laptop-07", "cc.fwb", "Acme", "crossing-controller", "2.4.1", SHA,
                List.of(SIGNER), false, "24:0a:c4:4f:1a:23", "esp-rom", "/dev/ttyUSB0", "", "", "UPDATED", "", 9000, 0, 12.5,
                List.of(new AuditRecord.FirstTry("fieldflash-http/1", "http://192.168.4.1", "ccx-0042", "UNREACHABLE")));
        String html = JobReport.of(r, updated("24:0a:c4:4f:1a:23"), List.of()).withZone(BERLIN).html();
        assertThat(shown(html, "device-transport")).isEqualTo("esp-rom");
        assertThat(shown(html, "device-fallback-from")).isEqualTo("fieldflash-http/1 at http://192.168.4.1: failed (UNREACHABLE), "
                + "so the connection above finished the update");
        assertThat(JobReport.of(record("Acme", "ccx-0042", false, "UPDATED", ""), updated("ccx-0042"), List.of()).html())
                .doesNotContain("device-fallback-from");
    }

    @Test
    void updatedJobShowsEverythingASupervisorNeeds() {
        String html = JobReport.of(record("Acme Rail Systems", "ccx-0042", false, "UPDATED", ""), updated("ccx-0042"),
                        List.of("12:00:01.000 INFO [UpdateJob] Connected to ccx-0042", "12:02:05.000 INFO [UpdateJob] Confirmed 2.4.1"))
                .withSignerNames(Map.of(SIGNER, "Acme release 2026")).withZone(BERLIN).html();

        assertThat(shown(html, "verdict")).isEqualTo("✔ Updated");
        assertThat(shown(html, "message")).isEqualTo("The device runs 2.4.1 now.");
        assertThat(shown(html, "device-id")).isEqualTo("ccx-0042");
        assertThat(shown(html, "device-address")).isEqualTo("http://192.168.4.1");
        assertThat(shown(html, "device-transport")).isEqualTo("fieldflash-http/1");
        assertThat(shown(html, "versions")).isEqualTo("2.3.0  →  2.4.1");
        assertThat(shown(html, "vendor")).isEqualTo("Acme Rail Systems");
        assertThat(shown(html, "product")).isEqualTo("crossing-controller");
        assertThat(shown(html, "bundle-version")).isEqualTo("2.4.1");
        assertThat(shown(html, "bundle-file")).isEqualTo("crossing-controller-2.4.1.fwb");
        assertThat(shown(html, "manifest")).isEqualTo(SHA);
        assertThat(html).contains("<li>Acme release 2026<br><span class=\"mono\">" + SIGNER + "</span></li>");
        assertThat(shown(html, "operator")).isEqualTo("Sam Taylor");
        assertThat(shown(html, "host")).isEqualTo("laptop-07");
        assertThat(shown(html, "time-local")).isEqualTo("2026-03-01 13:00:00 (UTC+01:00, Europe/Berlin)");
        assertThat(shown(html, "time-utc")).isEqualTo("2026-03-01 12:00:00 UTC");
        assertThat(shown(html, "duration")).isEqualTo("2 min 5 s");
        assertThat(shown(html, "bytes")).isEqualTo("1.2 MiB (1,234,567 bytes)");
        assertThat(shown(html, "resumes")).isEqualTo("2");
        assertThat(shown(html, "log")).isEqualTo("12:00:01.000 INFO [UpdateJob] Connected to ccx-0042\n"
                + "12:02:05.000 INFO [UpdateJob] Confirmed 2.4.1\n");
        assertThat(html).doesNotContain("id=\"reason\"", "id=\"next-step\"", "id=\"expiry-overridden\"", "id=\"downgrade-confirmed\"");
    }

    @Test
    void aConfirmedDowngradeIsSaidOnTheReport() {
        AuditRecord r = record("Acme Rail Systems", "ccx-0042", false, "UPDATED", "");
        AuditRecord older = new AuditRecord(r.time(), r.operator(), r.host(), r.bundleFile(), r.vendor(), r.product(), "2.4.0",
                r.manifestSha256(), r.signers(), false, r.deviceId(), r.transport(), r.deviceAddress(), "2.4.1", "2.4.0",
                r.result(), r.reason(), r.bytesSent(), r.resumes(), r.seconds(), true);
        String html = JobReport.of(older, updated("ccx-0042"), List.of()).withZone(BERLIN).html();
        assertThat(shown(html, "downgrade-confirmed"))
                .isEqualTo("⚠ This firmware is older than what the device ran. The operator confirmed installing it.");
    }

    @Test
    void jobThatDidNotUpdateSaysWhyAndWhatToDoNext() {
        String html = JobReport.of(record("Acme", "ccx-0042", true, "REFUSED", "DOWNGRADE"), refused("ccx-0042"), List.of())
                .withZone(BERLIN).html();

        assertThat(shown(html, "verdict")).isEqualTo("✖ Refused: nothing was changed");
        assertThat(shown(html, "reason")).isEqualTo("DOWNGRADE");
        assertThat(shown(html, "message")).isEqualTo("The device runs security level 9; this bundle has 7.");
        assertThat(shown(html, "next-step")).startsWith("This firmware is older");
        assertThat(shown(html, "expiry-overridden")).contains("past its expiry date");
        assertThat(html).contains("(name not known on this laptop)").contains(SIGNER)
                .contains("No log lines were recorded for this job.");
        assertThat(shown(html, "versions")).isEqualTo("2.3.0  →  2.3.0");
    }

    @Test
    void everyOutcomeHasItsOwnPlainWords() {
        for (JobResult.Outcome o : JobResult.Outcome.values()) {
            JobResult r = new JobResult(o, o == JobResult.Outcome.UPDATED ? "" : "X", "m", "", "d", "", "", 0, 0, Duration.ZERO, false);
            String verdict = shown(JobReport.of(record("Acme", "d", false, o.name(), ""), r, List.of()).html(), "verdict");
            assertThat(verdict).as(o.name()).isEqualTo(switch (o) {
                case UPDATED -> "✔ Updated";
                case ALREADY_INSTALLED -> "✔ Already up to date: nothing was changed";
                case REFUSED -> "✖ Refused: nothing was changed";
                case FAILED -> "✖ Failed";
                case CANCELLED -> "■ Cancelled: nothing was installed";
            });
        }
    }

    @Test
    void unknownFieldsSayUnknownNotNothing() {
        AuditRecord r = new AuditRecord(END, "Sam", "laptop-07", "bad.fwb", "", "", "", "", List.of(), false, "", "fieldflash-http/1",
                "http://192.168.4.1", "", "", "REFUSED", "SIGNATURE_INVALID", 0, 0, 0.4);
        JobResult res = new JobResult(JobResult.Outcome.REFUSED, "SIGNATURE_INVALID", "The signature does not match.",
                "Get a fresh copy from the vendor.", "", "", "", 0, 0, Duration.ofMillis(400), false);
        String html = JobReport.of(r, res, List.of()).html();
        assertThat(shown(html, "device-id")).isEqualTo("unknown");
        assertThat(shown(html, "vendor")).isEqualTo("unknown");
        assertThat(shown(html, "versions")).isEqualTo("unknown  →  unknown");
        assertThat(shown(html, "signers")).isEqualTo("nobody (the bundle was not verified)");
        assertThat(shown(html, "duration")).isEqualTo("0 s");
    }

    @Test
    void hostileBundleDeviceAndLogTextIsShownAsTextNeverAsMarkup() {
        String vendor = "Acme <script>alert('x')</script> & \"Sons\"";
        String device = "<img src=x onerror=alert(1)>\u202Efdp.exe";
        String signerName = "</span><script>steal()</script>";
        String logLine = "12:00:00.000 WARN [Device] said: </pre><script src=\"http://evil/x.js\"></script> & 'done'";
        String html = JobReport.of(record(vendor, device, false, "FAILED", "LINK_LOST"),
                        new JobResult(JobResult.Outcome.FAILED, "LINK_LOST", "Device " + device + " went away <b>", "Try <i>again</i>",
                                device, "", "", 0, 0, Duration.ZERO, false), List.of(logLine))
                .withSignerNames(Map.of(SIGNER, signerName)).html();

        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<img")
                .doesNotContain("<b>", "<i>", "</pre><", "\u202E")
                .contains("Acme &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Sons&quot;");
        assertThat(shown(html, "vendor")).isEqualTo(vendor);
        assertThat(shown(html, "device-id")).isEqualTo("<img src=x onerror=alert(1)>\\u202Efdp.exe");
        assertThat(shown(html, "log")).isEqualTo(logLine + "\n");
        assertThat(shown(html, "message")).isEqualTo("Device <img src=x onerror=alert(1)>\\u202Efdp.exe went away <b>");
        assertThat(shown(html, "next-step")).isEqualTo("Try <i>again</i>");
        assertThat(html).contains("&lt;/span&gt;&lt;script&gt;steal()&lt;/script&gt;");
        // and even if something slipped through, the page forbids scripts and loading anything
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
        assertThat(html).doesNotContain("<link", " src=\"", "@import", "url(");
    }

    @Test
    void pageIsSelfContainedAndMadeForA4() {
        String html = JobReport.of(record("Acme", "ccx-0042", false, "UPDATED", ""), updated("ccx-0042"), List.of()).html();
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">").contains("@page { size: A4;")
                .contains("<title>FieldFlash report: ccx-0042, 2026-03-01 12:00:00 UTC</title>").endsWith("</html>\n");
    }

    @Test
    void fileNameNamesDeviceAndLocalTimeWithOnlySafeCharacters() {
        assertThat(JobReport.fileName(record("Acme", "ccx-0042", false, "UPDATED", ""), BERLIN))
                .isEqualTo("fieldflash-report-ccx-0042-20260301-130000.html");
        assertThat(JobReport.fileName(record("Acme", "../../etc/pass wd<>", false, "UPDATED", ""), BERLIN))
                .isEqualTo("fieldflash-report-etc_pass_wd__-20260301-130000.html");
        assertThat(JobReport.fileName(record("Acme", "", false, "FAILED", ""), ZoneId.of("UTC")))
                .isEqualTo("fieldflash-report-unknown-device-20260301-120000.html");
        assertThat(JobReport.fileName(record("Acme", "x".repeat(100), false, "UPDATED", ""), BERLIN))
                .isEqualTo("fieldflash-report-" + "x".repeat(40) + "-20260301-130000.html");
    }

    @Test
    void writeReplacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path out = dir.resolve("reports").resolve("report.html");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "old report");

        JobReport.write(record("Acme Rail Systems", "ccx-0042", false, "UPDATED", ""), updated("ccx-0042"),
                List.of("line → one"), out);

        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(written).startsWith("<!DOCTYPE html>").contains("Acme Rail Systems").contains("line → one").endsWith("</html>\n");
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void failedWriteLeavesWhatWasThereAndNoTemporaryFile() throws IOException {
        Path out = dir.resolve("report.html");
        Files.createDirectories(out);                      // a folder where the file should go: the move must fail
        Files.writeString(out.resolve("keep.txt"), "keep");

        assertThatThrownBy(() -> JobReport.write(record("Acme", "ccx-0042", false, "UPDATED", ""), updated("ccx-0042"),
                List.of(), out)).isInstanceOf(IOException.class);

        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("keep");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }
}
