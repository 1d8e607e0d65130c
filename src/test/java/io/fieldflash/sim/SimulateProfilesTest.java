package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.cli.Main;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.espota.EspOtaDevice;
import io.fieldflash.testing.EspImages;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fieldflash simulate --profile viperhttp|espota}: the command starts the device, prints where, and stops on interrupt. */
class SimulateProfilesTest {
    @TempDir
    Path tmp;

    private record Running(Thread thread, AtomicInteger exit, Matcher where) {}

    private static Running start(Pattern ready, String... args) throws InterruptedException {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofVirtual().start(() -> exit.set(cl.execute(args)));
        Matcher m = ready.matcher("");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!m.reset(out.toString()).find() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(m.reset(out.toString()).find()).as(out.toString()).isTrue();
        return new Running(t, exit, m);
    }

    private static void stop(Running r) throws InterruptedException {
        assertThat(r.thread().isAlive()).isTrue();
        r.thread().interrupt();
        r.thread().join(Duration.ofSeconds(10));
        assertThat(r.thread().isAlive()).isFalse();
        assertThat(r.exit().get()).isZero();
    }

    @Test
    void theViperHttpProfileServesTheOtaRoutesWithItsToken() throws Exception {
        Running r = start(Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) \\(state"),
                "simulate", "--profile", "viperhttp", "--port", "0", "--state", tmp.resolve("v").toString(), "--token", "t0k");
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI status = URI.create(r.where().group(1) + "/ota/status");
            HttpResponse<String> no = http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(no.statusCode()).isEqualTo(401);
            assertThat(no.body()).contains("\"detail\":\"invalid ota token\"");
            HttpResponse<String> yes = http.send(HttpRequest.newBuilder(status).header("X-OTA-Token", "t0k").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(yes.body()).contains("\"supported\":true", "\"session\":null");
        }
        stop(r);
    }

    @Test
    void theEspotaProfileTakesAnUpdateFromTheAdapter() throws Exception {
        Path state = tmp.resolve("e");
        Running r = start(Pattern.compile("listening on espota://127\\.0\\.0\\.1:(\\d+) \\(UDP"),
                "simulate", "--profile", "espota", "--port", "0", "--state", state.toString(), "--flavour", "esp8266", "--password", "pw");
        TestBundles.Made b = EspImages.bundle(tmp.resolve("b"), EspImages.esp32App());
        EspOtaDevice dev = EspOtaDevice.of("127.0.0.1", Integer.parseInt(r.where().group(1)), "pw").bindTo(InetAddress.getLoopbackAddress());
        JobResult res = UpdateJob.create(new BundleSource.Verified(b.bundle()), dev, UpdateStores.in(tmp.resolve("home")),
                JobSettings.DEFAULT.withRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50), 2, 0))).run();
        assertThat(res.outcome()).as(res.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(Files.readAllBytes(state.resolve("received.bin"))).isEqualTo(Files.readAllBytes(b.image()));
        stop(r);
    }

    @Test
    void aBadProfileValueIsAUsageError() {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("simulate", "--profile", "espota", "--flavour", "esp31", "--port", "0", "--state", tmp.resolve("x").toString()))
                .isEqualTo(2);
    }
}
