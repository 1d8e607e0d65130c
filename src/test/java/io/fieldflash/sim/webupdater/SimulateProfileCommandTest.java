package io.fieldflash.sim.webupdater;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fieldflash simulate --profile web-updater|elegantota}: started from the command line, answering, stopped. */
class SimulateProfileCommandTest {
    @TempDir
    Path dir;

    @Test
    void aBadFlavorOrProfileIsAUsageError() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("simulate", "--profile", "web-updater", "--flavor", "rp2040", "--state", dir.toString(), "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--flavor must be esp32 or esp8266");
        assertThat(cl.execute("simulate", "--profile", "ota-9000", "--state", dir.toString(), "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("is not fieldflash-http").contains("web-updater or elegantota");
        assertThat(cl.execute("simulate", "--profile", "elegantota", "--faults", "drop=0.1", "--state", dir.toString(), "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("knows drop-at=N and stall-at=N");
    }

    @Test
    void elegantOtaRunsUntilStoppedBehindItsPassword() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofVirtual().start(() -> exit.set(cl.execute("simulate", "--profile", "elegantota", "--flavor", "esp8266",
                "--user", "admin", "--password", "pw", "--state", dir.toString(), "--port", "0")));
        Pattern ready = Pattern.compile("Simulated device ElegantOTA 3 \\(ESP8266\\) with a password listening on (http://127\\.0\\.0\\.1:\\d+)");
        Matcher m = ready.matcher("");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!m.reset(out.toString()).find() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(m.reset(out.toString()).find()).as(out.toString()).isTrue();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI page = URI.create(m.group(1) + "/update");
            assertThat(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
            String basic = "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(page).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        }
        t.interrupt();
        t.join(Duration.ofSeconds(10));
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
    }
}
