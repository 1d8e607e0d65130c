package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.KeyEncodings;
import io.fieldflash.bundle.KeyException;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustUpdate;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerificationKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trust stores (PEM and JSON), public keys and trust updates from a hostile source. Every input must end in a
 * typed refusal ({@link TrustStoreException}, {@link KeyException}) or a result that keeps the rules: a key read
 * is in its one canonical encoding, and a trust update is accepted only with the exact bytes its roots signed.
 */
class TrustFuzzTest {
    static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    /** Per input: a store may hold up to 100 RSA keys, each costing a modulus test; the seeds hold few. */
    static final Fuzz.Limits LIMITS = new Fuzz.Limits(Duration.ofSeconds(5), 256L << 20);

    static SigningKey root, root2, ed, p256, rsa;

    @BeforeAll
    static void keys() {
        root = SigningKey.generate(SignatureAlgorithm.ED25519);
        root2 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        ed = SigningKey.generate(SignatureAlgorithm.ED25519);
        p256 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        rsa = SigningKey.generate(SignatureAlgorithm.RSA_PSS_SHA256);
    }

    // ---- trust stores ----

    @Test
    void trustStores() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(utf8(ed.publicKey().toPem() + "Acme keys\n" + p256.publicKey().toPem() + rsa.publicKey().toPem()));
        StringBuilder reEncoded = new StringBuilder();
        for (SigningKey k : List.of(ed, p256, rsa)) {
            KeyEncodings.of(k.publicKey()).values().forEach(der -> reEncoded.append(KeyEncodings.pem(der)));
        }
        seeds.add(utf8(reEncoded.toString()));
        byte[] json = policyStore(3);
        seeds.add(json);
        seeds.add(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 40; i++) many.append(SigningKey.generate(SignatureAlgorithm.ED25519).publicKey().toPem());
        seeds.add(utf8(many.toString()));

        List<byte[]> dictionary = new ArrayList<>(dictionary());
        dictionary.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        dictionary.add(new byte[] {(byte) 0xFF, (byte) 0xFE});
        dictionary.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{'});

        int n = Fuzz.run("trust-store", 0x7257_5354L, seeds, dictionary, LIMITS, input -> {
            TrustStore store;
            try {
                store = TrustStore.parse(input);
            } catch (TrustStoreException refused) {
                assertThat(refused.getMessage()).as("a refusal says why").isNotBlank();
                assertPrintable(refused.getMessage());
                return;
            }
            assertThat(store.keys().size()).isLessThanOrEqualTo(TrustStore.MAX_KEYS);
            for (TrustedKey k : store.keys()) assertCanonical(k.key());
            assertThat(store.keys().stream().map(TrustedKey::keyid).distinct().count()).as("one entry per key").isEqualTo(store.keys().size());
            if (startsLikeJson(input)) {
                TrustStore again = TrustStore.parse(store.toJson());
                assertThat(again).as("JSON policy survives a round trip").isEqualTo(store);
            } else {
                assertThat(store.version()).isZero();
            }
        });
        assertThat(n).isGreaterThan(seeds.size());
    }

    // ---- public keys ----

    @Test
    void publicKeys() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (SigningKey k : List.of(ed, p256, rsa)) {
            seeds.add(k.publicKey().spki());
            seeds.addAll(KeyEncodings.of(k.publicKey()).values());
        }
        BigInteger n = KeyEncodings.modulus(rsa.publicKey());
        seeds.add(KeyEncodings.rsa(n, BigInteger.ONE));
        seeds.add(KeyEncodings.rsa(n, BigInteger.valueOf(3)));
        seeds.add(KeyEncodings.rsa(new BigInteger(12000, new Random(1)).setBit(11999).setBit(0), BigInteger.valueOf(65537)));

