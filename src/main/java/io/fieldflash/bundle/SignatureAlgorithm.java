package io.fieldflash.bundle;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * The signature algorithms of a bundle, by their names in {@code signatures.json}.
 *
 * <p>Verification is a pure function of bytes and a key, built on Bouncy Castle's low-level API so
 * that every rule is ours and visible: ECDSA signatures must be strict DER (re-encoding must give
 * the same bytes, no trailing data), RSA-PSS uses SHA-256, MGF1-SHA-256, salt 32, and a signature
 * exactly as long as the modulus. Any malformed input verifies as {@code false}; nothing throws.
 */
public enum SignatureAlgorithm {
    ED25519("ed25519"),
    ECDSA_P256_SHA256("ecdsa-p256-sha256"),
    RSA_PSS_SHA256("rsa-pss-sha256");

    /** Smallest RSA modulus accepted, in bits. */
    public static final int MIN_RSA_BITS = 2048;
    /** Largest RSA modulus accepted, in bits: larger ones cost seconds each to read and check, for no gain. */
    public static final int MAX_RSA_BITS = 8192;
    static final int PSS_SALT_LENGTH = 32;

    private final String id;

    SignatureAlgorithm(String id) {
        this.id = id;
    }

    /** The name used in bundle files, e.g. {@code ed25519}. */
    public String id() {
        return id;
    }

    public static Optional<SignatureAlgorithm> byId(String id) {
        for (SignatureAlgorithm a : values()) {
            if (a.id.equals(id)) return Optional.of(a);
        }
        return Optional.empty();
    }

    /** Verifies {@code signature} over {@code message}; false for a bad signature or any malformed input. */
    boolean verify(AsymmetricKeyParameter key, byte[] message, byte[] signature) {
        try {
            return switch (this) {
                case ED25519 -> {
                    if (!(key instanceof Ed25519PublicKeyParameters pub) || signature.length != 64) yield false;
                    Ed25519Signer signer = new Ed25519Signer();
                    signer.init(false, pub);
                    signer.update(message, 0, message.length);
                    yield signer.verifySignature(signature);
                }
                case ECDSA_P256_SHA256 -> {
                    if (!(key instanceof ECPublicKeyParameters pub)) yield false;
                    BigInteger n = pub.getParameters().getN();
                    // StandardDSAEncoding.decode re-encodes and compares: only strict DER gets through.
                    BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(n, signature);
                    ECDSASigner signer = new ECDSASigner();
                    signer.init(false, pub);
                    yield signer.verifySignature(sha256(message), rs[0], rs[1]);
                }
                case RSA_PSS_SHA256 -> {
                    if (!(key instanceof RSAKeyParameters pub) || pub.isPrivate()) yield false;
                    int bits = pub.getModulus().bitLength();
                    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS || signature.length != (bits + 7) / 8) yield false;
                    PSSSigner signer = pss();
                    signer.init(false, pub);
                    signer.update(message, 0, message.length);
                    yield signer.verifySignature(signature);
                }
            };
        } catch (java.io.IOException | RuntimeException malformed) {
            return false;
        }
    }

    /** Signs {@code message} with a private key of this algorithm. */
    byte[] sign(AsymmetricKeyParameter privateKey, byte[] message) {
        try {
            return switch (this) {
                case ED25519 -> {
                    Ed25519Signer signer = new Ed25519Signer();
                    signer.init(true, privateKey);
                    signer.update(message, 0, message.length);
                    yield signer.generateSignature();
                }
                case ECDSA_P256_SHA256 -> {
                    // Deterministic k (RFC 6979): no dependence on the laptop's random source when signing.
                    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
                    signer.init(true, privateKey);
                    BigInteger[] rs = signer.generateSignature(sha256(message));
                    BigInteger n = ((org.bouncycastle.crypto.params.ECKeyParameters) privateKey).getParameters().getN();
                    yield StandardDSAEncoding.INSTANCE.encode(n, rs[0], rs[1]);
                }
                case RSA_PSS_SHA256 -> {
                    PSSSigner signer = pss();
                    CipherParameters params = new ParametersWithRandom(privateKey, new SecureRandom());
                    signer.init(true, params);
                    signer.update(message, 0, message.length);
                    yield signer.generateSignature();
                }
            };
        } catch (Exception e) {
            throw new IllegalStateException("signing with " + id + " failed: " + e.getMessage(), e);
        }
    }

    private static PSSSigner pss() {
        return new PSSSigner(new RSABlindedEngine(), new SHA256Digest(), new SHA256Digest(),
                PSS_SALT_LENGTH, PSSSigner.TRAILER_IMPLICIT);
    }

    static byte[] sha256(byte[] data) {
        SHA256Digest d = new SHA256Digest();
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    @Override
    public String toString() {
        return id;
    }
}
