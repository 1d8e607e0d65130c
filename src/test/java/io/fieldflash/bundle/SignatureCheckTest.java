package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The threshold rule over detached signatures, with real keys. */
class SignatureCheckTest {
    static final byte[] MESSAGE = "{\"format\":\"fieldflash-bundle/1\"}\n".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    static SigningKey a, b, p256, rsa;

    @BeforeAll
    static void keys() {
        a = SigningKey.generate(SignatureAlgorithm.ED25519);
        b = SigningKey.generate(SignatureAlgorithm.ED25519);
        p256 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        rsa = SigningKey.generate(SignatureAlgorithm.RSA_PSS_SHA256);
    }

    static SignatureCheck.Signature sig(SigningKey k, byte[] message) {
        return new SignatureCheck.Signature(k.keyid(), k.alg().id(), k.sign(message));
    }

    static TrustedKey trusted(SigningKey k) {
        return TrustedKey.unscoped(k.publicKey());
    }

    static List<TrustedKey> check(List<SignatureCheck.Signature> sigs, List<TrustedKey> eligible, int threshold)
            throws BundleException {
        return SignatureCheck.check(MESSAGE, sigs, eligible, threshold, NOW, "this bundle");
    }

    static ReasonCode reasonOf(List<SignatureCheck.Signature> sigs, List<TrustedKey> eligible, int threshold) {
        try {
            check(sigs, eligible, threshold);
        } catch (BundleException e) {
            return e.reason();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void aValidSignatureByAnEligibleKeyPasses() throws Exception {
        assertThat(check(List.of(sig(a, MESSAGE)), List.of(trusted(a)), 1)).extracting(TrustedKey::keyid).containsExactly(a.keyid());
    }

    @Test
    void everyAlgorithmVerifiesThroughTheCheck() throws Exception {
        List<TrustedKey> eligible = List.of(trusted(p256), trusted(rsa));
        assertThat(check(List.of(sig(p256, MESSAGE), sig(rsa, MESSAGE)), eligible, 2)).hasSize(2);
    }

    @Test
    void signaturesByUnknownKeysAreIgnoredAndNoTrustedSignerIsUntrustedKey() {
        assertThat(reasonOf(List.of(sig(b, MESSAGE)), List.of(trusted(a)), 1)).isEqualTo(ReasonCode.UNTRUSTED_KEY);
        assertThat(reasonOf(List.of(), List.of(trusted(a)), 1)).isEqualTo(ReasonCode.UNTRUSTED_KEY);
    }

    @Test
    void aSignatureOverOtherBytesIsSignatureInvalid() {
        byte[] other = "{\"format\":\"fieldflash-bundle/1\" }\n".getBytes(StandardCharsets.UTF_8);
        assertThat(reasonOf(List.of(sig(a, other)), List.of(trusted(a)), 1)).isEqualTo(ReasonCode.SIGNATURE_INVALID);
    }

    @Test
    void aSignatureThatNamesTheWrongAlgDoesNotCount() {
        SignatureCheck.Signature s = sig(a, MESSAGE);
        SignatureCheck.Signature mislabelled = new SignatureCheck.Signature(s.keyid(), "ecdsa-p256-sha256", s.sig());
        assertThat(reasonOf(List.of(mislabelled), List.of(trusted(a)), 1)).isEqualTo(ReasonCode.SIGNATURE_INVALID);
    }

    @Test
    void aBadSignatureByAKeyDoesNotHideAGoodOneByTheSameKey() throws Exception {
        SignatureCheck.Signature bad = new SignatureCheck.Signature(a.keyid(), "ed25519", new byte[64]);
        assertThat(check(List.of(bad, sig(a, MESSAGE)), List.of(trusted(a)), 1)).hasSize(1);
    }

    @Test
    void thresholdCountsDistinctKeys() throws Exception {
        List<TrustedKey> both = List.of(trusted(a), trusted(b));
        assertThat(reasonOf(List.of(sig(a, MESSAGE)), both, 2)).isEqualTo(ReasonCode.SIGNATURE_INVALID);
        assertThat(reasonOf(List.of(sig(a, MESSAGE), sig(a, MESSAGE)), both, 2)).isEqualTo(ReasonCode.SIGNATURE_INVALID);
        assertThat(check(List.of(sig(a, MESSAGE), sig(b, MESSAGE)), both, 2)).hasSize(2);
    }

    @Test
    void oneP256KeyListedUnderTwoEncodingsCountsOnce() throws Exception {
        VerificationKey compressed = compressedForm(p256.publicKey());
        assertThat(compressed.keyid()).as("one key, one keyid, whatever its encoding").isEqualTo(p256.keyid());
        assertThat(compressed.verify(MESSAGE, p256.sign(MESSAGE))).as("the compressed form is the same key").isTrue();
        List<TrustedKey> store = List.of(trusted(p256), TrustedKey.unscoped(compressed));
        byte[] s = p256.sign(MESSAGE);
        List<SignatureCheck.Signature> twice = List.of(new SignatureCheck.Signature(p256.keyid(), "ecdsa-p256-sha256", s),
                new SignatureCheck.Signature(compressed.keyid(), "ecdsa-p256-sha256", s));
        assertThat(reasonOf(twice, store, 2)).isEqualTo(ReasonCode.SIGNATURE_INVALID);
    }

    @Test
    void oneRsaKeyListedAsRsaEncryptionAndAsRsassaPssCountsOnce() throws Exception {
        VerificationKey pssOid = pssOidForm(rsa.publicKey());
        assertThat(pssOid.keyid()).as("one key, one keyid, whatever its encoding").isEqualTo(rsa.keyid());
        List<TrustedKey> store = List.of(trusted(rsa), TrustedKey.unscoped(pssOid));
        List<SignatureCheck.Signature> twice = List.of(sig(rsa, MESSAGE),
                new SignatureCheck.Signature(pssOid.keyid(), "rsa-pss-sha256", rsa.sign(MESSAGE)));
        assertThat(reasonOf(twice, store, 2)).isEqualTo(ReasonCode.SIGNATURE_INVALID);
        assertThat(check(twice, store, 1)).hasSize(1);
    }

    @Test
    void revokedSignerIsKeyRevokedEvenWithAValidSignature() {
        TrustedKey revoked = new TrustedKey(a.publicKey(), "old", List.of(), Instant.MAX, true, false);
        assertThat(reasonOf(List.of(sig(a, MESSAGE)), List.of(revoked), 1)).isEqualTo(ReasonCode.KEY_REVOKED);
    }

    @Test
    void expiredSignerIsKeyExpiredButTheLastValidInstantStillCounts() throws Exception {
        TrustedKey expired = new TrustedKey(a.publicKey(), "", List.of(), NOW.minusSeconds(1), false, false);
        assertThat(reasonOf(List.of(sig(a, MESSAGE)), List.of(expired), 1)).isEqualTo(ReasonCode.KEY_EXPIRED);
        TrustedKey endsNow = new TrustedKey(a.publicKey(), "", List.of(), NOW, false, false);
        assertThat(check(List.of(sig(a, MESSAGE)), List.of(endsNow), 1)).hasSize(1);
    }

    @Test
    void aRevokedCoSignerDoesNotCountTowardTheThreshold() {
        TrustedKey revokedB = new TrustedKey(b.publicKey(), "", List.of(), Instant.MAX, true, false);
        assertThat(reasonOf(List.of(sig(a, MESSAGE), sig(b, MESSAGE)), List.of(trusted(a), revokedB), 2))
                .isEqualTo(ReasonCode.SIGNATURE_INVALID);
    }

    @Test
    void refusalMessagesAreSentencesNamingTheSignedThing() {
        assertThatThrownBy(() -> check(List.of(sig(a, MESSAGE)), List.of(trusted(a), trusted(b)), 2))
                .isInstanceOf(BundleException.class)
                .hasMessage("This bundle has 1 valid signature(s) from distinct trusted keys; 2 are required.");
    }

    static VerificationKey compressedForm(VerificationKey key) throws Exception {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.spki());
        byte[] point = ECNamedCurveTable.getByName("P-256").getCurve()
                .decodePoint(info.getPublicKeyData().getBytes()).getEncoded(true);
        return VerificationKey.fromSpki(new SubjectPublicKeyInfo(info.getAlgorithm(), point).getEncoded("DER"));
    }

    static VerificationKey pssOidForm(VerificationKey key) throws Exception {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.spki());
        return VerificationKey.fromSpki(new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS),
                info.getPublicKeyData().getBytes()).getEncoded("DER"));
    }
}
