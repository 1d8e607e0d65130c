package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.BundleInspection;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.VerifyingInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes bundle verification the way {@code fieldflash verify} runs it ({@link BundleReader}: archive, manifest,
 * signatures, images streamed and hashed), and {@code bundle inspect}'s reading.
 *
 * <p>Rules for every input: the only exception is the typed refusal ({@link BundleException}), whose message is
 * printable; each input stays within {@link #LIMITS}; and a changed signed bundle is never VALID with other
 * content. "The same content" means: the exact signed manifest bytes, every image it lists streaming to exactly
 * the original bytes with its digest checked at the end, and a second, different ZIP reader (ZipInputStream,
 * which reads local headers in file order as streaming unzip tools do) finding no other file and no other bytes
 * (it may refuse the file). Everything else (ZIP metadata that no reader uses to find files, and
 * signatures.json, which nothing signs) may change without a refusal.
 */
class BundleFuzzTest {
    /** A fixed Ed25519 key, so that the seeds (and thus a run) are the same every time. */
    private static final String KEY_PEM = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEICdim1kQ4BMClGZigW0++n/jzdkwv/kNx6D8WuuQ3prf
            -----END PRIVATE KEY-----
            """;
    private static final Fuzz.Limits LIMITS = new Fuzz.Limits(Duration.ofSeconds(3), 64L << 20);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC);

    static SigningKey key;
    static TrustStore trust;
    static Map<String, byte[]> images = new LinkedHashMap<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void material() throws Exception {
        key = SigningKey.fromPem(KEY_PEM);
        trust = new TrustStore(0, 1, 1, List.of(TrustedKey.unscoped(key.publicKey())));
        Random r = new Random(7);
        byte[] app = new byte[300];
        r.nextBytes(app);
        byte[] ui = new byte[40];
        r.nextBytes(ui);
        images.put("app", app);
        images.put("ui", ui);
    }

    private static VerifiedBundle verify(Path file) throws BundleException {
        return new BundleReader(trust).withClock(CLOCK).read(file);
    }

    /** Refusals are fine; their message must be printable as it is. */
    private static void assertPrintable(BundleException e) {
        assertThat(e.reason()).isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        e.getMessage().chars().forEach(c -> assertThat(c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)).as("U+%04X in %s", c, e.getMessage()).isFalse());
    }

    /** Streams every image as ChunkSender does (exactly size bytes) and checks the digest passed at the end. */
    private static Map<String, byte[]> streamAll(VerifiedBundle vb) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (ImageSpec i : vb.manifest().images()) {
            try (VerifyingInputStream in = vb.openImage(i)) {
                byte[] got = in.readNBytes((int) i.size());
                assertThat(got).hasSize((int) i.size());
                assertThat(in.verifiedToEnd()).as("digest checked at the end of " + i.name()).isTrue();
                out.put(i.name(), got);
            }
        }
        return out;
    }

    /**
     * A VALID bundle read by a streaming ZIP reader: every file it finds is one the verifier read, with the same
     * bytes. A reader that gives up on the file is fine; one that finds another file, or other bytes, is not.
     */
    private static void assertStreamingReaderAgrees(Path file, VerifiedBundle vb, Map<String, byte[]> images) {
        Map<String, byte[]> expected = new LinkedHashMap<>();
        expected.put("manifest.json", vb.manifestBytes());
        expected.put("signatures.json", vb.signaturesBytes());
        expected.put("images/", new byte[0]);
        for (ImageSpec i : vb.manifest().images()) expected.put(i.file(), images.get(i.name()));
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] data = zip.readNBytes((1 << 20) + 1);
                assertThat(expected).as("a streaming reader finds %s", e.getName()).containsKey(e.getName());
                assertThat(data).as(e.getName()).isEqualTo(expected.get(e.getName()));
            }
        } catch (IOException | RuntimeException refused) {
            // it refuses the file: that is not a second reading of it
        }
    }

    // ---- (a) archive bytes ------------------------------------------------------------------------------------

    @Test
    void archiveBytes() throws Exception {
        Path appFile = Files.write(dir.resolve("app.bin"), images.get("app"));
        Path uiFile = Files.write(dir.resolve("ui.bin"), images.get("ui"));
        byte[] template = """
                {"vendor": "Acme", "product": "crossing-controller", "hardware": ["ccx-rev-b"], "version": "2.4.1",
                 "securityCounter": 7, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "serial": {"flashOffset": 65536}}, {"name": "ui"}]}
                """.getBytes(StandardCharsets.UTF_8);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("app", appFile);
        files.put("ui", uiFile);
        VerifiedBundle deflated = BundleWriter.create(template, files, List.of(key), dir.resolve("d.fwb"), BundleWriter.Compression.DEFLATE);
        VerifiedBundle stored = BundleWriter.create(template, files, List.of(key), dir.resolve("s.fwb"), BundleWriter.Compression.STORE);
        byte[] signedManifest = deflated.manifestBytes();
        assertThat(stored.manifestBytes()).isEqualTo(signedManifest);
        byte[] d = Files.readAllBytes(deflated.path());
        byte[] s = Files.readAllBytes(stored.path());
        List<byte[]> seeds = List.of(d, s, zip64(s), zip64(d), withComment(s, "acme pipeline".getBytes(StandardCharsets.UTF_8)),
                withDecoyEndRecord(s), withComment(d, new byte[0]), withLocalName(s, "images/ui.bin", "../../evil.sh"));
        // the genuine seeds verify, with the same content; the decoy one is refused
        assertThat(streamAll(verify(write(dir.resolve("seed.fwb"), zip64(s))))).containsOnlyKeys("app", "ui");

        Path file = dir.resolve("fuzz-archive.fwb");
        List<byte[]> dictionary = new ArrayList<>(Fuzz.dictionary("PK\u0005\u0006", "PK\u0006\u0006", "PK\u0006\u0007", "PK\u0001\u0002",
                "PK\u0003\u0004", "PK\u0007\u0008", "../", "images/", "manifest.json", "signatures.json", "images/app.bin"));
        dictionary.add(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        dictionary.add(new byte[] {0x01, 0x00, 0x10, 0x00});   // a ZIP64 extra field header
        int n = Fuzz.run("bundle-archive", 11, seeds, dictionary, LIMITS, input -> {
            write(file, input);
            VerifiedBundle vb;
            try {
                vb = verify(file);
            } catch (BundleException e) {
                assertPrintable(e);
                vb = null;
            }
            if (vb != null) {
                assertThat(vb.manifestBytes()).as("a VALID changed archive has the signed manifest").isEqualTo(signedManifest);
                Map<String, byte[]> got = streamAll(vb);
                assertThat(got).containsOnlyKeys(images.keySet());
                got.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(images.get(name)));
                assertStreamingReaderAgrees(file, vb, images);
            }
            try {
                BundleInspection.read(file);
            } catch (BundleException e) {
                assertPrintable(e);
            }
        });
        assertThat(n).isGreaterThan(seeds.size());
    }

    // ---- (b) manifest bytes -----------------------------------------------------------------------------------

    @Test
    void manifestBytes() throws Exception {
        String imgs = "";
        for (Map.Entry<String, byte[]> e : images.entrySet()) {
            imgs += (imgs.isEmpty() ? "" : ", ") + "{\"name\": \"" + e.getKey() + "\", \"file\": \"images/" + e.getKey()
                    + ".bin\", \"size\": " + e.getValue().length + ", \"sha256\": \"" + io.fieldflash.AtomicFile.sha256Hex(e.getValue()) + "\""
                    + (e.getKey().equals("app") ? ", \"serial\": {\"flashOffset\": 65536}" : "") + "}";
        }
        byte[] original = ("""
                {"format": "fieldflash-bundle/1", "vendor": "Acme", "product": "crossing-controller",
                 "hardware": ["ccx-rev-b", "ccx-rev-c"], "version": "2.4.1-rc.1+b.7", "securityCounter": 7,
                 "created": "2026-11-01T10:00:00Z", "expires": "2099-01-01T00:00:00Z", "releaseNotes": "Fixes drift.",
                 "images": [%s]}
                """.formatted(imgs)).getBytes(StandardCharsets.UTF_8);
        byte[] originalSignatures = signatures(original);
        Path resigned = dir.resolve("fuzz-resigned.fwb");
        Path unsigned = dir.resolve("fuzz-unsigned.fwb");
        // the seed itself is valid both ways
        write(resigned, bundle(original, originalSignatures));
        assertThat(verify(resigned).manifest().version()).isEqualTo("2.4.1-rc.1+b.7");

        List<byte[]> dictionary = new ArrayList<>(Fuzz.dictionary("\"size\": ", "9223372036854775807", "4294967296", "4294967297",
                "-1", "1e300", "\"version\": \"", "1.0.0-", "a.".repeat(1000), "\\u0000", "\\u001b[2K", "\u202e", "\u0085",
                "\"format\": ", "fieldflash-bundle/1", "\"images\": [", "{\"a\":", "[[[[[[[[", "}", "]", "\"file\": \"images/",
                "../", "\\ud800", "\uFEFF", "\"product\": \"", "\"expires\": \"", "0000-01-01T00:00:00Z", "\"serial\": ",
                "\"flashOffset\": ", ", \"name\": \"app\""));
        dictionary.add(new byte[] {(byte) 0xC0, (byte) 0xAD});               // overlong '-'
        dictionary.add(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});  // an encoded surrogate
        dictionary.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});  // a BOM
        dictionary.add(new byte[] {(byte) 0xFF, (byte) 0xFE});               // a UTF-16 BOM
        // seeds that put long and large values where one mutation takes them past a limit
        byte[] longVersion = new String(original, StandardCharsets.UTF_8)
                .replace("2.4.1-rc.1+b.7", "1.0.0-" + "a.".repeat(120) + "a+" + "b-".repeat(4)).getBytes(StandardCharsets.UTF_8);
        byte[] largeSize = new String(original, StandardCharsets.UTF_8)
                .replace("\"size\": 40,", "\"size\": 4294967296,").getBytes(StandardCharsets.UTF_8);
        assertThat(largeSize).isNotEqualTo(original);
        // and the hostile classes the review found: a 2 KB version, UTF-16, an overlong '-', a byte order mark
        String text = new String(original, StandardCharsets.UTF_8);
        byte[] hugeVersion = text.replace("2.4.1-rc.1+b.7", "1.0.0-" + "a.".repeat(1100) + "a").getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16);
        byte[] overlong = text.replace("crossing-controller", "crossing\0controller").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < overlong.length; i++) {
            if (overlong[i] == 0) {
                overlong = concat(Arrays.copyOf(overlong, i), new byte[] {(byte) 0xC0, (byte) 0xAD},
                        Arrays.copyOfRange(overlong, i + 1, overlong.length));
                break;
            }
        }
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, original);
        List<byte[]> seeds = List.of(original, longVersion, largeSize, hugeVersion, utf16, overlong, bom);
        int n = Fuzz.run("bundle-manifest", 12, seeds, dictionary, LIMITS, input -> {
            // signed with the trusted key: the fuzzer reaches past the signature into the manifest's meaning
            write(resigned, bundle(input, signatures(input)));
            try {
                VerifiedBundle vb = verify(resigned);
                assertThat(vb.manifestBytes()).isEqualTo(input);
                // every listed image is in the archive, streams, and matches its digest; the mutation may have renamed
                // an image, so the streaming reader is compared with what this manifest names, not the original's
                assertStreamingReaderAgrees(resigned, vb, streamAll(vb));
            } catch (BundleException e) {
                assertPrintable(e);
            }
            // with the original signature: everything before the signature check, and never VALID when changed
            write(unsigned, bundle(input, originalSignatures));
            try {
                VerifiedBundle vb = verify(unsigned);
                assertThat(input).as("VALID only for the signed bytes").isEqualTo(original);
                streamAll(vb);
            } catch (BundleException e) {
                assertPrintable(e);
            }
        });
        assertThat(n).isGreaterThan(1);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Path write(Path file, byte[] bytes) throws IOException {
        return Files.write(file, bytes);
    }

    private static byte[] signatures(byte[] manifest) {
        return ("{\"signatures\": [{\"keyid\": \"" + key.keyid() + "\", \"alg\": \"" + key.alg().id() + "\", \"sig\": \""
                + Base64.getEncoder().encodeToString(key.sign(manifest)) + "\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A bundle archive (stored entries) with these metadata files and the two images. */
    private static byte[] bundle(byte[] manifest, byte[] signatures) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, "manifest.json", manifest);
            stored(zip, "signatures.json", signatures);
            for (Map.Entry<String, byte[]> e : images.entrySet()) stored(zip, "images/" + e.getKey() + ".bin", e.getValue());
        }
        return out.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
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

    /** The same archive (which ends in a plain 22-byte end record) with ZIP64 end records and marker values. */
    static byte[] zip64(byte[] zip) {
        ByteBuffer in = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22;
        long total = Short.toUnsignedInt(in.getShort(end + 10));
        long cdSize = Integer.toUnsignedLong(in.getInt(end + 12));
        long cdOffset = Integer.toUnsignedLong(in.getInt(end + 16));
        ByteBuffer out = ByteBuffer.allocate(end + 56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
        out.put(zip, 0, end);
        out.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(total).putLong(total).putLong(cdSize).putLong(cdOffset);
        out.putInt(0x07064b50).putInt(0).putLong(end).putInt(1);
        out.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        return out.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** The same archive (stored entries) with one entry's local header naming another name of the same length. */
    static byte[] withLocalName(byte[] zip, String name, String local) {
        byte[] from = name.getBytes(StandardCharsets.UTF_8), to = local.getBytes(StandardCharsets.UTF_8);
        assertThat(to).hasSameSizeAs(from);
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (b.getInt(pos) == 0x04034b50) {
            int nameLen = Short.toUnsignedInt(b.getShort(pos + 26)), extraLen = Short.toUnsignedInt(b.getShort(pos + 28));
            if (Arrays.equals(out, pos + 30, pos + 30 + nameLen, from, 0, from.length)) {
                System.arraycopy(to, 0, out, pos + 30, to.length);
                return out;
            }
            pos += 30 + nameLen + extraLen + b.getInt(pos + 18);
        }
        throw new IllegalArgumentException(name + " has no local header in the archive");
    }

    /** The same archive with an archive comment. */
    static byte[] withComment(byte[] zip, byte[] comment) {
        byte[] out = Arrays.copyOf(zip, zip.length + comment.length);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(zip.length - 2, (short) comment.length);
        System.arraycopy(comment, 0, out, zip.length, comment.length);
        return out;
    }

    /** The same archive with a second, decoy end record hidden in its comment (refused). */
    static byte[] withDecoyEndRecord(byte[] zip) {
        ByteBuffer decoy = ByteBuffer.allocate(27).order(ByteOrder.LITTLE_ENDIAN);
        decoy.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(46).putInt(0).putShort((short) 0);
        return withComment(zip, decoy.array());
    }
}
