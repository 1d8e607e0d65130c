package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every Project Wycheproof vector for the bundle signature algorithms through the verification path
 * bundles take ({@link VerificationKey#fromSpki} then {@link VerificationKey#verify}). Strict: a
 * {@code valid} vector must verify, {@code invalid} and {@code acceptable} ones must not. A key that
 * {@code fromSpki} refuses counts as a rejection, which is only right for vectors that are not valid.
 */
class WycheproofTest {

    /** A vector file and how many vectors of each result it must hold. */
    record VectorFile(String name, SignatureAlgorithm alg, int valid, int invalid, int acceptable) {
        int total() {
            return valid + invalid + acceptable;
        }
    }

    static final List<VectorFile> FILES = List.of(
            new VectorFile("ed25519_test.json", SignatureAlgorithm.ED25519, 88, 63, 0),
            new VectorFile("ecdsa_secp256r1_sha256_test.json", SignatureAlgorithm.ECDSA_P256_SHA256, 174, 310, 0),
            new VectorFile("rsa_pss_2048_sha256_mgf1_32_test.json", SignatureAlgorithm.RSA_PSS_SHA256, 63, 45, 0),
            new VectorFile("rsa_pss_3072_sha256_mgf1_32_test.json", SignatureAlgorithm.RSA_PSS_SHA256, 63, 45, 0));

    /** One test vector with the key of its group (empty when fromSpki refused the key, with the reason). */
    record Vector(int tcId, String comment, List<String> flags, String result, byte[] msg, byte[] sig,
                  Optional<VerificationKey> key, String keyRefusal) {
        String displayName() {
            return "tc" + tcId + " " + result + (comment.isEmpty() ? "" : " – " + comment)
                    + (flags.isEmpty() ? "" : " " + flags);
        }
    }

    @TestFactory
    Stream<DynamicContainer> everyVector() {
        return FILES.stream().map(f -> {
            JsonNode root = load(f.name());
            List<Vector> vectors = vectors(root);
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("vector counts match the file", () -> assertCounts(f, root, vectors)));
            vectors.forEach(v -> tests.add(dynamicTest(v.displayName(), () -> check(f, v))));
            return dynamicContainer(f.name(), tests);
        });
    }

    private static void assertCounts(VectorFile f, JsonNode root, List<Vector> vectors) {
        Map<String, Long> byResult = vectors.stream()
                .collect(java.util.stream.Collectors.groupingBy(Vector::result, java.util.stream.Collectors.counting()));
        assertThat(byResult.getOrDefault("valid", 0L)).as("valid vectors").isEqualTo(f.valid());
        assertThat(byResult.getOrDefault("invalid", 0L)).as("invalid vectors").isEqualTo(f.invalid());
        assertThat(byResult.getOrDefault("acceptable", 0L)).as("acceptable vectors").isEqualTo(f.acceptable());
        assertThat(vectors).as("vectors in total").hasSize(root.get("numberOfTests").asInt()).hasSize(f.total());
    }

    private static void check(VectorFile f, Vector v) {
        switch (v.result()) {
            case "valid" -> {
                assertThat(v.key()).as("key of a valid vector must be accepted (%s)", v.keyRefusal()).isPresent();
                assertThat(v.key().orElseThrow().alg()).isEqualTo(f.alg());
                assertThat(v.key().orElseThrow().verify(v.msg(), v.sig())).as("valid signature accepted").isTrue();
            }
            case "invalid", "acceptable" -> {
                boolean accepted = v.key().map(k -> k.verify(v.msg(), v.sig())).orElse(false);
                assertThat(accepted).as("%s signature rejected", v.result()).isFalse();
            }
            default -> throw new AssertionError("unknown result \"" + v.result() + "\" in tc" + v.tcId());
        }
    }

    private static List<Vector> vectors(JsonNode root) {
        HexFormat hex = HexFormat.of();
        List<Vector> out = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            Optional<VerificationKey> key;
            String refusal = "";
            try {
                key = Optional.of(VerificationKey.fromSpki(hex.parseHex(group.get("publicKeyDer").asText())));
            } catch (KeyException e) {
                key = Optional.empty();
                refusal = e.getMessage();
            }
            for (JsonNode t : group.get("tests")) {
                List<String> flags = new ArrayList<>();
                t.path("flags").forEach(fl -> flags.add(fl.asText()));
                out.add(new Vector(t.get("tcId").asInt(), t.path("comment").asText(""), flags, t.get("result").asText(),
                        hex.parseHex(t.get("msg").asText()), hex.parseHex(t.get("sig").asText()), key, refusal));
            }
        }
        return out;
    }

    private static JsonNode load(String name) {
        try (InputStream in = WycheproofTest.class.getResourceAsStream("/wycheproof/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource wycheproof/" + name);
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
