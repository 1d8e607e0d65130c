package io.fieldflash.bundle.inner;

import io.fieldflash.bundle.VerificationKey;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * A boot key with its Bouncy Castle parameters, and the signature operations the bootloaders use, all over a
 * digest computed while the image streamed (never over the image itself): RSA-PSS and ECDSA on a prehashed
 * SHA-256, Ed25519 over the 32 digest bytes as a message, and the raw RSA public operation for PKCS#1 v1.5.
 * Nothing here throws on malformed input: a bad signature is {@code false}.
 */
record BootKey(VerificationKey key, AsymmetricKeyParameter params) {

    static final int PSS_SALT = 32;

    static List<BootKey> of(List<VerificationKey> keys) {
        return keys.stream().map(BootKey::of).toList();
    }

    static BootKey of(VerificationKey key) {
        try {
            return new BootKey(key, PublicKeyFactory.createKey(key.spki()));
        } catch (IOException | RuntimeException e) {
            // VerificationKey has parsed this SubjectPublicKeyInfo already.
            throw new IllegalStateException("a verified public key no longer parses: " + e.getMessage(), e);
        }
    }

    String keyid() {
        return key.keyid();
    }

    /** The RSA modulus length in bytes, or 0 for another kind of key. */
    int rsaBytes() {
        return params instanceof RSAKeyParameters rsa ? (rsa.getModulus().bitLength() + 7) / 8 : 0;
    }

    boolean isP256() {
        return params instanceof ECPublicKeyParameters ec
                && ec.getParameters().getCurve().getFieldSize() == 256;
    }

    boolean isEd25519() {
        return params instanceof Ed25519PublicKeyParameters;
    }

    /** RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) of a SHA-256 {@code digest}; {@code sig} big-endian. */
    boolean pssOverDigest(byte[] digest, byte[] sig) {
        if (!(params instanceof RSAKeyParameters rsa) || sig.length != rsaBytes() || digest.length != 32) return false;
        try {
            PSSSigner signer = PSSSigner.createRawSigner(new RSAEngine(), new SHA256Digest(), new SHA256Digest(),
                    PSS_SALT, PSSSigner.TRAILER_IMPLICIT);
            signer.init(false, rsa);
            signer.update(digest, 0, digest.length);
            return signer.verifySignature(sig);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** ECDSA over a SHA-256 {@code digest} with (r, s). */
    boolean ecdsaOverDigest(byte[] digest, BigInteger r, BigInteger s) {
        if (!(params instanceof ECPublicKeyParameters ec)) return false;
        try {
            ECDSASigner signer = new ECDSASigner();
            signer.init(false, ec);
            return signer.verifySignature(digest, r, s);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** ECDSA over a SHA-256 {@code digest} with a strict-DER signature. */
    boolean ecdsaDerOverDigest(byte[] digest, byte[] der) {
        if (!(params instanceof ECPublicKeyParameters ec)) return false;
        try {
            BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(ec.getParameters().getN(), der);
            return ecdsaOverDigest(digest, rs[0], rs[1]);
        } catch (IOException | RuntimeException malformed) {
            return false;
        }
    }

    /** Plain Ed25519 with {@code message} as the message. */
    boolean ed25519(byte[] message, byte[] sig) {
        if (!(params instanceof Ed25519PublicKeyParameters ed) || sig.length != 64) return false;
        try {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(false, ed);
            signer.update(message, 0, message.length);
            return signer.verifySignature(sig);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /**
     * The RSA public operation {@code sig^e mod n}, as many bytes as the modulus, or an empty array when the
     * signature is not a number below the modulus of the modulus's length.
     */
    byte[] rsaRecover(byte[] sig) {
        if (!(params instanceof RSAKeyParameters rsa) || sig.length != rsaBytes()) return new byte[0];
        if (new BigInteger(1, sig).compareTo(rsa.getModulus()) >= 0) return new byte[0];
        try {
            RSAEngine engine = new RSAEngine();
            engine.init(true, rsa);
            byte[] out = engine.processBlock(sig, 0, sig.length);
            if (out.length == sig.length) return out;
            byte[] padded = new byte[sig.length];
            System.arraycopy(out, 0, padded, sig.length - out.length, out.length);
            return padded;
        } catch (DataLengthException | IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
