package io.fieldflash.testing;

import io.fieldflash.device.Device;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Bundles with a real ESP32 application image, and update jobs against the web-page device profiles. */
public final class WebDevices {
    private WebDevices() {}

    public static final String USER = "admin";
    public static final String PASSWORD = "pa55-word";

    /** Short timeouts, so that a device that stops answering fails a test in seconds. */
    public static final HttpSettings QUICK = new HttpSettings(Duration.ofMillis(400), Duration.ofMillis(400), 2048, 64 * 1024);

    public static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.5));

    /** The esptool-made ESP32 app image of the inner-format vectors (65,984 bytes, valid). */
    public static Path espApp(Path dir) throws IOException {
        return vector(dir, "esp-app/esp32-app.bin");
    }

    public static Path vector(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(Path.of(name).getFileName());
        try (InputStream in = WebDevices.class.getResourceAsStream("/inner-formats/" + name)) {
            if (in == null) throw new IOException("no test vector " + name);
            Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /** The version the vector's application descriptor carries: a bundle's manifest must say the same. */
    public static final String VERSION = "1.2.3";

    /** A signed bundle (version {@link #VERSION}) whose one image "app" is {@code image}. */
    public static TestBundles.Made bundle(Path dir, Path image) throws Exception {
        return TestBundles.make(dir, TestBundles.PRODUCT, List.of(TestBundles.HARDWARE), VERSION, 7, "2099-01-01T00:00:00Z",
                Map.of("app", image));
    }

    /** A job's result and every event it sent. */
    public record Run(JobResult result, List<JobEvent> events) {
        public List<String> messages() {
            return events.stream().map(e -> switch (e) {
                case JobEvent.Message m -> m.text();
                case JobEvent.Reconnecting r -> r.reason();
                default -> "";
            }).filter(s -> !s.isEmpty()).toList();
        }
    }

    /** Runs the update of {@code bundle} on {@code device}; at most a minute. */
    public static Run flash(TestBundles.Made bundle, Device device, Path home) throws InterruptedException {
        return flash(bundle, device, home, FAST);
    }

    /** Two attempts in all: for a device that fails every one of them. */
    public static final JobSettings ONE_RETRY = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.5));

    public static Run flash(TestBundles.Made bundle, Device device, Path home, JobSettings settings) throws InterruptedException {
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        UpdateJob job = UpdateJob.create(new BundleSource.Verified(bundle.bundle()), device, UpdateStores.in(home), settings)
                .addListener(events::add).start();
        JobResult r = job.await(Duration.ofMinutes(1)).orElseThrow(() -> new AssertionError("the job did not end within a minute"));
        return new Run(r, events);
    }
}
