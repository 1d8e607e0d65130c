package io.fieldflash.testing;

import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real signed bundles for tests, made with the vendor-side writer and a fresh key. */
public final class TestBundles {
    private TestBundles() {}

    public static final String PRODUCT = "crossing-controller";
    public static final String HARDWARE = "ccx-rev-b";

    /**
     * @param bundle    the bundle, verified
     * @param trustFile a PEM file with the signing key (for --trust)
     * @param trust     the same as a trust store
     * @param images    image name → its file
     */
    public record Made(VerifiedBundle bundle, Path trustFile, TrustStore trust, Map<String, Path> images) {
        public Path path() {
            return bundle.path();
        }

        public Path image() {
            return images.values().iterator().next();
        }
    }

    public static Path randomFile(Path file, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, b);
        return file;
    }

    /** A bundle for crossing-controller / ccx-rev-b with one image "app" of {@code size} random bytes. */
    public static Made make(Path dir, String version, long counter, int size, long seed) throws Exception {
        return make(dir, PRODUCT, List.of(HARDWARE, "ccx-rev-c"), version, counter, "2099-01-01T00:00:00Z",
                Map.of("app", randomFile(dir.resolve("app-" + version + "-" + seed + ".bin"), size, seed)));
    }

    public static Made make(Path dir, String product, List<String> hardware, String version, long counter, String expires,
                            Map<String, Path> images) throws Exception {
        Files.createDirectories(dir);
        SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
        StringBuilder imgs = new StringBuilder();
        for (String name : images.keySet()) imgs.append(imgs.isEmpty() ? "" : ",").append("{\"name\":\"").append(name).append("\"}");
        String template = """
                {"format":"fieldflash-bundle/1","vendor":"Acme Rail Systems","product":"%s","hardware":[%s],
                 "version":"%s","securityCounter":%d,"created":"2026-01-01T00:00:00Z","expires":"%s",
                 "releaseNotes":"test","images":[%s]}
                """.formatted(product, String.join(",", hardware.stream().map(h -> "\"" + h + "\"").toList()),
                version, counter, expires, imgs);
        Path out = dir.resolve(product + "-" + version + "-" + System.nanoTime() + ".fwb");
        VerifiedBundle vb = BundleWriter.create(template.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>(images),
                List.of(key), out, BundleWriter.Compression.DEFLATE);
        Path trustFile = dir.resolve("trust-" + System.nanoTime() + ".pub");
        Files.writeString(trustFile, key.publicKey().toPem(), StandardCharsets.US_ASCII);
        TrustStore trust = new TrustStore(0, 1, 1, List.of(TrustedKey.unscoped(key.publicKey())));
        return new Made(vb, trustFile, trust, images);
    }
}
