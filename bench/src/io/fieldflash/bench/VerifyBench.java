package io.fieldflash.bench;

import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Verifying a bundle with a 256 MiB image, against {@code sha256sum} of the same image file: verification
 * must cost little more than hashing the image once (target: ratio ≤ 1.3).
 *
 * <p>Three figures: sha256sum (the reference), FieldFlash's verify in this JVM (best of 3), and
 * {@code fieldflash verify} as a new process (best of 3, JVM start-up included: what a user waits for).
 */
public final class VerifyBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Files.createDirectories(work);
        long size = 256L << 20;
        Path image = Bench.randomFile(work.resolve("app.bin"), size, 7);
        SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
        Files.writeString(work.resolve("vendor.pub"), key.publicKey().toPem());
        byte[] manifest = """
                {"vendor": "Bench", "product": "bench-device", "hardware": ["rev-a"], "version": "1.0.0",
                 "securityCounter": 1, "expires": "2099-01-01T00:00:00Z", "images": [{"name": "app"}]}
                """.getBytes(StandardCharsets.UTF_8);
        Path bundle = work.resolve("bench.fwb");
        BundleWriter.create(manifest, Map.of("app", image), List.of(key), bundle, BundleWriter.Compression.DEFLATE);
        TrustStore trust = new TrustStore(0, 1, 1, List.of(TrustedKey.unscoped(key.publicKey())));

        double sha = Bench.best(3, () -> Bench.exec(List.of("sha256sum", image.toString())));
        double inProcess = Bench.best(3, () -> new BundleReader(trust).read(bundle));
        double process = Bench.best(3, () -> Bench.exec(List.of(root.resolve("bin/fieldflash").toString(), "verify",
                "--trust", work.resolve("vendor.pub").toString(), bundle.toString())));

        System.out.printf("verify: bundle with a 256 MiB image (deflated, %d MiB on disk)%n", Files.size(bundle) >> 20);
        System.out.printf("  reference  sha256sum of the image         %6.3f s%n", sha);
        System.out.printf("  verify     in this JVM (best of 3)        %6.3f s   ratio %.2f  %s%n", inProcess, inProcess / sha,
                Bench.verdict(round(inProcess / sha), 1.3, true));
        System.out.printf("  verify     'fieldflash verify' process    %6.3f s   ratio %.2f  %s%n", process, process / sha,
                Bench.verdict(round(process / sha), 1.3, true));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
