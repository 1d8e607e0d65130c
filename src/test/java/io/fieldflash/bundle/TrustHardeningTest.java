package io.fieldflash.bundle;

import static io.fieldflash.bundle.TrustStoreTest.bytes;
import static io.fieldflash.bundle.TrustStoreTest.entry;
import static io.fieldflash.bundle.TrustStoreTest.reason;
import static io.fieldflash.bundle.TrustStoreTest.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AppDirs;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and trust stores from a hostile or careless source (issue 7: items 1, 5, 6, 7, 9, 11). */
class TrustHardeningTest {
    static final String PRODUCT = "crossing-controller";
    static SigningKey ed, p256, rsa;

    @TempDir
    Path dir;
    AppDirs dirs;

    @BeforeAll
    static void keys() {
        ed = SigningKey.generate(SignatureAlgorithm.ED25519);
        p256 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        rsa = SigningKey.generate(SignatureAlgorithm.RSA_PSS_SHA256);
    }

    @BeforeEach
    void folders() throws Exception {
        dirs = new AppDirs(dir.resolve("user"), dir.resolve("machine"));
        Files.createDirectories(dirs.user());
        Files.createDirectories(dirs.machine().resolve("trust.d"));
    }

    // ---- 1. one key, one identity ----

    @Test
    void everyEncodingOfAKeyIsThatKeyWithItsOneKeyid() throws Exception {
        for (SigningKey k : List.of(ed, p256, rsa)) {
            Map<String, byte[]> forms = KeyEncodings.of(k.publicKey());
            assertThat(forms).isNotEmpty();
            forms.forEach((form, der) -> {
                assertThat(der).as(form).isNotEqualTo(k.publicKey().spki());
                VerificationKey read = fromSpki(der);
                assertThat(read.keyid()).as(form).isEqualTo(k.keyid());
                assertThat(read.spki()).as(form + " is kept in the canonical encoding").isEqualTo(k.publicKey().spki());
                assertThat(read).isEqualTo(k.publicKey());
            });
        }
    }

    @Test
    void aKeyRevokedInOneStoreDoesNotVerifyWhenListedReEncodedInAnother() throws Exception {
        for (SigningKey k : List.of(ed, p256, rsa)) {
            Files.write(dirs.machineTrustStore(), bytes(store(1, entry(k).put("revoked", true))));
            for (Map.Entry<String, byte[]> form : KeyEncodings.of(k.publicKey()).entrySet()) {
                // the bundle names the signature under the canonical keyid AND under the keyid the re-encoding had
                // before (SHA-256 of its own DER), as an attacker holding the revoked private key would
                String otherId = TestBundle.sha256(form.getValue());
                Path both = bundleSignedUnder(k, k.keyid(), otherId);
                Path onlyOther = bundleSignedUnder(k, otherId);
                Path dropIn = Files.writeString(dirs.machine().resolve("trust.d/vendor.pem"), KeyEncodings.pem(form.getValue()));
                String what = k.alg() + ", " + form.getKey();
                assertThat(reason(TrustStores.loadDefault(dirs), both)).as(what + " in a drop-in").isEqualTo(ReasonCode.KEY_REVOKED);
                assertThat(reason(TrustStores.loadDefault(dirs), onlyOther)).as(what + " in a drop-in").isEqualTo(ReasonCode.UNTRUSTED_KEY);
                Files.delete(dropIn);
                Files.writeString(dirs.userTrustStore(), KeyEncodings.pem(form.getValue()));
                assertThat(reason(TrustStores.loadDefault(dirs), both)).as(what + " in the user's store").isEqualTo(ReasonCode.KEY_REVOKED);
                Files.delete(dirs.userTrustStore());
            }
        }
    }

    @Test
    void expiryFollowsTheKeyNotItsEncoding() throws Exception {
        Files.write(dirs.machineTrustStore(), bytes(store(1, entry(p256).put("notAfter", "2020-01-01T00:00:00Z"))));
        byte[] compressed = KeyEncodings.of(p256.publicKey()).get("compressed point");
        Files.writeString(dirs.machine().resolve("trust.d/vendor.pem"), KeyEncodings.pem(compressed));
        TrustStore merged = TrustStores.loadDefault(dirs);
        assertThat(merged.keys()).hasSize(1);
        assertThat(reason(merged, bundleSignedUnder(p256, p256.keyid(), TestBundle.sha256(compressed)))).isEqualTo(ReasonCode.KEY_EXPIRED);
    }

