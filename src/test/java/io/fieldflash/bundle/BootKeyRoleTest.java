package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trust store's {@code boot} role: read, written, merged, and never a bundle signer. */
class BootKeyRoleTest {
    static final SigningKey K = SigningKey.generate(SignatureAlgorithm.ED25519);

    static String store(String extra) {
        return """
                {"format": "fieldflash-trust/1", "keys": [{"keyid": "%s", "alg": "ed25519",
                 "publicKey": "%s" %s}]}
                """.formatted(K.keyid(), K.publicKey().toPem().replace("\n", "\\n"), extra);
    }

    static TrustStore parse(String extra) throws TrustStoreException {
        return TrustStore.parse(store(extra).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roleIsReadWrittenAndDefaultsToBundle() throws Exception {
        TrustedKey boot = parse(", \"role\": \"boot\", \"products\": [\"p\"]").keys().getFirst();
        assertThat(boot.boot()).isTrue();
        assertThat(boot.covers("p")).as("a boot key never signs bundles").isFalse();
        assertThat(boot.inScope("p")).isTrue();
        assertThat(boot.usableBootKeyFor("p", Instant.now())).isTrue();
        assertThat(boot.usableBootKeyFor("q", Instant.now())).isFalse();
        TrustStore again = TrustStore.parse(new TrustStore(0, 1, 1, List.of(boot)).toJson());
        assertThat(again.keys().getFirst().boot()).isTrue();

        assertThat(parse("").keys().getFirst().boot()).isFalse();
        assertThat(parse(", \"role\": \"bundle\"").keys().getFirst().covers("p")).isTrue();
        assertThat(new String(new TrustStore(0, 1, 1, parse("").keys()).toJson(), StandardCharsets.UTF_8)).doesNotContain("role");
    }

    @Test
    void anUnknownRoleOrABootRootKeyIsRefused() {
        assertThatThrownBy(() -> parse(", \"role\": \"firmware\"")).isInstanceOf(TrustStoreException.class)
                .hasMessageContaining(".role is not \"bundle\" or \"boot\"");
        assertThatThrownBy(() -> parse(", \"role\": \"boot\", \"root\": true")).isInstanceOf(TrustStoreException.class)
                .hasMessageContaining("a boot key may not sign trust updates");
    }

    @Test
    void theFirstStoreGivesTheRoleWhenStoresMerge() {
        TrustedKey boot = TrustedKey.bootKey(K.publicKey(), "boot", List.of(), Instant.MAX, false);
        TrustedKey bundle = TrustedKey.unscoped(K.publicKey());
        TrustStore a = new TrustStore(0, 1, 1, List.of(boot)), b = new TrustStore(0, 1, 1, List.of(bundle));
        assertThat(TrustStore.merge(List.of(a, b)).keys().getFirst().boot()).isTrue();
        assertThat(TrustStore.merge(List.of(b, a)).keys().getFirst().boot()).isFalse();
    }

    @Test
    void aBootKeyIsNotEligibleForABundleSignature() throws Exception {
        TestBundle b = TestBundle.standard();
        b.signers.clear();
        b.signers.add(K);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("boot", ".fwb");
        try {
            b.write(file);
            TrustStore bootOnly = new TrustStore(0, 1, 1, List.of(TrustedKey.bootKey(K.publicKey(), "dev boot", List.of(), Instant.MAX, false)));
            assertThatThrownBy(() -> new BundleReader(bootOnly).read(file)).isInstanceOfSatisfying(BundleException.class, e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.UNTRUSTED_KEY);
                assertThat(e.getMessage()).contains("dev boot").contains("only as a boot key");
            });
            assertThat(new BundleReader(new TrustStore(0, 1, 1, List.of(TrustedKey.unscoped(K.publicKey())))).read(file).signers())
                    .extracting(TrustedKey::keyid).containsExactly(K.keyid());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
