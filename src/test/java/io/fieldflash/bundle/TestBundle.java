package io.fieldflash.bundle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Builds real bundle files for tests, byte by byte, so that each can be broken in exactly one way:
 * a manifest as JSON, images, signing keys, and the archive written with {@link RawZip}.
 */
final class TestBundle {
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    final ObjectNode manifest = Json.MAPPER.createObjectNode();
    final Map<String, byte[]> images = new LinkedHashMap<>();
    final List<SigningKey> signers = new ArrayList<>(List.of(VENDOR));
    /** Last chance to change the manifest bytes after they are made and before they are signed. */
    UnaryOperator<byte[]> beforeSigning = UnaryOperator.identity();
    /** Last chance to change the manifest bytes after signing (tampering). */
    UnaryOperator<byte[]> afterSigning = UnaryOperator.identity();
    /** Changes to the archive: called with the writer after the standard entries were added. */
    java.util.function.Consumer<RawZip> extraEntries = z -> {};
    boolean writeManifest = true;
    boolean writeSignatures = true;
    /** Image name → bytes written to the archive instead of the manifest's image bytes. */
    final Map<String, byte[]> archiveImageOverride = new LinkedHashMap<>();
    final List<String> omitImages = new ArrayList<>();

    /** A valid bundle: crossing-controller 2.4.1, one 4 KiB image "app", signed by {@link #VENDOR}. */
    static TestBundle standard() {
        TestBundle b = new TestBundle();
        b.manifest.put("format", Manifest.FORMAT)
                .put("vendor", "Acme Rail Systems")
                .put("product", "crossing-controller")
                .put("version", "2.4.1")
                .put("securityCounter", 7)
                .put("created", "2026-11-01T10:00:00Z")
                .put("expires", "2099-11-01T00:00:00Z")
                .put("releaseNotes", "Fixes gate-timer drift.");
        b.manifest.putArray("hardware").add("ccx-rev-b").add("ccx-rev-c");
        b.image("app", random(4096, 1));
        return b;
    }

    TestBundle image(String name, byte[] data) {
        images.put(name, data);
        return this;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest bytes as they will be signed (images filled in unless the test set them). */
    byte[] manifestBytes() throws IOException {
        if (!manifest.has("images")) {
            ArrayNode arr = manifest.putArray("images");
            images.forEach((name, data) -> arr.addObject().put("name", name).put("file", "images/" + name + ".bin")
                    .put("size", data.length).put("sha256", sha256(data)));
        }
        return beforeSigning.apply(Json.MAPPER.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] signatures(byte[] manifestBytes, List<SigningKey> keys) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode arr = root.putArray("signatures");
        for (SigningKey k : keys) {
            arr.addObject().put("keyid", k.keyid()).put("alg", k.alg().id())
                    .put("sig", Base64.getEncoder().encodeToString(k.sign(manifestBytes)));
        }
        return Json.MAPPER.writeValueAsBytes(root);
    }

    Path write(Path file) throws IOException {
        byte[] m = manifestBytes();
        byte[] s = signatures(m, signers);
        m = afterSigning.apply(m);
        RawZip zip = new RawZip();
        if (writeManifest) zip.stored("manifest.json", m);
        if (writeSignatures) zip.stored("signatures.json", s);
        for (Map.Entry<String, byte[]> e : images.entrySet()) {
            if (omitImages.contains(e.getKey())) continue;
            zip.stored("images/" + e.getKey() + ".bin", archiveImageOverride.getOrDefault(e.getKey(), e.getValue()));
        }
        extraEntries.accept(zip);
        zip.write(file);
        return file;
    }

    /** The same JSON value without any whitespace. */
    static byte[] compact(byte[] json) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(Json.MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TrustStore trusting(SigningKey... keys) {
        return new TrustStore(0, 1, 1, java.util.Arrays.stream(keys).map(k -> TrustedKey.unscoped(k.publicKey())).toList());
    }
}