        int count = Fuzz.run("public-key", 0x5350_4b49L, seeds, List.of(), LIMITS, input -> {
            VerificationKey key;
            try {
                key = VerificationKey.fromSpki(input);
            } catch (KeyException refused) {
                assertPrintable(refused.getMessage());
                return;
            }
            assertCanonical(key);
        });
        assertThat(count).isGreaterThan(seeds.size());
    }

    // ---- trust updates ----

    @Test
    void trustUpdates() throws Exception {
        TrustStore current = TrustStore.parse(store(4, 1, entry(root).put("root", true), entry(ed)));
        byte[] next = store(5, 1, entry(root).put("root", true), entry(root2).put("root", true), entry(ed).put("revoked", true),
                entry(p256), entry(rsa));
        byte[] signed = TrustUpdate.sign(next, List.of(root, root2), NOW);
        assertThat(TrustUpdate.parse(signed).check(current, NOW).next().version()).as("the seed is accepted").isEqualTo(5);
        List<byte[]> seeds = List.of(signed,
                TrustUpdate.sign(store(5, 1, entry(root).put("root", true)), List.of(root), NOW),
                TrustUpdate.sign(policyStore(5), List.of(root, root2), NOW));
        List<byte[]> signedTrust = new ArrayList<>();
        for (byte[] s : seeds) signedTrust.add(TrustUpdate.parse(s).trustBytes());

        List<byte[]> dictionary = new ArrayList<>(dictionary());
        dictionary.add(utf8(Base64.getEncoder().encodeToString(next)));
        dictionary.add(utf8("\"signatures\": [" + "{\"keyid\": \"" + root.keyid() + "\", \"alg\": \"ed25519\", \"sig\": \"AAAA\"},".repeat(8)));
        dictionary.add(utf8("\"" + root.keyid() + "\""));
        dictionary.add(utf8("\"version\": 6"));
        dictionary.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});

        int n = Fuzz.run("trust-update", 0x5455_5044L, seeds, dictionary, LIMITS, input -> {
            TrustUpdate.Approval approval;
            TrustUpdate update;
            try {
                update = TrustUpdate.parse(input);
                approval = update.check(current, NOW);
            } catch (TrustStoreException refused) {
                assertPrintable(refused.getMessage());
                return;
            }
            byte[] trust = update.trustBytes();
            assertThat(signedTrust.stream().anyMatch(s -> Arrays.equals(s, trust)))
                    .as("an accepted update carries exactly the bytes its roots signed").isTrue();
            assertThat(approval.next().version()).isEqualTo(current.version() + 1);
            assertThat(approval.signers()).isNotEmpty().allSatisfy(k -> assertThat(k.root()).isTrue());
        });
        assertThat(n).isGreaterThan(seeds.size());
    }

    // ---- helpers ----

    /** Hostile tokens for trust files: PEM and JSON syntax, policy fields, odd key encodings, huge blanks. */
    static List<byte[]> dictionary() {
        List<String> tokens = new ArrayList<>(List.of(
                "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----\n", "-----BEGIN ",
                "\\n", "\n", "\r\n", "{", "}", "[", "]", "\"", ",", ":", "null", "true", "false", "\uFEFF", "\u00a0", "\u202e", "\u001b[2J",
                "\"revoked\": true", "\"root\": true", "\"products\": [\"x\"]", "\"notAfter\": \"2020-01-01T00:00:00Z\"",
                "\"threshold\": 0", "\"rootThreshold\": 99", "\"version\": -1", "\"version\": 2147483648",
                "\"keyid\": \"", "\"alg\": \"rsa-pss-sha256\"", "\"format\": \"fieldflash-trust/1\"", "99999999999999999999999",
                " ".repeat(4096), "\n".repeat(2048), "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", "MCowBQYDK2VwAyEA",
                "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "=", "===="));
        for (SigningKey k : List.of(ed, p256, rsa)) {
            KeyEncodings.of(k.publicKey()).values().forEach(der -> tokens.add(KeyEncodings.pem(der)));
        }
        BigInteger n = KeyEncodings.modulus(rsa.publicKey());
        tokens.add(KeyEncodings.pem(KeyEncodings.rsa(n, BigInteger.ONE)));
        tokens.add(KeyEncodings.pem(KeyEncodings.rsa(new BigInteger(16384, new Random(2)).setBit(16383).setBit(0), BigInteger.valueOf(65537))));
        return Fuzz.dictionary(tokens.toArray(String[]::new));
    }

    /** A key that was read is in its canonical encoding: reading that encoding again gives the same bytes and keyid. */
    static void assertCanonical(VerificationKey key) throws KeyException {
        VerificationKey again = VerificationKey.fromSpki(key.spki());
        assertThat(again.spki()).isEqualTo(key.spki());
        assertThat(again.keyid()).isEqualTo(key.keyid());
        assertThat(key.keyid()).matches("[0-9a-f]{64}");
    }

    /** No control character or bidi override from the input reaches a message unescaped. */
    static void assertPrintable(String message) {
        for (char c : message.toCharArray()) {
            assertThat(c < 0x20 && c != '\n' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e))
                    .as("message has raw character U+%04X: %s", (int) c, message).isFalse();
        }
    }

    static boolean startsLikeJson(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        return text.strip().startsWith("{");
    }

    static ObjectNode entry(SigningKey k) {
        return Json.MAPPER.createObjectNode().put("keyid", k.keyid()).put("alg", k.alg().id()).put("publicKey", k.publicKey().toPem());
    }

    static byte[] store(int version, int threshold, ObjectNode... entries) throws Exception {
        ObjectNode root = Json.MAPPER.createObjectNode().put("format", TrustStore.FORMAT).put("version", version)
                .put("threshold", threshold).put("rootThreshold", 1);
        ArrayNode keys = root.putArray("keys");
        for (ObjectNode e : entries) keys.add(e);
        return Json.MAPPER.writeValueAsBytes(root);
    }

    /** A JSON store with every policy field used, root and root2 as roots. */
    static byte[] policyStore(int version) throws Exception {
        ObjectNode scoped = entry(p256).put("name", "Acme release").put("notAfter", "2028-01-01T00:00:00Z");
        scoped.putArray("products").add("crossing-controller").add("barrier-arm");
        return store(version, 1, entry(root).put("root", true), entry(root2).put("root", true), scoped,
                entry(ed).put("revoked", true), entry(rsa).put("name", "RSA"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
