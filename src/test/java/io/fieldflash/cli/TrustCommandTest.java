package io.fieldflash.cli;

import io.fieldflash.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AppDirs;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.KeyEncodings;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStores;
import io.fieldflash.bundle.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fieldflash trust ...} driven through the real command line, with a private FieldFlash folder per test. */
class TrustCommandTest {
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
    void privateFolders() {
        System.setProperty("fieldflash.home", dir.resolve("user").toString());
        System.setProperty("fieldflash.machineHome", dir.resolve("machine").toString());
        dirs = AppDirs.detect();
    }

    @AfterEach
    void clearFolders() {
        System.clearProperty("fieldflash.home");
        System.clearProperty("fieldflash.machineHome");
    }

    CliRun run(String... args) {
        CliRun r = CliRun.run(args);
        assertThat(r.err()).as("no stack trace for people").doesNotContain("\tat ").doesNotContain("Exception");
        return r;
    }

    // ---- list ----

    @Test
    void listWithNoTrustStoreSaysEveryBundleWillBeRefused() {
        CliRun r = run("trust", "list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("No keys are trusted").contains("fieldflash trust add");
        JsonNode json = json(run("trust", "list", "--json"));
        assertThat(json.get("keys")).isEmpty();
        assertThat(json.get("fingerprint").isNull()).isTrue();
    }

    // ---- add ----

    @Test
    void addCreatesTheUsersTrustStoreAtVersionZeroAndSaysWhatItDid() throws Exception {
        CliRun r = run("trust", "add", pub(release1, "acme-release").toString(), "--name", "Acme release",
                "--product", "crossing-controller", "--not-after", "2028-01-01T00:00:00Z");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Added key 'Acme release' (" + release1.keyid().substring(0, 16)
                + ") for products: crossing-controller, until 2028-01-01T00:00:00Z.");
        TrustStore store = TrustStore.read(dirs.userTrustStore());
        assertThat(store.version()).isZero();
        TrustedKey k = store.find(release1.keyid()).orElseThrow();
        assertThat(k.name()).isEqualTo("Acme release");
        assertThat(k.products()).containsExactly("crossing-controller");
        assertThat(k.expiry()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("2028-01-01T00:00:00Z"));
        assertThat(k.root()).isFalse();
    }

    @Test
    void addKeepsTheVersionAndOtherKeysAndNamesTheKeyAfterItsFileByDefault() throws Exception {
        Files.createDirectories(dirs.user());
        Files.write(dirs.userTrustStore(), storeJson(7, root1, true));
        CliRun r = run("trust", "add", pub(release1, "acme-release").toString(), "--root");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("for any product, as a root key.");
        TrustStore store = TrustStore.read(dirs.userTrustStore());
        assertThat(store.version()).isEqualTo(7);
        assertThat(store.keys()).extracting(TrustedKey::keyid).containsExactly(root1.keyid(), release1.keyid());
        assertThat(store.find(release1.keyid()).orElseThrow().name()).isEqualTo("acme-release");
        assertThat(store.find(release1.keyid()).orElseThrow().root()).isTrue();
    }

    @Test
    void addRefusesAKeyThatIsAlreadyTrusted() throws Exception {
        Path pub = pub(release1, "acme-release");
        assertThat(run("trust", "add", pub.toString()).exit()).isZero();
        byte[] before = Files.readAllBytes(dirs.userTrustStore());

        CliRun again = run("trust", "add", pub.toString(), "--product", "other");
        assertThat(again.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(again.err()).contains("Error [KEY_ALREADY_TRUSTED]: Key 'acme-release'").contains("already in the trust store")
                .contains("What to do: ").contains("fieldflash trust remove " + release1.keyid().substring(0, 16));
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(before);
    }

    @Test
    void addRefusesAKeyTheMachineStoreAlreadyTrusts() throws Exception {
        Files.createDirectories(dirs.machine());
        Files.write(dirs.machineTrustStore(), storeJson(0, release1, false));
        CliRun r = run("trust", "add", pub(release1, "acme-release").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("KEY_ALREADY_TRUSTED").contains(dirs.machineTrustStore().toString());
        assertThat(dirs.userTrustStore()).doesNotExist();
    }

    @Test
    void addRefusesAPrivateKeyAndABadDate() throws Exception {
        Path priv = Files.writeString(dir.resolve("release.key"), release1.toPem());
        CliRun r = run("trust", "add", priv.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("Error [BAD_KEY]").contains("PUBLIC KEY");

        CliRun date = run("trust", "add", pub(release1, "r").toString(), "--not-after", "next year");
        assertThat(date.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(date.err()).contains("2028-01-01T00:00:00Z");
        assertThat(dirs.userTrustStore()).doesNotExist();
    }

    @Test
    void listShowsEachKeyItsSourceThresholdsVersionAndTheFingerprintOfTrustJson() throws Exception {
        run("trust", "add", pub(release1, "acme-release").toString(), "--product", "crossing-controller");
        Files.createDirectories(dirs.machine());
        Files.write(dirs.machineTrustStore(), storeJson(0, root1, true));

        JsonNode one = json(run("trust", "list", "--trust", dirs.userTrustStore().toString(), "--json"));
        assertThat(one.get("fingerprint").asText()).isEqualTo(sha256(Files.readAllBytes(dirs.userTrustStore())));

        CliRun text = run("trust", "list");
        assertThat(text.out()).contains("acme-release  [ed25519]").contains(release1.keyid()).contains("crossing-controller")
                .contains("ROOT").contains(dirs.machineTrustStore().toString());
        JsonNode json = json(run("trust", "list", "--json"));
        assertThat(json.get("version").asInt()).isZero();
        assertThat(json.get("threshold").asInt()).isEqualTo(1);
        assertThat(json.get("rootThreshold").asInt()).isEqualTo(1);
        assertThat(json.get("fingerprint").asText()).as("several files: the merged store's JSON")
                .isEqualTo(sha256(TrustStores.loadDefault(dirs).toJson()));
        JsonNode k = json.get("keys").get(0);
        assertThat(k.get("keyid").asText()).isEqualTo(release1.keyid());
        assertThat(k.get("name").asText()).isEqualTo("acme-release");
        assertThat(k.get("alg").asText()).isEqualTo("ed25519");
        assertThat(k.get("products").get(0).asText()).isEqualTo("crossing-controller");
        assertThat(k.get("notAfter").isNull()).isTrue();
        assertThat(k.get("revoked").asBoolean()).isFalse();
        assertThat(k.get("root").asBoolean()).isFalse();
        assertThat(k.get("sources").get(0).asText()).isEqualTo(dirs.userTrustStore().toString());
        assertThat(json.get("keys").get(1).get("root").asBoolean()).isTrue();
    }

    // ---- remove ----

    @Test
    void removeTakesAUniqueKeyidPrefix() throws Exception {
        run("trust", "add", pub(release1, "acme-release").toString());
        run("trust", "add", pub(release2, "acme-release-2").toString());
        CliRun r = run("trust", "remove", release1.keyid().substring(0, 8).toUpperCase());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Removed key 'acme-release' (" + release1.keyid().substring(0, 16) + ")");
        assertThat(TrustStore.read(dirs.userTrustStore()).keys()).extracting(TrustedKey::keyid).containsExactly(release2.keyid());
    }

    @Test
    void removeRefusesAnAmbiguousPrefixAnUnknownKeyAndAMachineKey() throws Exception {
        List<SigningKey> pair = twoKeysSharingAPrefix(4);
        run("trust", "add", pub(pair.get(0), "a").toString());
        run("trust", "add", pub(pair.get(1), "b").toString());
        CliRun ambiguous = run("trust", "remove", pair.get(0).keyid().substring(0, 4));
        assertThat(ambiguous.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(ambiguous.err()).contains("AMBIGUOUS_KEYID").contains("Give more digits");

        CliRun unknown = run("trust", "remove", "0000000000");
        assertThat(unknown.err()).contains("KEY_NOT_FOUND");

        Files.createDirectories(dirs.machine());
        Files.write(dirs.machineTrustStore(), storeJson(0, root1, true));
        CliRun machine = run("trust", "remove", root1.keyid().substring(0, 12));
        assertThat(machine.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(machine.err()).contains("KEY_NOT_IN_USER_STORE").contains(dirs.machineTrustStore().toString());
        assertThat(TrustStore.read(dirs.userTrustStore()).keys()).hasSize(2);

        assertThat(run("trust", "remove", "xyz").exit()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void removeRefusesToDropARevocationThatAnotherFileWouldUndo() throws Exception {
        Files.createDirectories(dirs.user());
        Files.createDirectories(dirs.machine());
        ObjectNode user = store(3, entry(release1, false).put("revoked", true));
        Files.write(dirs.userTrustStore(), Json.MAPPER.writeValueAsBytes(user));
        Files.write(dirs.machineTrustStore(), storeJson(0, release1, false));

        CliRun r = run("trust", "remove", release1.keyid());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("REVOCATION_WOULD_LAPSE").contains("trust it again");
        assertThat(TrustStores.loadDefault(dirs).find(release1.keyid()).orElseThrow().revoked()).isTrue();
    }

    // ---- sign-update and update ----

    @Test
    void rotationThroughTheCommandLine() throws Exception {
        Files.createDirectories(dirs.user());
        ObjectNode v4 = store(4, entry(root1, true), release(release1));
        Files.write(dirs.userTrustStore(), Json.MAPPER.writeValueAsBytes(v4));
        Path oldBundle = bundle(release1);

        Path v5 = Files.write(dir.resolve("trust-v5.json"), Json.MAPPER.writeValueAsBytes(
                store(5, entry(root1, false).put("revoked", true), entry(root2, true), release(release1).put("revoked", true), release(release2))));
        Path update = dir.resolve("acme-trust-v5.json");

        CliRun oldRootOnly = run("trust", "sign-update", "--store", v5.toString(), "--key", key(root1), "--out", update.toString());
        assertThat(oldRootOnly.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(oldRootOnly.err()).contains("TRUST_UPDATE_UNSIGNED").contains("No laptop could accept it");
        assertThat(update).doesNotExist();

        CliRun newRootOnly = run("trust", "sign-update", "--store", v5.toString(), "--key", key(root2),
                "--current", dirs.userTrustStore().toString(), "--out", update.toString());
        assertThat(newRootOnly.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(newRootOnly.err()).contains("TRUST_UPDATE_UNSIGNED").contains("current trust store (version 4)");
        assertThat(update).doesNotExist();

        CliRun signed = run("trust", "sign-update", "--store", v5.toString(), "--key", key(root1), "--key", key(root2),
                "--current", dirs.userTrustStore().toString(), "--out", update.toString());
        assertThat(signed.exit()).as(signed.err()).isZero();
        assertThat(signed.out()).contains("trust store version 5").contains("accepted by").contains(sha256(Files.readAllBytes(v5)));

        CliRun applied = run("trust", "update", update.toString());
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("Trust store updated from version 4 to version 5.")
                .contains("revoked").contains("added").contains(sha256(Files.readAllBytes(v5)));
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(Files.readAllBytes(v5));
        assertThat(json(run("trust", "list", "--json")).get("fingerprint").asText()).isEqualTo(sha256(Files.readAllBytes(v5)));

        CliRun verify = run("verify", oldBundle.toString());
        assertThat(verify.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(verify.out()).contains("KEY_REVOKED");
        assertThat(run("verify", bundle(release2).toString()).exit()).isZero();

        CliRun again = run("trust", "update", update.toString());
        assertThat(again.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(again.err()).contains("Error [TRUST_ROLLBACK]").contains("already has version 5").contains("What to do: ");
    }

    @Test
    void updateRefusesAGapAndAForgeryAndLeavesTheStoreAlone() throws Exception {
        Files.createDirectories(dirs.user());
        Files.write(dirs.userTrustStore(), Json.MAPPER.writeValueAsBytes(store(4, entry(root1, true))));
        byte[] before = Files.readAllBytes(dirs.userTrustStore());

        Path v6 = Files.write(dir.resolve("v6.json"), Json.MAPPER.writeValueAsBytes(store(6, entry(root1, true))));
        Path gap = dir.resolve("gap.json");
        assertThat(run("trust", "sign-update", "--store", v6.toString(), "--key", key(root1), "--out", gap.toString()).exit()).isZero();
        CliRun r = run("trust", "update", gap.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("TRUST_UPDATE_GAP").contains("version 5 first");

        Path v5 = Files.write(dir.resolve("v5.json"), Json.MAPPER.writeValueAsBytes(store(5, entry(root2, true))));
        Path forged = dir.resolve("forged.json");
        assertThat(run("trust", "sign-update", "--store", v5.toString(), "--key", key(root2), "--out", forged.toString()).exit()).isZero();
        CliRun f = run("trust", "update", forged.toString());
        assertThat(f.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(f.err()).contains("TRUST_UPDATE_UNSIGNED");

        assertThat(run("trust", "update", dir.resolve("missing.json").toString()).err()).contains("does not exist");
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(before);
    }

    @Test
    void updateSaysWhenAKeyItLeftOutIsStillTrustedThroughAnotherFile() throws Exception {
        Files.createDirectories(dirs.user());
        Files.createDirectories(dirs.machine());
        Files.write(dirs.userTrustStore(), Json.MAPPER.writeValueAsBytes(store(4, entry(root1, true), release(release1))));
        Files.write(dirs.machineTrustStore(), Json.MAPPER.writeValueAsBytes(store(0, release(release1), release(release2))));
        Path v5 = Files.write(dir.resolve("v5.json"), Json.MAPPER.writeValueAsBytes(store(5, entry(root1, true))));
        Path update = dir.resolve("update.json");
        assertThat(run("trust", "sign-update", "--store", v5.toString(), "--key", key(root1), "--out", update.toString()).exit()).isZero();

        CliRun r = run("trust", "update", update.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("note         release " + release1.keyid().substring(0, 6))
                .doesNotContain("note         release " + release2.keyid().substring(0, 6))
                .doesNotContain("removed");
    }

    @Test
    void aRevokedKeyInAnotherEncodingIsNeitherAddedNorTrusted() throws Exception {
        SigningKey p256 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        Files.createDirectories(dirs.machine().resolve("trust.d"));
        Files.write(dirs.machineTrustStore(), Json.MAPPER.writeValueAsBytes(store(0, entry(p256, false).put("revoked", true))));
        Path bundle = bundle(p256);
        for (Map.Entry<String, byte[]> form : KeyEncodings.of(p256.publicKey()).entrySet()) {
            Path pub = Files.writeString(dir.resolve("reencoded.pub"), KeyEncodings.pem(form.getValue()));
            CliRun add = run("trust", "add", pub.toString());
            assertThat(add.exit()).as(form.getKey()).isEqualTo(Main.EXIT_FAILED);
            assertThat(add.err()).contains("KEY_ALREADY_TRUSTED").contains("revoked").contains(dirs.machineTrustStore().toString());
            assertThat(dirs.userTrustStore()).doesNotExist();

            Files.copy(pub, dirs.machine().resolve("trust.d/vendor.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            CliRun verify = run("verify", bundle.toString());
            assertThat(verify.exit()).as(form.getKey()).isNotZero();
            assertThat(verify.out()).contains("KEY_REVOKED");
        }
    }

    @Test
    void listEscapesWhatATrustFileSays() throws Exception {
        ObjectNode k = release(release1).put("name", "Acme\u001b[2J\u001b[1;1HVALID");
        ((com.fasterxml.jackson.databind.node.ArrayNode) k.get("products")).add("\u202eevil\u0007");
        Path file = Files.write(dir.resolve("odd\u001b[31mname.json"), Json.MAPPER.writeValueAsBytes(store(3, k)));
        CliRun list = run("trust", "list", "--trust", file.toString());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).doesNotContain("\u001b").doesNotContain("\u202e").doesNotContain("\u0007")
                .contains("Acme\\x1b[2J\\x1b[1;1HVALID").contains("\\u202eevil\\x07").contains("odd\\x1b[31mname.json");
    }

    @Test
    void anUnreadableTrustFolderIsAnErrorThatNamesIt() throws Exception {
        Files.createDirectories(dirs.machine());
        Path dropIn = dirs.machine().resolve("trust.d");
        Files.createSymbolicLink(dropIn, dropIn);
        for (String[] args : List.of(new String[] {"trust", "list"}, new String[] {"verify", bundle(release1).toString()},
                new String[] {"trust", "add", pub(release1, "acme-release").toString()})) {
            CliRun r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isNotZero();   // verify says 2: it could not start
            assertThat(r.err()).contains("TRUST_STORE_UNREADABLE").contains(dropIn.toString()).contains("What to do: ");
        }
    }

    @Test
    void trustIsRegisteredWithMain() {
        CliRun r = run("trust");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("list").contains("add").contains("remove").contains("update").contains("sign-update");
    }

    // ---- helpers ----

    Path pub(SigningKey k, String name) throws Exception {
        Path p = dir.resolve(name + ".pub");
        if (!Files.exists(p)) Files.writeString(p, k.publicKey().toPem());
        return p;
    }

    String key(SigningKey k) throws Exception {
        Path p = dir.resolve(k.keyid().substring(0, 12) + ".key");
        if (!Files.exists(p)) Files.writeString(p, k.toPem());
        return p.toString();
    }

    static ObjectNode entry(SigningKey k, boolean root) {
        ObjectNode e = Json.MAPPER.createObjectNode().put("keyid", k.keyid()).put("alg", k.alg().id())
                .put("publicKey", k.publicKey().toPem());
        if (root) e.put("root", true);
        return e;
    }

    static ObjectNode release(SigningKey k) {
        ObjectNode e = entry(k, false).put("name", "release " + k.keyid().substring(0, 6));
        e.putArray("products").add("crossing-controller");
        return e;
    }

    static ObjectNode store(int version, ObjectNode... entries) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("format", "fieldflash-trust/1").put("version", version);
        var keys = root.putArray("keys");
        for (ObjectNode e : entries) keys.add(e);
        return root;
    }

    static byte[] storeJson(int version, SigningKey k, boolean root) throws Exception {
        return Json.MAPPER.writeValueAsBytes(store(version, entry(k, root)));
    }

    static JsonNode json(CliRun r) {
        assertThat(r.exit()).as(r.err()).isZero();
        try {
            return Json.MAPPER.readTree(r.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.out(), e);
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static List<SigningKey> twoKeysSharingAPrefix(int digits) {
        Map<String, SigningKey> seen = new java.util.HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
            SigningKey other = seen.putIfAbsent(k.keyid().substring(0, digits), k);
            if (other != null) return List.of(other, k);
        }
        throw new AssertionError("no two keys shared a " + digits + "-digit keyid prefix");
    }

    Path bundle(SigningKey signer) throws Exception {
        Path image = Files.write(Files.createTempFile(dir, "app", ".bin"), "firmware".getBytes(StandardCharsets.US_ASCII));
        String template = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "2.4.1", "securityCounter": 7, "expires": "2099-01-01T00:00:00Z", "images": [{"name": "app"}]}
                """;
        Path out = Files.createTempFile(dir, "bundle", ".fwb");
        BundleWriter.create(template.getBytes(StandardCharsets.UTF_8), Map.of("app", image), List.of(signer), out,
                BundleWriter.Compression.DEFLATE);
        new BundleReader(TrustStore.empty().with(TrustedKey.unscoped(signer.publicKey()))).read(out);
        return out;
    }
}
