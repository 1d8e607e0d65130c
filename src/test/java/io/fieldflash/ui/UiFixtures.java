package io.fieldflash.ui;

import io.fieldflash.AppDirs;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real keys, trust stores and bundles for the UI tests. */
final class UiFixtures {
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    private UiFixtures() {}

    /** Folders for one test, with a user trust store that trusts {@link #VENDOR}. */
    static AppDirs dirs(Path tmp) throws IOException {
        AppDirs dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        Files.createDirectories(dirs.user());
        Files.write(dirs.userTrustStore(), new TrustStore(0, 1, 1,
                List.of(new TrustedKey(VENDOR.publicKey(), "Acme release", List.of(), java.time.Instant.MAX, false, false))).toJson());
        return dirs;
    }

    static Path bundle(Path dir, String version, long counter, int imageSize) throws Exception {
        byte[] image = new byte[imageSize];
        new Random(counter).nextBytes(image);
        Path img = Files.write(dir.resolve("app-" + version + ".bin"), image);
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "%s", "securityCounter": %d, "expires": "2099-01-01T00:00:00Z",
                 "releaseNotes": "Fixes gate-timer drift.", "images": [{"name": "app"}]}
                """.formatted(version, counter);
        Path out = dir.resolve("crossing-controller-" + version + ".fwb");
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", img), List.of(VENDOR), out,
                BundleWriter.Compression.STORE);
        return out;
    }

    /** A bundle whose one image "app" is an inner-format test vector; {@code extra} is added to its manifest entry. */
    static Path innerBundle(Path dir, String version, String vector, String extra) throws Exception {
        Path img = Files.write(dir.resolve(vector.replace('/', '_')), io.fieldflash.bundle.inner.InnerVectors.bytes(vector));
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "%s", "securityCounter": 5, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "serial": {"chip": "esp32"}%s}]}
                """.formatted(version, extra);
        Path out = dir.resolve("inner-" + vector.replace('/', '_') + ".fwb");
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", img), List.of(VENDOR), out,
                BundleWriter.Compression.STORE);
        return out;
    }

    /**
     * A bundle for a cable update: its one image "app" ({@code image}) goes to {@code offset} in flash of an
     * {@code chip} ({@code serial.flashOffset}, {@code serial.chip}).
     */
    static Path serialBundle(Path dir, String version, byte[] image, String chip, long offset) throws Exception {
        Path img = Files.write(dir.resolve("serial-app-" + version + ".bin"), image);
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "%s", "securityCounter": 5, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "serial": {"chip": "%s", "flashOffset": %d}}]}
                """.formatted(version, chip, offset);
        Path out = dir.resolve("serial-" + chip + "-" + version + ".fwb");
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", img), List.of(VENDOR), out,
                BundleWriter.Compression.STORE);
        return out;
    }

    /** A copy of {@code bundle} with one byte of its image changed. */
    static Path tampered(Path bundle) throws IOException {
        byte[] all = Files.readAllBytes(bundle);
        all[all.length - 400] ^= 0x5a;   // inside the last (image) entry's data, before the central directory
        return Files.write(bundle.resolveSibling("tampered-" + bundle.getFileName()), all);
    }
}
