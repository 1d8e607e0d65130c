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
 *
 * <p>Then the inner-format check: a 64 MiB ESP32 application image (five segments, an application descriptor,
 * checksum and appended SHA-256) bundled once as {@code esp-app} and once, the same bytes, as {@code raw}; the
 * ratio of their verify times is what checking inside the image costs (target: ≤ 1.10), for deflated and for
 * stored images (stored: no inflating to hide the cost behind).
 */
public final class VerifyBench {
    /** Runs of each 64 MiB case; the best counts (a shared machine's noise only ever adds time). */
    private static final int RUNS = 15;

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

        Path esp = espApp(work.resolve("esp32-app-64m.bin"), 64L << 20);
        System.out.printf("verify: a 64 MiB ESP32 app image checked as esp-app vs the same bundle as raw (in this JVM, best of %d)%n", RUNS);
        for (BundleWriter.Compression c : BundleWriter.Compression.values()) {
            Path inner = espBundle(work, esp, "esp-app", key, c);
            Path raw = espBundle(work, esp, "raw", key, c);
            BundleReader reader = new BundleReader(trust);
            if (reader.read(inner).innerVerdict(reader.read(inner).manifest().images().getFirst()).isEmpty()) {
                throw new IllegalStateException("the esp-app bundle was not checked inside");
            }
            double tRaw = Double.MAX_VALUE, tInner = Double.MAX_VALUE;
            for (int i = 0; i < RUNS; i++) {   // interleaved, in turns first, so that a slow moment of the machine hits both
                if (i % 2 == 0) tRaw = Math.min(tRaw, Bench.best(1, () -> reader.read(raw)));
                tInner = Math.min(tInner, Bench.best(1, () -> reader.read(inner)));
                if (i % 2 == 1) tRaw = Math.min(tRaw, Bench.best(1, () -> reader.read(raw)));
            }
            System.out.printf("  %-8s  raw %6.3f s   esp-app %6.3f s   ratio %.3f  %s%n", c.name().toLowerCase(java.util.Locale.ROOT),
                    tRaw, tInner, tInner / tRaw, Bench.verdict(round(tInner / tRaw), 1.10, true));
        }
    }

    private static Path espBundle(Path work, Path image, String format, SigningKey key, BundleWriter.Compression c) throws Exception {
        byte[] manifest = ("""
                {"vendor": "Bench", "product": "bench-device", "hardware": ["rev-a"], "version": "1.0.0",
                 "securityCounter": 1, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "format": "%s", "serial": {"chip": "esp32"}}]}
                """.formatted(format)).getBytes(StandardCharsets.UTF_8);
        Path out = work.resolve("esp-" + format + "-" + c.name().toLowerCase(java.util.Locale.ROOT) + ".fwb");
        BundleWriter.create(manifest, Map.of("app", image), List.of(key), out, c);
        return out;
    }

    /**
     * A valid ESP32 application image of about {@code size} bytes, written as esptool lays one out: header, extended
     * header (chip id 0, hash appended), segments just under 16 MiB of pseudo-random data, the first starting with an
     * {@code esp_app_desc_t} for version 1.0.0, zero padding, the XOR checksum and the SHA-256 of it all.
     */
    static Path espApp(Path file, long size) throws Exception {
        final int segmentMax = 0xFFF000;
        int segments = (int) ((size + segmentMax - 1) / segmentMax);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        try (java.io.OutputStream raw = Files.newOutputStream(file);
             java.security.DigestOutputStream out = new java.security.DigestOutputStream(new java.io.BufferedOutputStream(raw, 1 << 20), sha)) {
            java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            h.put((byte) 0xE9).put((byte) segments).put((byte) 2).put((byte) 0x20).putInt(0x40080000);
            h.put((byte) 0xEE).put(new byte[3]).putShort((short) 0).put(new byte[9]).put((byte) 1);
            out.write(h.array());
            long written = 24;
            int checksum = 0xEF;
            long left = size;
            for (int s = 0; s < segments; s++) {
                int len = (int) Math.min(segmentMax, left) & ~3;
                left -= len;
                java.nio.ByteBuffer sh = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                sh.putInt(0x3F400020 + s * 0x1000000).putInt(len);
                out.write(sh.array());
                byte[] data = new byte[len];
                for (int i = 0; i < len; i++) data[i] = (byte) r.nextInt(256);
                if (s == 0) {
                    java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(data, 0, 256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    d.putInt(0xABCD5432).putInt(1).putInt(0).putInt(0);
                    byte[] text = new byte[32 + 32 + 16 + 16 + 32];
                    byte[] version = "1.0.0".getBytes(StandardCharsets.US_ASCII);
                    byte[] project = "bench".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(version, 0, text, 0, version.length);
                    System.arraycopy(project, 0, text, 32, project.length);
                    d.put(text);
                }
                for (byte b : data) checksum ^= b & 0xff;
                out.write(data);
                written += 8 + len;
            }
            while (written % 16 != 15) {
                out.write(0);
                written++;
            }
            out.write(checksum);
            out.flush();
            out.on(false);
            out.write(sha.digest());
        }
        return file;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
