package io.fieldflash.ui.demo;

import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.update.UpdateStores;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The demo: a whole update without hardware. A simulated device runs on this laptop (loopback only), with a
 * slightly lossy link so that the wizard shows a resumed transfer; a demo bundle is signed with a demo key
 * that only the demo trusts. Nothing of it touches the laptop's trust store or audit log: it all lives in
 * its own folder, made anew each time.
 */
public final class DemoSession implements AutoCloseable {
    public static final String PRODUCT = "demo-controller";
    public static final String TOKEN = "demo";
    static final String FAULTS = "rate=1500000,latency=10,drop=0.2,seed=7,reboot-ms=1500";
    static final long IMAGE_SIZE = 3L << 20;

    private final Path dir;
    private final Path bundle;
    private final TrustStore trust;
    private final SimulatedDevice device;

    private DemoSession(Path dir, Path bundle, TrustStore trust, SimulatedDevice device) {
        this.dir = dir;
        this.bundle = bundle;
        this.trust = trust;
        this.device = device;
    }

    /** Sets up the demo in {@code dir} (emptied first) and starts its device. */
    public static DemoSession start(Path dir) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
        Path image = dir.resolve("demo-firmware-2.0.0.bin");
        SplittableRandom r = new SplittableRandom(2026);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(image)) {
            for (long done = 0; done < IMAGE_SIZE; done += block.length) {
                r.nextBytes(block);
                out.write(block);
            }
        }
        String manifest = """
                {"vendor": "FieldFlash Demo Devices", "product": "%s", "hardware": ["demo-rev-a"],
                 "version": "2.0.0", "securityCounter": 2, "created": "%s", "expires": "%s",
                 "releaseNotes": "Demo release: shows a verified, resumable update without hardware.",
                 "images": [{"name": "app", "serial": {"flashOffset": 65536}}]}
                """.formatted(PRODUCT, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Instant.now().plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS));
        Path bundle = dir.resolve("demo-controller-2.0.0.fwb");
        try {
            BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", image), List.of(key), bundle,
                    BundleWriter.Compression.STORE);
        } catch (io.fieldflash.bundle.BundleException e) {
            throw new IOException("cannot make the demo bundle: " + e.getMessage(), e);
        }
        Files.delete(image);
        TrustStore trust = new TrustStore(0, 1, 1, List.of(new TrustedKey(key.publicKey(), "FieldFlash demo vendor",
                List.of(PRODUCT), Instant.MAX, false, false)));
        SimulatedDevice device = SimulatedDevice.start(SimulatorConfig.builder(dir.resolve("device")).port(0)
                .product(PRODUCT).hardware("demo-rev-a").factoryVersion("1.0.0").factoryCounter(1)
                .deviceId("dem0000000000000000000001").token(TOKEN).faults(FaultSpec.parse(FAULTS)).logRequests(false).build());
        return new DemoSession(dir, bundle, trust, device);
    }

    public Path bundle() {
        return bundle;
    }

    public TrustStore trust() {
        return trust;
    }

    /** The demo device's address, e.g. {@code http://127.0.0.1:41234}. */
    public String address() {
        return "http://127.0.0.1:" + device.port();
    }

    public SimulatedDevice device() {
        return device;
    }

    /** The demo's own resume points, counters and audit log. */
    public UpdateStores stores() {
        return UpdateStores.in(dir.resolve("laptop"));
    }

    @Override
    public void close() {
        device.close();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
