package io.fieldflash.bundle;

import static io.fieldflash.bundle.TrustStoreTest.bytes;
import static io.fieldflash.bundle.TrustStoreTest.entry;
import static io.fieldflash.bundle.TrustStoreTest.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AppDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline key rotation: each rule of a trust update, with real keys, real update files, real trust.json files and
 * real bundles. The laptop starts at version 4 with root key {@code root1} and bundle key {@code release1}.
 */
class TrustUpdateTest {
    static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    static final String PRODUCT = "crossing-controller";

    static SigningKey root1, root2, release1, release2;

    @TempDir
    Path dir;
    AppDirs dirs;

    @BeforeAll
    static void keys() {
        root1 = SigningKey.generate(SignatureAlgorithm.ED25519);
        root2 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        release1 = SigningKey.generate(SignatureAlgorithm.ED25519);
        release2 = SigningKey.generate(SignatureAlgorithm.ED25519);
    }

    @BeforeEach
    void laptopAtVersion4() throws Exception {
        dirs = new AppDirs(dir.resolve("user"), dir.resolve("machine"));
        Files.createDirectories(dirs.user());
        Files.write(dirs.userTrustStore(), version(4, entry(root1).put("root", true), release(release1)));
    }

    // ---- the required rules ----

    @Test
    void nextVersionSignedByTheCurrentRootIsInstalledByteForByte() throws Exception {
        byte[] next = version(5, entry(root1).put("root", true), release(release1), release(release2));
        TrustUpdate update = TrustUpdate.parse(TrustUpdate.sign(next, List.of(root1), NOW));

        TrustUpdate.Approval approval = update.apply(dirs, NOW);

        assertThat(approval.signers()).extracting(TrustedKey::keyid).containsExactly(root1.keyid());
        assertThat(approval.previous().version()).isEqualTo(4);
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(next);
        assertThat(update.fingerprint()).isEqualTo(java.util.HexFormat.of().formatHex(SignatureAlgorithm.sha256(next)));
        assertThat(TrustStores.loadDefault(dirs).version()).isEqualTo(5);
        assertThat(read(TrustStores.loadDefault(dirs), bundle(release2)).signers()).hasSize(1);
        try (Stream<Path> files = Files.list(dirs.user())) {
            assertThat(files).as("no temporary file left behind").containsExactly(dirs.userTrustStore());
        }
    }

    @Test
    void nextVersionSignedOnlyByTheNewRootIsRefused() throws Exception {
        byte[] next = version(5, entry(root2).put("root", true), release(release1));
        assertRefused(sign(next, root2), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);
    }

