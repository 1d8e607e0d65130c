package io.fieldflash.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.inner.InnerChecker;
import io.fieldflash.bundle.inner.InnerFormat;
import io.fieldflash.bundle.inner.InnerReason;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Makes and signs a bundle (vendor side). The manifest template gives everything but each image's
 * {@code file}, {@code size} and {@code sha256}, which are computed from the image files, and an image's
 * {@code format} when the template gives none and the image is a well-formed ESP app or MCUboot image. The result is
 * written to a temporary file beside the target and moved into place only when complete, then read back
 * with {@link BundleReader} against the signing keys, so a bundle that would not verify is never produced.
 */
public final class BundleWriter {
    private BundleWriter() {}

    /** How images are stored in the archive. */
    public enum Compression { DEFLATE, STORE }

    /**
     * @param template manifest.json text as the vendor wrote it
     * @param images   image name → file holding its bytes, in manifest order where the template has no order
     * @param keys     one or more signing keys
     */
    public static VerifiedBundle create(byte[] template, Map<String, Path> images, List<SigningKey> keys,
                                        Path out, Compression compression) throws BundleException, IOException {
        if (keys.isEmpty()) throw new IllegalArgumentException("at least one signing key is needed");
        ObjectNode manifest = parseTemplate(template);
        Map<String, String> files = fillImages(manifest, images);
        byte[] manifestBytes = (Json.MAPPER.writeValueAsString(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
        Manifest parsed = Manifest.parse(manifestBytes);   // the vendor's template must make a valid manifest

        ObjectNode sigs = Json.MAPPER.createObjectNode();
        ArrayNode arr = sigs.putArray("signatures");
        for (SigningKey k : keys) {
            ObjectNode s = arr.addObject();
            s.put("keyid", k.keyid());
            s.put("alg", k.alg().id());
            s.put("sig", Base64.getEncoder().encodeToString(k.sign(manifestBytes)));
        }
        byte[] sigBytes = (Json.MAPPER.writeValueAsString(sigs) + "\n").getBytes(StandardCharsets.UTF_8);

        Path target = out.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                putStored(zip, BundleArchive.MANIFEST, manifestBytes);
                putStored(zip, BundleArchive.SIGNATURES, sigBytes);
                for (ImageSpec spec : parsed.images()) {
                    Path src = images.get(spec.name());
                    if (compression == Compression.STORE) putStoredFile(zip, files.get(spec.name()), src);
                    else {
                        zip.putNextEntry(new ZipEntry(files.get(spec.name())));
                        Files.copy(src, zip);
                        zip.closeEntry();
                    }
                }
            }
            List<TrustedKey> trusted = keys.stream().map(k -> TrustedKey.unscoped(k.publicKey())).toList();
            TrustStore self = new TrustStore(0, 1, 1, trusted);
            // Read back before publishing: catches an image file that changed while it was being written.
            // The vendor's signing keys are not the device's boot keys: an image signature nobody can check here is
            // reported (VerifiedBundle.innerVerdict), every other fault of an image refuses the bundle.
            VerifiedBundle check = new BundleReader(self).allowingExpired(true).withoutBootKeys().read(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return new VerifiedBundle(target, check.manifest(), manifestBytes, sigBytes, check.signers(),
                    Instant.now().isAfter(parsed.expires()), check.innerVerdicts());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ObjectNode parseTemplate(byte[] template) throws BundleException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(template);
        } catch (IOException e) {
            throw new BundleException(ReasonCode.BAD_MANIFEST, "The manifest template is not valid JSON ("
                    + Printable.cut(TrustStore.firstLine(e), 200) + ").", e);
        }
        if (root == null || !root.isObject()) throw new BundleException(ReasonCode.BAD_MANIFEST, "The manifest template is not a JSON object.");
        ObjectNode m = (ObjectNode) root;
        if (!m.has("format")) {
            // keep "format" first for people reading the manifest
            ObjectNode ordered = Json.MAPPER.createObjectNode();
            ordered.put("format", Manifest.FORMAT);
            ordered.setAll(m);
            m = ordered;
        }
        return m;
    }

    /** Fills file/size/sha256 of every image; returns image name → archive entry name. */
    private static Map<String, String> fillImages(ObjectNode manifest, Map<String, Path> images) throws BundleException, IOException {
        ArrayNode list = manifest.has("images") && manifest.get("images").isArray()
                ? (ArrayNode) manifest.get("images") : manifest.putArray("images");
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        for (JsonNode n : list) {
            if (!n.isObject() || !n.path("name").isTextual()) {
                throw new BundleException(ReasonCode.BAD_MANIFEST, "Every entry of the template's 'images' needs a 'name'.");
            }
            byName.put(n.get("name").asText(), (ObjectNode) n);
        }
        for (String name : images.keySet()) {
            if (!byName.containsKey(name)) byName.put(name, list.addObject().put("name", name));
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, ObjectNode> e : byName.entrySet()) {
            Path src = images.get(e.getKey());
            if (src == null) {
                throw new BundleException(ReasonCode.MISSING_ENTRY, "The manifest template lists image \"" + Printable.of(e.getKey())
                        + "\" but no file was given for it (--image " + Printable.of(e.getKey()) + "=PATH).");
            }
            String file = "images/" + e.getKey() + ".bin";
            if (!EntryNames.isSafe(file)) {
                throw new BundleException(ReasonCode.BAD_MANIFEST, "Image name \"" + Printable.cut(e.getKey(), 100) + "\" cannot be used in a file name.");
            }
            ObjectNode n = e.getValue();
            n.put("file", file);
            n.put("size", Files.size(src));
            n.put("sha256", sha256Hex(src));
            if (!n.has("format")) recogniseValid(src).ifPresent(f -> n.put("format", f.id()));
            files.put(e.getKey(), file);
        }
        return files;
    }

    /** The format {@code file}'s first bytes suggest ({@link InnerFormat#recognise}). */
    public static Optional<InnerFormat> recognise(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return InnerFormat.recognise(in.readNBytes(InnerFormat.MAGIC_BYTES));
        }
    }

    /**
     * The format {@code file} starts like, when it is also a well-formed image of it (its only fault, if any, being
     * a signature no boot key was given for): bytes that merely begin with 0xE9 stay {@code raw}.
     */
    static Optional<InnerFormat> recogniseValid(Path file) throws IOException {
        Optional<InnerFormat> f = recognise(file);
        if (f.isEmpty()) return f;
        try (InputStream in = Files.newInputStream(file)) {
            InnerVerdict v = InnerChecker.check(f.get().checker(List.of()), in);
            return v.ok() || v.reason() == InnerReason.NO_BOOT_KEYS ? f : Optional.empty();
        }
    }

    private static String sha256Hex(Path file) throws IOException {
        return io.fieldflash.AtomicFile.sha256Hex(file);
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static void putStoredFile(ZipOutputStream zip, String name, Path src) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(Files.newInputStream(src), crc)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(Files.size(src));
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        Files.copy(src, zip);
        zip.closeEntry();
    }
}
