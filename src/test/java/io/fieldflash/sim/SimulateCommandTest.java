package io.fieldflash.sim;

import io.fieldflash.testing.CliRun;
import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fieldflash simulate}: flags, usage errors, and a device that runs until stopped. */
class SimulateCommandTest {
    @TempDir
    Path dir;



    @Test
    void badFlagValuesAreUsageErrorsThatSayWhatIsWrong() {
        String state = dir.toString();
        CliRun faults = run("simulate", "--port", "0", "--state", state, "--faults", "drop=2");
        assertThat(faults.exit()).isEqualTo(2);
        assertThat(faults.err()).contains("--faults: drop must be a probability between 0 and 1, got 2.0");

        CliRun unknown = run("simulate", "--port", "0", "--state", state, "--faults", "jitter=5");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown fault 'jitter'");

        CliRun version = run("simulate", "--port", "0", "--state", state, "--version", "two");
        assertThat(version.exit()).isEqualTo(2);
        assertThat(version.err()).contains("version must be SemVer");

        CliRun chunk = run("simulate", "--port", "0", "--state", state, "--max-chunk", "lots");
        assertThat(chunk.exit()).isEqualTo(2);
        assertThat(chunk.err()).contains("--max-chunk must be a number of bytes");

        CliRun port = run("simulate", "--port", "70000", "--state", state);
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("port must be 0..65535");

        CliRun trust = run("simulate", "--port", "0", "--state", state, "--trust", dir.resolve("missing.pem").toString());
        assertThat(trust.exit()).isEqualTo(2);
        assertThat(trust.err()).contains("does not exist");

        CliRun reboot = run("simulate", "--port", "0", "--state", state, "--faults", "reboot-ms=100", "--reboot-ms", "200");
        assertThat(reboot.exit()).isEqualTo(2);
        assertThat(reboot.err()).contains("disagrees");

        CliRun missing = run("simulate", "--port", "0");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--state");
    }

    @Test
    void helpListsTheFaults() {
        CliRun help = run("simulate", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--faults", "drop=P", "corrupt=P", "reboot=P", "rate=BYTES", "latency=MS", "seed=N", "--max-chunk");
    }

    @Test
    void itRunsUntilStoppedAndPrintsWhereItListens() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread t = Thread.ofVirtual().start(() -> exit.set(cl.execute("simulate", "--port", "0", "--state", dir.toString(),
                "--product", "gate-lamp", "--hardware", "gl-1", "--version", "1.0.0", "--counter", "2", "--token", "t0k",
                "--faults", "latency=1,seed=5", "--max-chunk", "64KiB")));
        Pattern ready = Pattern.compile("Simulated device gate-lamp \\(gl-1\\) 1\\.0\\.0 listening on (http://127\\.0\\.0\\.1:\\d+/fieldflash/v1) \\(state .+\\)");
        Matcher m = ready.matcher("");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!m.reset(out.toString()).find() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(m.reset(out.toString()).find()).as(out.toString()).isTrue();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(info.body()).contains("\"product\":\"gate-lamp\"", "\"maxChunkSize\":65536");
            HttpResponse<String> confirm = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/confirm"))
                    .header("Authorization", "Bearer t0k").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(confirm.statusCode()).isEqualTo(200);
        }
        // The command waits until the device stops: Ctrl-C (the shutdown hook) or, in-process, an interrupt.
        assertThat(t.isAlive()).isTrue();
        t.interrupt();
        t.join(Duration.ofSeconds(10));
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        // The device no longer answers (its port is closed; in a busy test JVM another listener may take it).
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build()) {
            String answer;
            try {
                answer = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/info")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException gone) {
                answer = "";
            }
            assertThat(answer).doesNotContain("gate-lamp");
        }
    }
}
