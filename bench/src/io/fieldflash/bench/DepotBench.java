package io.fieldflash.bench;

import io.fieldflash.device.esprom.SerialPlan;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.ManualBoot;
import io.fieldflash.update.DepotRun;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Depot mode: one signed bundle (a 256 KiB incompressible image at 0x10000) written by {@link DepotRun} to one
 * simulated ESP32, then to four at once, in the same run. Each unit is its own process ({@code fieldflash simulate
 * --serial}) on its own pty pair, its line paced at 460800 baud; the time is the whole run (open, sync, detect, switch
 * baud, write compressed, MD5, reset) of every unit. The line is the limit and the host mostly waits, so four units
 * should take about as long as one. Target: four/one wall time ≤ 1.3.
 */
public final class DepotBench {
    private static final int BAUD = 460_800;
    private static final long SIZE = 256 * 1024;
    private static final int UNITS = 4;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Files.createDirectories(work);
        String socat = SerialBench.which("socat").orElseThrow(() -> new IllegalStateException("bench/run depot needs socat (apt-get install socat)"));
        Path image = Bench.randomFile(work.resolve("app-256k.bin"), SIZE, 41);
        SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
        Path bundleFile = work.resolve("depot.fwb");
        Files.deleteIfExists(bundleFile);
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "2.0.0", "securityCounter": 1, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "serial": {"flashOffset": 65536, "chip": "esp32"}}]}
                """;
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", image), List.of(key), bundleFile,
                BundleWriter.Compression.STORE);
        TrustStore trust = new TrustStore(1, 1, 1, List.of(new TrustedKey(key.publicKey(), "bench", List.of(), Instant.MAX, false, false)));
        VerifiedBundle bundle = new BundleReader(trust).read(bundleFile);   // once, shared by every unit
        SerialPlan plan = SerialPlan.of(bundle.manifest());
        double lineRate = BAUD / 10.0;
        System.out.printf("depot: 256 KiB random image at 0x10000 of simulated ESP32s, %d baud (line rate %.0f B/s, %.1f s for the image alone)%n",
                BAUD, lineRate, SIZE / lineRate);

        run(root, socat, work.resolve("warm"), bundle, plan, 1, image);     // warm the code paths once
        double one = run(root, socat, work.resolve("one"), bundle, plan, 1, image);
        double four = run(root, socat, work.resolve("four"), bundle, plan, UNITS, image);
        System.out.printf("  1 unit   %.2f s  (%.0f B/s, %.2f of one line's rate)%n", one, SIZE / one, SIZE / one / lineRate);
        System.out.printf("  %d units  %.2f s  (%.0f B/s in all, %.0f B/s per unit, %.2f of one line's rate per unit)%n", UNITS, four,
                UNITS * SIZE / four, SIZE / four, SIZE / four / lineRate);
        System.out.printf("  %d units / 1 unit wall time   ratio %.3f  %s%n", UNITS, four / one,
                Bench.verdict(Math.ceil(four / one * 1000) / 1000, 1.3, true));
    }

    /** Writes the bundle to {@code n} fresh units at once; the wall time of the whole run, units ready beforehand. */
    private static double run(Path root, String socat, Path dir, VerifiedBundle bundle, SerialPlan plan, int n, Path image)
            throws Exception {
        List<SerialBench.Line> lines = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) lines.add(SerialBench.Line.open(root, socat, dir.resolve("unit" + i)));
            EspRomOptions options = EspRomOptions.defaults().withBaud(BAUD);
            List<EspRomDevice> devices = lines.stream().map(l -> plan.device(l.a.toString(), options, ManualBoot.Prompt.NONE)).toList();
            DepotRun depot = DepotRun.create(bundle, devices, UpdateStores.in(dir.resolve("home")), JobSettings.DEFAULT, new DepotRun.Listener() {});
            long t0 = System.nanoTime();
            List<DepotRun.UnitResult> results = depot.start().await();
            double s = (System.nanoTime() - t0) / 1e9;
            for (DepotRun.UnitResult r : results) {
                if (!r.result().ok()) throw new IllegalStateException(r.port() + ": " + r.result().message());
            }
            for (SerialBench.Line l : lines) l.check(image);
            return s;
        } finally {
            for (SerialBench.Line l : lines) l.close();
        }
    }
}