    @Test
    void rotatingTheRootNeedsTheOldAndTheNewRoot() throws Exception {
        byte[] next = version(5, entry(root1).put("revoked", true), entry(root2).put("root", true), release(release1));

        assertThatThrownBy(() -> sign(next, root1).check(current(), NOW)).as("old root alone would lock laptops out")
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED))
                .hasMessageContaining("root keys of the trust store it brings");

        sign(next, root1, root2).apply(dirs, NOW);
        assertThat(TrustStores.loadDefault(dirs).find(root2.keyid()).orElseThrow().root()).isTrue();

        byte[] after = version(6, entry(root1).put("revoked", true), entry(root2).put("root", true), release(release2));
        assertRefused(sign(after, root1), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);   // the old root is out
        sign(after, root2).apply(dirs, NOW);
        assertThat(TrustStores.loadDefault(dirs).version()).isEqualTo(6);
    }

    @Test
    void anOlderOrEqualVersionIsARollback() throws Exception {
        byte[] before = Files.readAllBytes(dirs.userTrustStore());
        for (int v : new int[] {3, 4}) {
            byte[] old = version(v, entry(root1).put("root", true), release(release1), release(release2));
            assertThatThrownBy(() -> sign(old, root1).apply(dirs, NOW))
                    .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_ROLLBACK))
                    .hasMessageContaining("already has version 4");
        }
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(before);
    }

    @Test
    void skippingVersionsIsRefusedNamingTheMissingOnes() throws Exception {
        byte[] v6 = version(6, entry(root1).put("root", true), release(release1));
        assertThatThrownBy(() -> sign(v6, root1).check(current(), NOW))
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_UPDATE_GAP))
                .hasMessageContaining("Apply the trust updates for version 5 first");
        byte[] v8 = version(8, entry(root1).put("root", true), release(release1));
        assertThatThrownBy(() -> sign(v8, root1).check(current(), NOW)).hasMessageContaining("versions 5 to 7");
    }

    @Test
    void afterAnUpdateThatRevokesTheSigningKeyItsBundlesAreKeyRevoked() throws Exception {
        Path oldBundle = bundle(release1);
        assertThat(read(current(), oldBundle).signers()).hasSize(1);

        byte[] next = version(5, entry(root1).put("root", true), release(release1).put("revoked", true), release(release2));
        sign(next, root1).apply(dirs, NOW);

        assertThatThrownBy(() -> read(TrustStores.loadDefault(dirs), oldBundle))
                .isInstanceOfSatisfying(BundleException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.KEY_REVOKED));
        assertThat(read(TrustStores.loadDefault(dirs), bundle(release2)).signers()).hasSize(1);
    }

    @Test
    void revocationInTheUserStoreHoldsEvenWhenTheMachineStoreStillTrustsTheKey() throws Exception {
        Files.createDirectories(dirs.machine());
        Files.write(dirs.machineTrustStore(), version(4, entry(root1).put("root", true), release(release1)));
        byte[] next = version(5, entry(root1).put("root", true), release(release1).put("revoked", true));
        sign(next, root1).apply(dirs, NOW);
        assertThatThrownBy(() -> read(TrustStores.loadDefault(dirs), bundle(release1)))
                .isInstanceOfSatisfying(BundleException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.KEY_REVOKED));
    }

    @Test
    void anUpdateWhoseTrustBytesChangedAfterSigningIsRefused() throws Exception {
        byte[] next = version(5, entry(root1).put("root", true), release(release1));
        byte[] file = TrustUpdate.sign(next, List.of(root1), NOW);

        byte[] widened = version(5, entry(root1).put("root", true), release(release1), entry(release2));
        assertRefused(TrustUpdate.parse(withTrust(file, widened)), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);

        byte[] reformatted = (new String(next, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        assertThat(TrustStore.parse(reformatted)).as("same meaning, other bytes").isEqualTo(TrustStore.parse(next));
        assertRefused(TrustUpdate.parse(withTrust(file, reformatted)), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);
    }

    // ---- who may sign ----

    @Test
    void aKeyTrustedForBundlesButNotRootCannotSignAnUpdate() throws Exception {
        byte[] next = version(5, entry(root1).put("root", true), release(release1), release(release2));
        assertRefused(sign(next, release1), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);
    }

    @Test
    void aRevokedOrExpiredRootCannotSignAnUpdate() throws Exception {
        byte[] next = version(5, entry(root1).put("root", true), release(release1));
        Files.write(dirs.userTrustStore(), version(4, entry(root1).put("root", true).put("revoked", true), release(release1)));
        assertThatThrownBy(() -> sign(next, root1).apply(dirs, NOW)).hasMessageContaining("revoked");
        Files.write(dirs.userTrustStore(), version(4, entry(root1).put("root", true).put("notAfter", "2027-01-01T00:00:00Z"), release(release1)));
        assertThatThrownBy(() -> sign(next, root1).apply(dirs, NOW)).hasMessageContaining("expired");
    }

    @Test
    void rootThresholdTwoNeedsTwoDistinctRoots() throws Exception {
        ObjectNode current = store(1, entry(root1).put("root", true), entry(root2).put("root", true), release(release1));
        current.put("version", 4).put("rootThreshold", 2);
        Files.write(dirs.userTrustStore(), bytes(current));
        ObjectNode nextJson = store(1, entry(root1).put("root", true), entry(root2).put("root", true), release(release2));
        nextJson.put("version", 5).put("rootThreshold", 2);
        byte[] next = bytes(nextJson);

        assertRefused(sign(next, root1, root1), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);
        assertThatThrownBy(() -> TrustUpdate.sign(next, List.of(root1), NOW)).as("the vendor tool refuses too")
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED));
        assertThat(sign(next, root1, root2).apply(dirs, NOW).signers()).hasSize(2);
    }

    @Test
    void aStoreWithoutRootKeysAcceptsNoUpdate() throws Exception {
        Files.write(dirs.userTrustStore(), version(4, release(release1)));
        byte[] next = version(5, entry(root1).put("root", true), release(release1));
        assertThatThrownBy(() -> sign(next, root1).apply(dirs, NOW))
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED))
                .hasMessageContaining("has no root keys");
    }

    // ---- which store is current, what is written ----

    @Test
    void theCurrentVersionIsTheMergedDefaultStoresAndTheUpdateGoesToTheUsersFile() throws Exception {
        Files.delete(dirs.userTrustStore());
        Files.createDirectories(dirs.machine());
        byte[] machine = version(4, entry(root1).put("root", true), release(release1));
        Files.write(dirs.machineTrustStore(), machine);

        assertRefused(sign(version(1, entry(root1).put("root", true)), root1), TrustStoreException.Reason.TRUST_ROLLBACK);
        byte[] next = version(5, entry(root1).put("root", true), release(release2));
        sign(next, root1).apply(dirs, NOW);

        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(next);
        assertThat(Files.readAllBytes(dirs.machineTrustStore())).isEqualTo(machine);
        assertThat(TrustStores.loadDefault(dirs).version()).isEqualTo(5);
    }

    @Test
    void anEmbeddedStoreWithAWrongKeyidIsKeyidMismatchOnceSignedAndUnsignedBefore() throws Exception {
        byte[] next = version(5, entry(root1).put("root", true), release(release1).put("keyid", release2.keyid()));
        assertRefused(sign(next, root1), TrustStoreException.Reason.KEYID_MISMATCH);
        byte[] good = TrustUpdate.sign(version(5, entry(root1).put("root", true)), List.of(root1), NOW);
        assertRefused(TrustUpdate.parse(withTrust(good, next)), TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED);
    }

    @Test
    void anUpdateThatWouldLiftARevocationIsRefused() throws Exception {
        // the user's store (an earlier update) revoked release1; the machine-wide store still lists it as trusted
        Files.write(dirs.userTrustStore(), version(4, entry(root1).put("root", true), release(release1).put("revoked", true)));
        Files.createDirectories(dirs.machine());
        Files.write(dirs.machineTrustStore(), TrustStoreTest.bytes(TrustStoreTest.store(1, release(release1))));
        assertThat(TrustStoreTest.reason(current(), bundle(release1))).isEqualTo(ReasonCode.KEY_REVOKED);

        assertRefused(sign(version(5, entry(root1).put("root", true), release(release2)), root1),
                TrustStoreException.Reason.REVOCATION_WOULD_LAPSE);
        assertRefused(sign(version(5, entry(root1).put("root", true), release(release1)), root1),
                TrustStoreException.Reason.REVOCATION_WOULD_LAPSE);
        Files.delete(dirs.machineTrustStore());
        assertRefused(sign(version(5, entry(root1).put("root", true), release(release1).put("revoked", false)), root1),
                TrustStoreException.Reason.REVOCATION_WOULD_LAPSE);
        assertThat(TrustStoreTest.reason(current(), bundle(release1))).isEqualTo(ReasonCode.KEY_REVOKED);

        Files.write(dirs.machineTrustStore(), TrustStoreTest.bytes(TrustStoreTest.store(1, release(release1))));
        sign(version(5, entry(root1).put("root", true), release(release1).put("revoked", true), release(release2)), root1)
                .apply(dirs, NOW);
        assertThat(current().version()).as("an update that keeps the revoked entry is applied").isEqualTo(5);
        assertThat(TrustStoreTest.reason(current(), bundle(release1))).isEqualTo(ReasonCode.KEY_REVOKED);
    }

    @Test
    void malformedUpdateFilesAreRefused() throws Exception {
        byte[] good = TrustUpdate.sign(version(5, entry(root1).put("root", true)), List.of(root1), NOW);
        String g = new String(good, StandardCharsets.UTF_8);
        List<String> bad = List.of(
                "not json",
                g.replace(TrustUpdate.FORMAT, "fieldflash-trust-update/2"),
                g.replace("\"trust\" : \"", "\"trust\" : \"!"),
                g.replace("\"signatures\"", "\"sigs\""),
                "{\"format\": \"fieldflash-trust-update/1\", \"trust\": \""
                        + Base64.getEncoder().encodeToString(root1.publicKey().toPem().getBytes(StandardCharsets.US_ASCII))
                        + "\", \"signatures\": []}");
        for (String text : bad) {
            assertThat(text).isNotEqualTo(g);
            assertThatThrownBy(() -> TrustUpdate.parse(text.getBytes(StandardCharsets.UTF_8))).as(text)
                    .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
        }
    }

    @Test
    void anUnwritableTrustStoreIsATypedError() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> TrustUpdate.writeAtomically(file.resolve("trust.json"), new byte[] {1}))
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.TRUST_STORE_UNWRITABLE));
    }

    // ---- helpers ----

    static ObjectNode release(SigningKey k) {
        ObjectNode e = entry(k).put("name", "release " + k.keyid().substring(0, 6));
        e.putArray("products").add(PRODUCT);
        return e;
    }

    static byte[] version(int version, ObjectNode... entries) {
        ObjectNode root = store(1, entries);
        root.put("version", version);
        return bytes(root);
    }

    static TrustUpdate sign(byte[] next, SigningKey... keys) throws TrustStoreException {
        return TrustUpdate.parse(unverifiedSign(next, keys));
    }

    /** Signs without the vendor tool's own check, to build updates the laptop must refuse. */
    static byte[] unverifiedSign(byte[] next, SigningKey... keys) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("format", TrustUpdate.FORMAT)
                .put("trust", Base64.getEncoder().encodeToString(next));
        var sigs = root.putArray("signatures");
        for (SigningKey k : keys) {
            sigs.addObject().put("keyid", k.keyid()).put("alg", k.alg().id())
                    .put("sig", Base64.getEncoder().encodeToString(k.sign(next)));
        }
        return bytes(root);
    }

    static byte[] withTrust(byte[] updateFile, byte[] trust) throws Exception {
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(updateFile);
        root.put("trust", Base64.getEncoder().encodeToString(trust));
        return bytes(root);
    }

    TrustStore current() throws TrustStoreException {
        return TrustStores.loadDefault(dirs);
    }

    void assertRefused(TrustUpdate update, TrustStoreException.Reason reason) throws Exception {
        byte[] before = Files.exists(dirs.userTrustStore()) ? Files.readAllBytes(dirs.userTrustStore()) : new byte[0];
        assertThatThrownBy(() -> update.apply(dirs, NOW))
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        byte[] after = Files.exists(dirs.userTrustStore()) ? Files.readAllBytes(dirs.userTrustStore()) : new byte[0];
        assertThat(after).as("a refused update changes nothing").isEqualTo(before);
    }

    Path bundle(SigningKey signer) throws Exception {
        return TrustStoreTest.bundle(dir, PRODUCT, signer);
    }

    static VerifiedBundle read(TrustStore store, Path bundle) throws BundleException {
        return new BundleReader(store).withClock(Clock.fixed(NOW, ZoneOffset.UTC)).read(bundle);
    }
}