    @Test
    void oneJsonStoreCannotListAKeyTwiceUnderTwoEncodings() throws Exception {
        ObjectNode second = entry(ed).put("publicKey", KeyEncodings.pem(KeyEncodings.of(ed.publicKey()).get("Ed25519 with NULL parameters")));
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entry(ed), second))))
                .isInstanceOf(TrustStoreException.class).hasMessageContaining("listed twice");
    }

    // ---- 9. RSA exponent and size ----

    @Test
    void rsaKeysWithAnUnsafeExponentOrSizeAreRefused() {
        BigInteger n = KeyEncodings.modulus(rsa.publicKey());
        for (BigInteger e : List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(65536), BigInteger.ZERO,
                n, n.add(BigInteger.TWO), BigInteger.ONE.shiftLeft(300).add(BigInteger.ONE))) {
            assertThatThrownBy(() -> VerificationKey.fromSpki(KeyEncodings.rsa(n, e))).as("e = " + e.bitLength() + " bits, " + e.testBit(0))
                    .isInstanceOf(KeyException.class).hasMessageContaining("exponent");
        }
        assertThat(fromSpki(KeyEncodings.rsa(n, BigInteger.valueOf(3))).alg()).isEqualTo(SignatureAlgorithm.RSA_PSS_SHA256);
        assertThat(fromSpki(KeyEncodings.rsa(n, BigInteger.valueOf(65537))).keyid()).isEqualTo(rsa.keyid());

        BigInteger huge = new BigInteger(16384, new Random(7)).setBit(16383).setBit(0);
        assertThatThrownBy(() -> VerificationKey.fromSpki(KeyEncodings.rsa(huge, BigInteger.valueOf(65537))))
                .isInstanceOf(KeyException.class).hasMessageContaining("16384 bits");
        BigInteger even = n.clearBit(0);
        assertThatThrownBy(() -> VerificationKey.fromSpki(KeyEncodings.rsa(even, BigInteger.valueOf(65537)))).isInstanceOf(KeyException.class);
    }

    @Test
    void aTrustStoreWithAnExponentOneKeyIsRefused() throws Exception {
        Files.writeString(dirs.userTrustStore(), KeyEncodings.pem(KeyEncodings.rsa(KeyEncodings.modulus(rsa.publicKey()), BigInteger.ONE)));
        assertThatThrownBy(() -> TrustStores.loadDefault(dirs)).isInstanceOfSatisfying(TrustStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
    }

    // ---- 5. linear PEM, caps ----

    @Test
    void pemReadingIsLinearOnHugeWhitespaceAndManyBeginLines() {
        String spaces = "-----BEGIN PUBLIC KEY-----" + " ".repeat(160_000) + "!";
        String manyBegins = "-----BEGIN PUBLIC KEY-----\n".repeat(40_000);
        String blanksAfterKey = ed.publicKey().toPem() + " \n".repeat(300_000);
        // Before: the regex took minutes on the first; a deadline this loose only catches quadratic work.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> TrustStore.parse(spaces.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(TrustStoreException.class);
            assertThatThrownBy(() -> TrustStore.parse(manyBegins.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(TrustStoreException.class);
            assertThat(TrustStore.parse(blanksAfterKey.getBytes(StandardCharsets.US_ASCII)).keys()).hasSize(1);
        });
    }

    @Test
    void aBrokenPemBlockIsAnErrorNotSkipped() throws Exception {
        String good = ed.publicKey().toPem();
        for (String text : List.of(
                good + good.replace("MC", "M!C"),                      // a character that is not base64
                good + good.replace("-----END PUBLIC KEY-----", ""),   // never closed
                good + good.replace("END PUBLIC KEY", "END PRIVATE KEY"),
                good.replace("BEGIN PUBLIC KEY", "BEGIN public key"))) {
            assertThatThrownBy(() -> TrustStore.parse(text.getBytes(StandardCharsets.US_ASCII))).as(text)
                    .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
        }
        assertThat(TrustStore.parse(("Acme keys, 2026\n" + good + "\nthat was all\n").getBytes(StandardCharsets.US_ASCII)).keys())
                .as("text around blocks is still allowed").hasSize(1);
    }

    @Test
    void aTrustStoreWithTooManyKeysIsRefusedBeforeReadingThem() throws Exception {
        StringBuilder pem = new StringBuilder();
        List<ObjectNode> entries = new ArrayList<>();
        for (int i = 0; i <= TrustStore.MAX_KEYS; i++) {
            SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
            pem.append(k.publicKey().toPem());
            entries.add(entry(k));
        }
        assertThatThrownBy(() -> TrustStore.parse(pem.toString().getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("at most " + TrustStore.MAX_KEYS);
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entries.toArray(ObjectNode[]::new))))).hasMessageContaining("at most " + TrustStore.MAX_KEYS);
    }

    @Test
    void trustAndKeyFilesAreReadOnlyUpToTheirLimit() throws Exception {
        Path big = Files.writeString(dir.resolve("big.pem"), ed.publicKey().toPem() + " ".repeat(TrustStore.MAX_BYTES));
        assertThatThrownBy(() -> TrustStore.read(big)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> TrustUpdate.read(big)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> LaptopTrust.readPublicKey(big)).isInstanceOf(KeyException.class).hasMessageContaining("larger than");
    }

    @Test
    void namesAndProductsHaveALengthLimit() throws Exception {
        String longText = "x".repeat(TrustStore.MAX_TEXT + 1);
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entry(ed).put("name", longText))))).hasMessageContaining("longer than");
        ObjectNode scoped = entry(ed);
        scoped.putArray("products").add(longText);
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, scoped)))).hasMessageContaining("longer than");
        assertThat(TrustStore.parse(bytes(store(1, entry(ed).put("name", "x".repeat(TrustStore.MAX_TEXT))))).keys()).hasSize(1);
    }

    @Test
    void anUnsignedTrustUpdateIsRefusedBeforeTheKeysItCarriesAreRead() throws Exception {
        Files.write(dirs.userTrustStore(), TrustUpdateTest.version(4, entry(ed).put("root", true)));
        // version 5, but its keys are not keys at all: an update that is not signed must be refused as unsigned,
        // which shows its keys were not read (reading 230 huge RSA keys is what cost minutes before)
        ObjectNode junk = entry(p256).put("publicKey", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        byte[] next = TrustUpdateTest.version(5, entry(ed).put("root", true), junk);
        byte[] unsigned = TrustUpdateTest.unverifiedSign(next, p256);
        TrustUpdate update = TrustUpdate.parse(unsigned);
        assertThatThrownBy(() -> update.apply(dirs, TrustStoreTest.NOW)).isInstanceOfSatisfying(TrustStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED));
        TrustUpdate signed = TrustUpdate.parse(TrustUpdateTest.unverifiedSign(next, ed));
        assertThatThrownBy(() -> signed.apply(dirs, TrustStoreTest.NOW)).as("signed by the current root: now its keys are read")
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
    }

    // ---- 6. byte order marks and JSON that does not start with '{' ----

    @Test
    void aJsonStoreWithAByteOrderMarkKeepsItsPolicy() throws Exception {
        ObjectNode json = store(1, entry(ed).put("revoked", true), entry(p256).put("root", true));
        json.put("version", 3);
        byte[] withBom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(json));
        TrustStore read = TrustStore.parse(withBom);
        assertThat(read.version()).isEqualTo(3);
        assertThat(read.find(ed.keyid()).orElseThrow().revoked()).isTrue();
        assertThat(read.find(p256.keyid()).orElseThrow().root()).isTrue();

        Files.write(dirs.machine().resolve("trust.d/acme.json"), withBom);
        Files.writeString(dirs.userTrustStore(), ed.publicKey().toPem());
        assertThat(reason(TrustStores.loadDefault(dirs), TrustStoreTest.bundle(dir, PRODUCT, ed))).isEqualTo(ReasonCode.KEY_REVOKED);
    }

    @Test
    void jsonLookingTextIsNeverReadAsPem() throws Exception {
        byte[] json = bytes(store(1, entry(ed).put("revoked", true)));
        String text = new String(json, StandardCharsets.UTF_8);
        List<byte[]> refused = List.of(
                ("\u00a0" + text).getBytes(StandardCharsets.UTF_8),
                ("// Acme\n" + text).getBytes(StandardCharsets.UTF_8),
                concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE)),
                text.getBytes(StandardCharsets.UTF_16BE),
                concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json));
        for (byte[] b : refused) {
            assertThatThrownBy(() -> TrustStore.parse(b)).isInstanceOfSatisfying(TrustStoreException.class,
                    e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
        }
    }

    @Test
    void aTrustUpdateIsUtf8ItsByteOrderMarkIgnored() throws Exception {
        Files.write(dirs.userTrustStore(), TrustUpdateTest.version(4, entry(ed).put("root", true)));
        byte[] file = TrustUpdate.sign(TrustUpdateTest.version(5, entry(ed).put("root", true)), List.of(ed), TrustStoreTest.NOW);
        String text = new String(file, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TrustUpdate.parse(text.getBytes(StandardCharsets.UTF_16LE))).isInstanceOfSatisfying(TrustStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
        TrustUpdate.parse(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, file)).apply(dirs, TrustStoreTest.NOW);
        assertThat(TrustStores.loadDefault(dirs).version()).isEqualTo(5);
    }

    // ---- 7. unreadable parts of the default store ----

    @Test
    void anUnreachableTrustFolderOrFileIsAnError() throws Exception {
        Path dropIn = dirs.machine().resolve("trust.d");
        Files.writeString(dropIn.resolve("revocations.json"), new String(bytes(store(1, entry(ed).put("revoked", true))), StandardCharsets.UTF_8));
        Files.writeString(dirs.userTrustStore(), ed.publicKey().toPem());
        assertThat(reason(TrustStores.loadDefault(dirs), TrustStoreTest.bundle(dir, PRODUCT, ed))).isEqualTo(ReasonCode.KEY_REVOKED);

        Path loop = dropIn.resolve("loop.pem");
        Files.createSymbolicLink(loop, loop);
        assertUnreadable(loop);
        Files.delete(loop);
        Files.createSymbolicLink(loop, dir.resolve("gone.pem"));
        assertUnreadable(loop);
        Files.delete(loop);
        Files.createDirectory(loop);
        assertUnreadable(loop);
        Files.delete(loop);

        Path moved = Files.move(dropIn, dirs.machine().resolve("trust.d.real"));
        Files.createSymbolicLink(dropIn, dropIn);   // a folder this user cannot open, even as root
        assertUnreadable(dropIn);
        Files.delete(dropIn);
        Files.writeString(dropIn, "not a folder");
        assertUnreadable(dropIn);
        Files.delete(dropIn);
        Files.move(moved, dropIn);
        assertThat(TrustStores.loadDefault(dirs).keys()).hasSize(1);
    }

    @Test
    void aTrustFolderThisUserMayNotReadIsAnError() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every folder");
        Path dropIn = dirs.machine().resolve("trust.d");
        Files.writeString(dropIn.resolve("revocations.json"), new String(bytes(store(1, entry(ed).put("revoked", true))), StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(dropIn, PosixFilePermissions.fromString("-wx------"));
        try {
            assertUnreadable(dropIn);
        } finally {
            Files.setPosixFilePermissions(dropIn, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private void assertUnreadable(Path what) {
        assertThatThrownBy(() -> TrustStores.loadDefault(dirs)).as(what.toString())
                .isInstanceOfSatisfying(TrustStoreException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_STORE_UNREADABLE);
                    assertThat(e.getMessage()).contains(what.toString());
                    assertThat(e.hint()).contains("readable");
                });
    }

    // ---- helpers ----

    /** A valid crossing-controller bundle signed by {@code k}, its signature listed once under each of {@code keyids}. */
    Path bundleSignedUnder(SigningKey k, String... keyids) throws Exception {
        TestBundle b = TestBundle.standard();
        byte[] manifest = b.manifestBytes();
        ObjectNode sigs = Json.MAPPER.createObjectNode();
        var arr = sigs.putArray("signatures");
        for (String id : keyids) arr.addObject().put("keyid", id).put("alg", k.alg().id()).put("sig", base64(k.sign(manifest)));
        RawZip zip = new RawZip();
        zip.stored("manifest.json", manifest);
        zip.stored("signatures.json", Json.MAPPER.writeValueAsBytes(sigs));
        b.images.forEach((name, data) -> zip.stored("images/" + name + ".bin", data));
        Path file = Files.createTempFile(dir, "bundle", ".fwb");
        zip.write(file);
        return file;
    }

    private static VerificationKey fromSpki(byte[] der) {
        try {
            return VerificationKey.fromSpki(der);
        } catch (KeyException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
