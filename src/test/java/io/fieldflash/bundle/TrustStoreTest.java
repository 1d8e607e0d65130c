package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AppDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both trust store forms, their policy fields, merging, and what they do to real bundles. */
class TrustStoreTest {
    static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");

    static SigningKey ed, p256, rsa, other;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        ed = SigningKey.generate(SignatureAlgorithm.ED25519);
        p256 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        rsa = SigningKey.generate(SignatureAlgorithm.RSA_PSS_SHA256);
        other = SigningKey.generate(SignatureAlgorithm.ED25519);
    }

    // ---- the PEM form ----

    @Test
    void pemFormTrustsEveryKeyUnscopedWithoutEndDate() throws Exception {
        String pem = "Acme release keys\n" + ed.publicKey().toPem() + "\n" + p256.publicKey().toPem() + rsa.publicKey().toPem();
        TrustStore store = TrustStore.read(write("acme.pem", pem));

        assertThat(store.keys()).extracting(TrustedKey::keyid).containsExactly(ed.keyid(), p256.keyid(), rsa.keyid());
        assertThat(store.keys()).allSatisfy(k -> {
            assertThat(k.products()).isEmpty();
            assertThat(k.expiry()).isEmpty();
            assertThat(k.revoked()).isFalse();
            assertThat(k.root()).isFalse();
        });
        assertThat(store.version()).isZero();
        assertThat(store.threshold()).isEqualTo(1);
        for (SigningKey k : List.of(ed, p256, rsa)) {
            assertThat(read(store, bundle("crossing-controller", k)).signers()).extracting(TrustedKey::keyid).containsExactly(k.keyid());
        }
        assertThat(reason(store, bundle("crossing-controller", other))).isEqualTo(ReasonCode.UNTRUSTED_KEY);
    }

    @Test
    void pemFormWithAPrivateKeyOrNoKeyIsRefused() throws Exception {
        assertThat(refusal(write("k.pem", ed.publicKey().toPem() + ed.toPem()))).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE);
        assertThat(refusal(write("empty.pem", "no keys here\n"))).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE);
    }

    // ---- the JSON form ----

    @Test
    void jsonFormCarriesNamesScopesEndDatesRevocationAndRoots() throws Exception {
        ObjectNode root = store(2,
                entry(ed).put("name", "Acme release").put("notAfter", "2028-01-01T00:00:00Z").put("root", true),
                entry(p256).put("revoked", true),
                entry(rsa));
        entryOf(root, 0).putArray("products").add("crossing-controller").add("barrier-arm");
        root.put("version", 7).put("rootThreshold", 1);
        TrustStore store = TrustStore.parse(bytes(root));

        assertThat(store.version()).isEqualTo(7);
        assertThat(store.threshold()).isEqualTo(2);
        assertThat(store.rootThreshold()).isEqualTo(1);
        TrustedKey k = store.find(ed.keyid()).orElseThrow();
        assertThat(k.name()).isEqualTo("Acme release");
        assertThat(k.products()).containsExactly("crossing-controller", "barrier-arm");
        assertThat(k.expiry()).contains(Instant.parse("2028-01-01T00:00:00Z"));
        assertThat(k.root()).isTrue();
        assertThat(store.find(p256.keyid()).orElseThrow().revoked()).isTrue();
        assertThat(store.find(rsa.keyid()).orElseThrow().covers("anything")).isTrue();
    }

    @Test
    void rootThresholdDefaultsToThreshold() throws Exception {
        assertThat(TrustStore.parse(bytes(store(2, entry(ed), entry(p256)))).rootThreshold()).isEqualTo(2);
    }

    @Test
    void jsonFormRoundTripsThroughToJson() throws Exception {
        ObjectNode root = store(1, entry(ed).put("name", "A").put("notAfter", "2028-01-01T00:00:00Z").put("root", true), entry(p256).put("revoked", true));
        root.put("version", 3);
        TrustStore store = TrustStore.parse(bytes(root));
        assertThat(TrustStore.parse(store.toJson())).isEqualTo(store);
    }

    @Test
    void aKeyidThatIsNotTheKeysHashIsKeyidMismatch() {
        ObjectNode root = store(1, entry(ed).put("keyid", other.keyid()));
        assertThatThrownBy(() -> TrustStore.parse(bytes(root)))
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.KEYID_MISMATCH))
                .hasMessageContaining(other.keyid()).hasMessageContaining(ed.keyid());
    }

    @Test
    void anAlgThatIsNotTheKeysAlgorithmIsRefused() {
        ObjectNode root = store(1, entry(p256).put("alg", "ed25519"));
        assertThatThrownBy(() -> TrustStore.parse(bytes(root)))
                .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE))
                .hasMessageContaining("ecdsa-p256-sha256");
    }

    @Test
    void malformedJsonStoresAreRefused() {
        List<String> bad = List.of(
                "{\"format\": \"fieldflash-trust/2\", \"keys\": []}",
                "{\"format\": \"fieldflash-trust/1\"}",
                "{\"format\": \"fieldflash-trust/1\", \"keys\": [], \"threshold\": 0}",
                "{\"format\": \"fieldflash-trust/1\", \"keys\": [], \"version\": -1}",
                "{\"format\": \"fieldflash-trust/1\", \"format\": \"fieldflash-trust/1\", \"keys\": []}",
                "{\"format\": \"fieldflash-trust/1\", \"keys\": [] } {}");
        for (String json : bad) {
            assertThatThrownBy(() -> TrustStore.parse(json.getBytes(StandardCharsets.UTF_8))).as(json)
                    .isInstanceOfSatisfying(TrustStoreException.class, e -> assertThat(e.reason()).isEqualTo(TrustStoreException.Reason.BAD_TRUST_STORE));
        }
    }

    @Test
    void aKeyListedTwiceIsRefused() {
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entry(ed), entry(ed))))).hasMessageContaining("listed twice");
    }

    @Test
    void badFieldTypesAreRefused() {
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entry(ed).put("notAfter", "next year"))))).hasMessageContaining("notAfter");
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entry(ed).put("revoked", "yes"))))).hasMessageContaining("revoked");
        assertThatThrownBy(() -> TrustStore.parse(bytes(store(1, entry(ed).put("products", "crossing-controller"))))).hasMessageContaining("products");
    }

    // ---- policy, through real bundles ----

    @Test
    void productsScopeAKeyToItsProducts() throws Exception {
        ObjectNode root = store(1, entry(ed));
        entryOf(root, 0).putArray("products").add("crossing-controller");
        TrustStore store = TrustStore.parse(bytes(root));

        assertThat(read(store, bundle("crossing-controller", ed)).manifest().product()).isEqualTo("crossing-controller");
        assertThatThrownBy(() -> read(store, bundle("barrier-arm", ed)))
                .isInstanceOfSatisfying(BundleException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.UNTRUSTED_KEY))
                .hasMessageContaining("barrier-arm");
    }

    @Test
    void aKeyPastNotAfterIsKeyExpired() throws Exception {
        TrustStore store = TrustStore.parse(bytes(store(1, entry(ed).put("notAfter", "2027-03-01T11:59:59Z"))));
        assertThat(reason(store, bundle("crossing-controller", ed))).isEqualTo(ReasonCode.KEY_EXPIRED);
        TrustStore later = TrustStore.parse(bytes(store(1, entry(ed).put("notAfter", "2027-03-01T12:00:00Z"))));
        assertThat(read(later, bundle("crossing-controller", ed)).signers()).hasSize(1);
    }

    @Test
    void aRevokedKeyIsKeyRevoked() throws Exception {
        TrustStore store = TrustStore.parse(bytes(store(1, entry(ed).put("revoked", true))));
        assertThat(reason(store, bundle("crossing-controller", ed))).isEqualTo(ReasonCode.KEY_REVOKED);
    }

    @Test
    void thresholdTwoNeedsTwoDistinctTrustedSigners() throws Exception {
        TrustStore store = TrustStore.parse(bytes(store(2, entry(ed), entry(p256))));
        assertThat(reason(store, bundle("crossing-controller", ed))).isEqualTo(ReasonCode.SIGNATURE_INVALID);
        assertThat(reason(store, bundle("crossing-controller", ed, other))).as("an untrusted co-signer does not count")
                .isEqualTo(ReasonCode.SIGNATURE_INVALID);
        assertThat(read(store, bundle("crossing-controller", ed, p256)).signers()).hasSize(2);
    }

    @Test
    void aThresholdKeyScopedToAnotherProductDoesNotCount() throws Exception {
        ObjectNode root = store(2, entry(ed), entry(p256));
        entryOf(root, 1).putArray("products").add("barrier-arm");
        TrustStore store = TrustStore.parse(bytes(root));
        assertThat(reason(store, bundle("crossing-controller", ed, p256))).isEqualTo(ReasonCode.SIGNATURE_INVALID);
    }

    // ---- merging ----

    @Test
    void mergeUnitesKeysAndKeepsTheStricterPolicy() throws Exception {
        ObjectNode userJson = store(1,
                entry(ed).put("name", "user name").put("notAfter", "2029-01-01T00:00:00Z").put("root", true),
                entry(p256));
        entryOf(userJson, 0).putArray("products").add("crossing-controller");
        userJson.put("version", 4);
        ObjectNode machineJson = store(2,
                entry(ed).put("name", "machine name").put("notAfter", "2028-01-01T00:00:00Z"),
                entry(p256).put("revoked", true),
                entry(rsa));
        machineJson.put("version", 2).put("rootThreshold", 3);

        TrustStore merged = TrustStore.merge(List.of(TrustStore.parse(bytes(userJson)), TrustStore.parse(bytes(machineJson))));

        assertThat(merged.keys()).extracting(TrustedKey::keyid).containsExactly(ed.keyid(), p256.keyid(), rsa.keyid());
        TrustedKey k = merged.find(ed.keyid()).orElseThrow();
        assertThat(k.name()).as("first store names the key").isEqualTo("user name");
        assertThat(k.products()).as("first store scopes the key").containsExactly("crossing-controller");
        assertThat(k.root()).as("first store gives the root flag").isTrue();
        assertThat(k.expiry()).as("earliest end date wins").contains(Instant.parse("2028-01-01T00:00:00Z"));
        assertThat(merged.find(p256.keyid()).orElseThrow().revoked()).as("revoked anywhere is revoked").isTrue();
        assertThat(merged.version()).isEqualTo(4);
        assertThat(merged.threshold()).isEqualTo(2);
        assertThat(merged.rootThreshold()).isEqualTo(3);
    }

    @Test
    void mergeOfNothingTrustsNothing() throws Exception {
        TrustStore none = TrustStore.merge(List.of());
        assertThat(none.keys()).isEmpty();
        assertThat(reason(none, bundle("crossing-controller", ed))).isEqualTo(ReasonCode.UNTRUSTED_KEY);
    }

    @Test
    void defaultStoreIsUserThenMachineThenDropInsAndMergesThem() throws Exception {
        AppDirs dirs = new AppDirs(dir.resolve("user"), dir.resolve("machine"));
        assertThat(TrustStores.defaultFiles(dirs)).isEmpty();
        Files.createDirectories(dirs.user());
        Files.createDirectories(dirs.machine().resolve("trust.d"));
        Files.write(dirs.userTrustStore(), bytes(store(1, entry(ed).put("revoked", true))));
        Files.write(dirs.machineTrustStore(), bytes(store(1, entry(p256))));
        Files.writeString(dirs.machine().resolve("trust.d/b-vendor.pem"), rsa.publicKey().toPem());
        Files.writeString(dirs.machine().resolve("trust.d/a-vendor.pem"), ed.publicKey().toPem());
        Files.writeString(dirs.machine().resolve("trust.d/notes.txt"), other.publicKey().toPem());

        assertThat(TrustStores.defaultFiles(dirs)).containsExactly(dirs.userTrustStore(), dirs.machineTrustStore(),
                dirs.machine().resolve("trust.d/a-vendor.pem"), dirs.machine().resolve("trust.d/b-vendor.pem"));
        TrustStore store = TrustStores.loadDefault(dirs);
        assertThat(store.keys()).extracting(TrustedKey::keyid).containsExactlyInAnyOrder(ed.keyid(), p256.keyid(), rsa.keyid());
        assertThat(reason(store, bundle("crossing-controller", ed))).as("a drop-in cannot un-revoke a key").isEqualTo(ReasonCode.KEY_REVOKED);
        assertThat(reason(store, bundle("crossing-controller", other))).as("only .pem and .json drop-ins").isEqualTo(ReasonCode.UNTRUSTED_KEY);
    }

    @Test
    void aBrokenFileInTheDefaultStoreIsAnErrorNotFewerKeys() throws Exception {
        AppDirs dirs = new AppDirs(dir.resolve("user"), dir.resolve("machine"));
        Files.createDirectories(dirs.user());
        Files.writeString(dirs.userTrustStore(), "{ not json");
        assertThatThrownBy(() -> TrustStores.loadDefault(dirs)).isInstanceOf(TrustStoreException.class)
                .hasMessageContaining(dirs.userTrustStore().toString());
    }

    // ---- helpers ----

    static ObjectNode entry(SigningKey k) {
        return Json.MAPPER.createObjectNode().put("keyid", k.keyid()).put("alg", k.alg().id()).put("publicKey", k.publicKey().toPem());
    }

    static ObjectNode store(int threshold, ObjectNode... entries) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("format", "fieldflash-trust/1").put("threshold", threshold);
        var keys = root.putArray("keys");
        for (ObjectNode e : entries) keys.add(e);
        return root;
    }

    static ObjectNode entryOf(ObjectNode store, int i) {
        return (ObjectNode) store.get("keys").get(i);
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static TrustStoreException.Reason refusal(Path file) {
        try {
            TrustStore.read(file);
        } catch (TrustStoreException e) {
            return e.reason();
        }
        throw new AssertionError("expected " + file + " to be refused");
    }

    Path bundle(String product, SigningKey... signers) throws Exception {
        return bundle(dir, product, signers);
    }

    /** A real signed bundle for {@code product} in {@code dir}, expiring well after {@link #NOW}. */
    static Path bundle(Path dir, String product, SigningKey... signers) throws Exception {
        Path image = Files.write(Files.createTempFile(dir, "app", ".bin"), "firmware bytes".getBytes(StandardCharsets.US_ASCII));
        String template = """
                {"vendor": "Acme Rail Systems", "product": "%s", "hardware": ["ccx-rev-b"], "version": "2.4.1",
                 "securityCounter": 7, "expires": "2030-01-01T00:00:00Z", "images": [{"name": "app"}]}
                """.formatted(product);
        Path out = Files.createTempFile(dir, product, ".fwb");
        BundleWriter.create(template.getBytes(StandardCharsets.UTF_8), Map.of("app", image), List.of(signers), out,
                BundleWriter.Compression.DEFLATE);
        return out;
    }

    static VerifiedBundle read(TrustStore store, Path bundle) throws BundleException {
        return new BundleReader(store).withClock(Clock.fixed(NOW, ZoneOffset.UTC)).read(bundle);
    }

    static ReasonCode reason(TrustStore store, Path bundle) {
        try {
            read(store, bundle);
        } catch (BundleException e) {
            return e.reason();
        }
        throw new AssertionError("expected " + bundle + " to be refused");
    }
}
