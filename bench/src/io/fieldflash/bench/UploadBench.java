package io.fieldflash.bench;

import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.Phase;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Over-the-air update against the simulated device on loopback:
 * <ol>
 *   <li>goodput: image bytes per second during the transfer phase, as a ratio of the device's receive
 *       bandwidth ({@code rate=2000000,latency=20}); target ≥ 0.9;</li>
 *   <li>resilience: on the same link with {@code drop=0.2} (each PATCH cut at a random byte with probability
 *       0.2), the bytes sent again per drop, as a ratio of one chunk (the device's {@code maxChunkSize}); target ≤ 1.
 *       The device keeps every byte it read before the cut, so what is lost is only what was in flight: bytes in
 *       the laptop's and the device's TCP buffers.</li>
 * </ol>
 */
public final class UploadBench {
    private static final long RATE = 2_000_000;
    private static final String TOKEN = "bench-token";

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[1]);
        Files.createDirectories(work);
        for (String d : List.of("dev-goodput", "dev-drops", "home-goodput", "home-drops")) deleteTree(work.resolve(d));
        long size = 12L << 20;
        Path image = Bench.randomFile(work.resolve("app.bin"), size, 11);
        SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
        byte[] manifest = """
                {"vendor": "Bench", "product": "crossing-controller", "hardware": ["ccx-rev-b"], "version": "9.0.0",
                 "securityCounter": 9, "expires": "2099-01-01T00:00:00Z", "images": [{"name": "app"}]}
                """.getBytes(StandardCharsets.UTF_8);
        Path bundle = work.resolve("upload.fwb");
        BundleWriter.create(manifest, Map.of("app", image), List.of(key), bundle, BundleWriter.Compression.STORE);
        VerifiedBundle vb = new BundleReader(new TrustStore(0, 1, 1, List.of(TrustedKey.unscoped(key.publicKey())))).read(bundle);

        // 1. goodput against the device's bandwidth
        Run good = run(vb, work.resolve("dev-goodput"), work.resolve("home-goodput"), "rate=" + RATE + ",latency=20,reboot-ms=200");
        double goodput = size / good.transferSeconds;
        System.out.printf("upload: %d MiB image to the simulated device over loopback%n", size >> 20);
        System.out.printf("  goodput    rate=%d B/s, latency=20 ms: %.0f B/s in %.2f s   ratio %.2f  %s%n", RATE, goodput,
                good.transferSeconds, goodput / RATE, Bench.verdict(Math.floor(goodput / RATE * 100) / 100, 0.9, false));

        // 2. bytes sent again per drop
        Run drops = run(vb, work.resolve("dev-drops"), work.resolve("home-drops"), "drop=0.2,rate=" + RATE + ",latency=20,seed=42,reboot-ms=200");
        long resent = drops.result.bytesSent() - size;
        double perDrop = drops.drops == 0 ? 0 : (double) resent / drops.drops;
        System.out.printf("  drops      drop=0.2, seed=42: %d drops, %d bytes sent for %d (%.3f×), %.0f bytes again per drop%n",
                drops.drops, drops.result.bytesSent(), size, (double) drops.result.bytesSent() / size, perDrop);
        int chunk = SimulatorConfig.DEFAULT_MAX_CHUNK;
        System.out.printf("             per drop vs one chunk (device maxChunkSize %d B)   ratio %.3f  %s%n", chunk,
                perDrop / chunk, Bench.verdict(Math.ceil(perDrop / chunk * 1000) / 1000, 1.0, true));
    }

    private record Run(JobResult result, double transferSeconds, long drops) {}

    private static Run run(VerifiedBundle vb, Path state, Path home, String faults) throws Exception {
        SimulatorConfig cfg = SimulatorConfig.builder(state).port(0).token(TOKEN).faults(FaultSpec.parse(faults))
                .logRequests(false).build();
        try (SimulatedDevice sim = SimulatedDevice.start(cfg)) {
            AtomicLong transferStart = new AtomicLong(), transferEnd = new AtomicLong();
            UpdateJob job = UpdateJob.create(new BundleSource.Verified(vb),
                    new HttpDevice(sim.baseUri(), TOKEN, HttpSettings.DEFAULT), UpdateStores.in(home),
                    JobSettings.DEFAULT.withReboot(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(100)));
            job.addListener(e -> {
                if (e instanceof JobEvent.PhaseChanged p) {
                    if (p.phase() == Phase.TRANSFERRING && transferStart.get() == 0) transferStart.set(System.nanoTime());
                    if (p.phase() == Phase.INSTALLING && transferEnd.get() == 0) transferEnd.set(System.nanoTime());
                }
            });
            JobResult r = job.run();
            if (!r.ok()) throw new IllegalStateException("the update failed: " + r.message());
            return new Run(r, (transferEnd.get() - transferStart.get()) / 1e9, sim.stats().drops());
        }
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
