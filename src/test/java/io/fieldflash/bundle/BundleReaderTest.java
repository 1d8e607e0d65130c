package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tamper matrix: real bundle files, each broken in one way, and the reason code each must get. */
class BundleReaderTest {
    @TempDir
    Path dir;

    private final TrustStore trust = TestBundle.trusting(TestBundle.VENDOR);

    private Path write(TestBundle b) throws IOException {
        return b.write(Files.createTempFile(dir, "b", ".fwb"));
    }

    private VerifiedBundle read(Path file) throws BundleException {
        return new BundleReader(trust).read(file);
    }

    private static void assertReason(ThrowingCallable call, ReasonCode reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BundleException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.hint()).isNotBlank();
        });
    }

    @Test
    void aGoodBundleVerifiesAndStreamsItsImage() throws Exception {
        TestBundle b = TestBundle.standard();
        VerifiedBundle vb = read(write(b));
        assertThat(vb.manifest().product()).isEqualTo("crossing-controller");
        assertThat(vb.signers()).extracting(TrustedKey::keyid).containsExactly(TestBundle.VENDOR.keyid());
        try (InputStream in = vb.openImage(vb.manifest().images().getFirst())) {
            assertThat(in.readAllBytes()).isEqualTo(b.images.get("app"));
        }
    }

    @Nested
    class BadArchive {
        @Test
        void notAZip() throws Exception {
            Path f = dir.resolve("x.fwb");
            Files.write(f, TestBundle.random(5000, 2));
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void emptyFile() throws Exception {
            Path f = Files.createFile(dir.resolve("empty.fwb"));
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void missingFile() {
            assertReason(() -> read(dir.resolve("nope.fwb")), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void truncated() throws Exception {
            Path f = write(TestBundle.standard());
            byte[] all = Files.readAllBytes(f);
            Files.write(f, Arrays.copyOf(all, all.length - 30));
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void encryptedEntry() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> z.encrypted("images/secret.bin", new byte[10]);
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void moreThan64Entries() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> {
                for (int i = 0; i < 62; i++) z.stored("images/x" + i + ".bin", new byte[1]);
            };
            Path f = write(b);   // 3 + 62 = 65 entries
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }
    }

    @Nested
    class UnsafePath {
        private void assertUnsafe(String name) throws IOException {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> z.stored(name, new byte[1]);
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.UNSAFE_PATH);
        }

        @Test
        void dotDot() throws IOException {
            assertUnsafe("images/../../evil.sh");
        }

        @Test
        void leadingSlash() throws IOException {
            assertUnsafe("/etc/passwd");
        }

        @Test
        void backslash() throws IOException {
            assertUnsafe("images\\evil.bin");
        }

        @Test
        void driveLetter() throws IOException {
            assertUnsafe("C:/Windows/evil.bin");
        }

        @Test
        void nul() throws IOException {
            assertUnsafe("images/app.bin\u0000.txt");
        }

        @Test
        void duplicateName() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> z.stored("images/app.bin", TestBundle.random(4096, 9));
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.UNSAFE_PATH);
        }
    }

    @Nested
    class MissingEntry {
        @Test
        void noManifest() throws Exception {
            TestBundle b = TestBundle.standard();
            b.writeManifest = false;
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.MISSING_ENTRY);
        }

        @Test
        void noSignatures() throws Exception {
            TestBundle b = TestBundle.standard();
            b.writeSignatures = false;
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.MISSING_ENTRY);
        }

        @Test
        void listedImageAbsent() throws Exception {
            TestBundle b = TestBundle.standard().image("boot", TestBundle.random(100, 3));
            b.omitImages.add("boot");
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.MISSING_ENTRY);
        }
    }

    @Nested
    class BadManifest {
        private void assertBad(TestBundle b) throws IOException {
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.BAD_MANIFEST);
        }

        @Test
        void notJson() throws IOException {
            TestBundle b = TestBundle.standard();
            b.beforeSigning = m -> "{not json".getBytes(StandardCharsets.UTF_8);
            assertBad(b);
        }

        @Test
        void wrongFormat() throws IOException {
            TestBundle b = TestBundle.standard();
            b.manifest.put("format", "fieldflash-bundle/2");
            assertBad(b);
        }

        @Test
        void requiredFieldMissing() throws IOException {
            TestBundle b = TestBundle.standard();
            b.manifest.remove("securityCounter");
            assertBad(b);
        }

        @Test
        void fieldOfWrongType() throws IOException {
            TestBundle b = TestBundle.standard();
            b.manifest.put("hardware", "ccx-rev-b");
            assertBad(b);
        }

        @Test
        void versionNotSemVer() throws IOException {
            TestBundle b = TestBundle.standard();
            b.manifest.put("version", "v2.4");
            assertBad(b);
        }

        @Test
        void duplicateKeyInManifest() throws IOException {
            TestBundle b = TestBundle.standard();
            b.beforeSigning = m -> new String(m, StandardCharsets.UTF_8)
                    .replaceFirst("\\{", "{\"product\":\"other-product\",").getBytes(StandardCharsets.UTF_8);
            assertBad(b);
        }

        @Test
        void signaturesNotJson() throws IOException {
            TestBundle b = TestBundle.standard();
            b.writeSignatures = false;
            b.extraEntries = z -> z.stored("signatures.json", "[]".getBytes(StandardCharsets.UTF_8));
            assertBad(b);
        }

        @Test
        void manifestOver1MiB() throws IOException {
            TestBundle b = TestBundle.standard();
            b.manifest.put("releaseNotes", "x".repeat(Manifest.MAX_BYTES));
            assertBad(b);
        }
    }

    @Nested
    class Signatures {
        @Test
        void unknownSignerIsUntrusted() throws Exception {
            TestBundle b = TestBundle.standard();
            b.signers.clear();
            b.signers.add(SigningKey.generate(SignatureAlgorithm.ED25519));
            Path f = write(b);
            assertReason(() -> read(f), ReasonCode.UNTRUSTED_KEY);
        }

        @Test
        void keyScopedToAnotherProductIsUntrusted() throws Exception {
            TrustStore scoped = new TrustStore(0, 1, 1, List.of(new TrustedKey(TestBundle.VENDOR.publicKey(), "Acme",
                    List.of("gate-controller"), Instant.MAX, false, false)));
            Path f = write(TestBundle.standard());
            assertReason(() -> new BundleReader(scoped).read(f), ReasonCode.UNTRUSTED_KEY);
            TrustStore right = new TrustStore(0, 1, 1, List.of(new TrustedKey(TestBundle.VENDOR.publicKey(), "Acme",
                    List.of("crossing-controller"), Instant.MAX, false, false)));
            assertThat(new BundleReader(right).read(f).signers()).hasSize(1);
        }

        @Test
        void revokedKey() throws Exception {
            TrustStore revoked = new TrustStore(0, 1, 1, List.of(new TrustedKey(TestBundle.VENDOR.publicKey(), "Acme",
                    List.of(), Instant.MAX, true, false)));
            Path f = write(TestBundle.standard());
            assertReason(() -> new BundleReader(revoked).read(f), ReasonCode.KEY_REVOKED);
        }

        @Test
        void expiredKey() throws Exception {
            TrustStore expired = new TrustStore(0, 1, 1, List.of(new TrustedKey(TestBundle.VENDOR.publicKey(), "Acme",
                    List.of(), Instant.parse("2020-01-01T00:00:00Z"), false, false)));
            Path f = write(TestBundle.standard());
            assertReason(() -> new BundleReader(expired).read(f), ReasonCode.KEY_EXPIRED);
        }

        @Test
        void manifestChangedAfterSigning() throws Exception {
            TestBundle b = TestBundle.standard();
            b.afterSigning = m -> new String(m, StandardCharsets.UTF_8).replaceFirst("(\"securityCounter\"\\s*:\\s*)7", "$18")
                    .getBytes(StandardCharsets.UTF_8);
            Path f = write(b);
            assertThat(BundleInspection.read(f).manifest().securityCounter()).isEqualTo(8);
            assertReason(() -> read(f), ReasonCode.SIGNATURE_INVALID);
        }

        @Test
        void manifestReserialisedWithOtherWhitespaceFails() throws Exception {
            TestBundle b = TestBundle.standard();
            b.afterSigning = TestBundle::compact;   // same JSON value, other whitespace
            Path f = write(b);
            byte[] signed = b.manifestBytes();
            byte[] stored = TestBundle.compact(signed);
            assertThat(stored).isNotEqualTo(signed);
            assertThat(Json.MAPPER.readTree(stored)).isEqualTo(Json.MAPPER.readTree(signed));
            assertReason(() -> read(f), ReasonCode.SIGNATURE_INVALID);
        }

        @Test
        void untrustedSignatureNextToAValidOneStillVerifies() throws Exception {
            TestBundle b = TestBundle.standard();
            b.signers.addFirst(SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256));
            VerifiedBundle vb = read(write(b));
            assertThat(vb.signers()).extracting(TrustedKey::keyid).containsExactly(TestBundle.VENDOR.keyid());
        }

        @Test
        void twoSignaturesBySameKeyDoNotMeetThresholdTwo() throws Exception {
            SigningKey second = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
            TrustStore two = new TrustStore(0, 2, 1, List.of(TrustedKey.unscoped(TestBundle.VENDOR.publicKey()),
                    TrustedKey.unscoped(second.publicKey())));
            TestBundle sameTwice = TestBundle.standard();
            sameTwice.signers.add(TestBundle.VENDOR);
            Path f = write(sameTwice);
            assertReason(() -> new BundleReader(two).read(f), ReasonCode.SIGNATURE_INVALID);

            TestBundle distinct = TestBundle.standard();
            distinct.signers.add(second);
            assertThat(new BundleReader(two).read(write(distinct)).signers()).hasSize(2);
        }

        @Test
        void signatureWithWrongAlgNameDoesNotCount() throws Exception {
            TestBundle b = TestBundle.standard();
            Path f = write(b);
            // rewrite signatures.json claiming another algorithm for the same bytes
            byte[] m = b.manifestBytes();
            ObjectNode sigs = (ObjectNode) Json.MAPPER.readTree(TestBundle.signatures(m, List.of(TestBundle.VENDOR)));
            ((ObjectNode) sigs.get("signatures").get(0)).put("alg", "rsa-pss-sha256");
            new RawZip().stored("manifest.json", m).stored("signatures.json", Json.MAPPER.writeValueAsBytes(sigs))
                    .stored("images/app.bin", b.images.get("app")).write(f);
            assertReason(() -> read(f), ReasonCode.SIGNATURE_INVALID);
        }
    }

    @Test
    void unlistedEntry() throws Exception {
        TestBundle b = TestBundle.standard();
        b.extraEntries = z -> z.stored("images/extra.bin", new byte[10]);
        Path f = write(b);
        assertReason(() -> read(f), ReasonCode.UNLISTED_ENTRY);
    }

    @Test
    void imagesDirectoryEntryIsAllowed() throws Exception {
        TestBundle b = TestBundle.standard();
        b.extraEntries = z -> z.stored("images/", new byte[0]);
        assertThat(read(write(b)).manifest().images()).hasSize(1);
    }

    @Test
    void expired() throws Exception {
        TestBundle b = TestBundle.standard();
        b.manifest.put("expires", "2026-01-01T00:00:00Z");
        Path f = write(b);
        Clock later = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
        assertReason(() -> new BundleReader(trust).withClock(later).read(f), ReasonCode.EXPIRED);
        VerifiedBundle overridden = new BundleReader(trust).withClock(later).allowingExpired(true).read(f);
        assertThat(overridden.expiryOverridden()).isTrue();
    }

    @Test
    void imageLongerThanDeclared() throws Exception {
        TestBundle b = TestBundle.standard();
        b.archiveImageOverride.put("app", Arrays.copyOf(b.images.get("app"), 4097));
        Path f = write(b);
        assertReason(() -> read(f), ReasonCode.IMAGE_SIZE_MISMATCH);
    }

    @Test
    void imageShorterThanDeclared() throws Exception {
        TestBundle b = TestBundle.standard();
        b.archiveImageOverride.put("app", Arrays.copyOf(b.images.get("app"), 4000));
        Path f = write(b);
        assertReason(() -> read(f), ReasonCode.IMAGE_SIZE_MISMATCH);
    }

    @Test
    void imageByteFlipped() throws Exception {
        TestBundle b = TestBundle.standard();
        byte[] bad = b.images.get("app").clone();
        bad[2000] ^= 1;
        b.archiveImageOverride.put("app", bad);
        Path f = write(b);
        assertReason(() -> read(f), ReasonCode.IMAGE_HASH_MISMATCH);
    }

    @Test
    void checksAreMadeInTheSpecifiedOrder() throws Exception {
        // Expired AND a corrupt image AND an untrusted extra signature: expiry (step 7) is reported, not step 8.
        TestBundle b = TestBundle.standard();
        b.manifest.put("expires", "2000-01-01T00:00:00Z");
        byte[] bad = b.images.get("app").clone();
        bad[0] ^= 1;
        b.archiveImageOverride.put("app", bad);
        Path f = write(b);
        assertReason(() -> read(f), ReasonCode.EXPIRED);
        // Untrusted signer AND an unlisted entry: signatures (step 5) come before entries (step 6).
        TestBundle c = TestBundle.standard();
        c.signers.clear();
        c.signers.add(SigningKey.generate(SignatureAlgorithm.ED25519));
        c.extraEntries = z -> z.stored("images/extra.bin", new byte[1]);
        Path g = write(c);
        assertReason(() -> read(g), ReasonCode.UNTRUSTED_KEY);
    }

    @Test
    void imageStreamFailsWhenTheFileIsSwappedAfterVerification() throws Exception {
        TestBundle b = TestBundle.standard();
        Path f = write(b);
        VerifiedBundle vb = read(f);
        byte[] bad = b.images.get("app").clone();
        bad[100] ^= 1;
        b.archiveImageOverride.put("app", bad);
        b.write(f);
        try (InputStream in = vb.openImage(vb.manifest().images().getFirst())) {
            assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(ImageIntegrityException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.IMAGE_HASH_MISMATCH));
        }
    }
}
