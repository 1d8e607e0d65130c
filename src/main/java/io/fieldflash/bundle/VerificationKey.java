package io.fieldflash.bundle;

import io.fieldflash.Printable;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * A public key that can check bundle signatures: its algorithm, its canonical DER SubjectPublicKeyInfo, and its
 * keyid (lowercase hex SHA-256 of that canonical DER).
 *
 * <p>One key has exactly one identity. A SubjectPublicKeyInfo can spell one key in several ways (a P-256 point
 * compressed, uncompressed or "hybrid"; an RSA key under {@code rsaEncryption} or {@code id-RSASSA-PSS}; Ed25519
 * with or without NULL parameters; BER instead of DER). {@link #fromSpki} reads any of them and re-encodes the key
 * the one canonical way (what {@code fieldflash keys generate} writes): Ed25519 without parameters, P-256 as an
 * uncompressed point under the named curve, RSA under {@code rsaEncryption} with NULL parameters. The keyid,
 * equality, revocation, expiry, product scope and merging all go by that canonical form.
 */
public final class VerificationKey {
    /** Largest SubjectPublicKeyInfo read (an 8192-bit RSA key with a full-size exponent fits). */
    public static final int MAX_SPKI_BYTES = 4096;
    /**
     * Longest RSA public exponent, in bits (FIPS 186-5 asks for e &lt; 2^256): a huge exponent would make every
     * signature check as slow as signing.
     */
    static final int MAX_RSA_EXPONENT_BITS = 256;

    private final SignatureAlgorithm alg;
    private final byte[] spki;
    private final String keyid;
    private final AsymmetricKeyParameter params;

    private VerificationKey(SignatureAlgorithm alg, byte[] canonicalSpki, AsymmetricKeyParameter params) {
        this.alg = alg;
        this.spki = canonicalSpki.clone();
        this.keyid = HexFormat.of().formatHex(SignatureAlgorithm.sha256(canonicalSpki));
        this.params = params;
    }

    /**
     * Reads a DER SubjectPublicKeyInfo and works out its algorithm: Ed25519; EC on P-256 (and no other curve);
     * RSA ({@code rsaEncryption} or {@code id-RSASSA-PSS}) of 2048 to 8192 bits with an odd public exponent
     * 3 &le; e &lt; n, e &lt; 2^256. The key is kept in its canonical encoding (see the class comment), whatever the input's.
     * The RSA size and exponent are checked before any costly work on the key.
     */
    public static VerificationKey fromSpki(byte[] der) throws KeyException {
        if (der.length > MAX_SPKI_BYTES) {
            throw new KeyException("The public key is " + der.length + " bytes long; no key FieldFlash accepts is longer than "
                    + MAX_SPKI_BYTES + " bytes.");
        }
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyException("The public key is not a valid SubjectPublicKeyInfo (" + Printable.cut(e.getMessage(), 200) + ").", e);
        }
        if (info == null) throw new KeyException("The public key is empty.");
        ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
        SignatureAlgorithm alg;
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            alg = SignatureAlgorithm.ED25519;
        } else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            if (!SECObjectIdentifiers.secp256r1.equals(info.getAlgorithm().getParameters())) {
                throw new KeyException("The EC public key is not on the P-256 curve; only P-256 is accepted.");
            }
            alg = SignatureAlgorithm.ECDSA_P256_SHA256;
        } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption) || oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            checkRsa(info);
            alg = SignatureAlgorithm.RSA_PSS_SHA256;
        } else {
            throw new KeyException("The public key's algorithm (" + Printable.cut(oid.getId(), 80)
                    + ") is not one of ed25519, ecdsa-p256-sha256, rsa-pss-sha256.");
        }
        AsymmetricKeyParameter params;
        byte[] canonical;
        try {
            params = PublicKeyFactory.createKey(info);
            if (params instanceof RSAKeyParameters rsa) {
                // the canonical RSA form has no room for id-RSASSA-PSS parameters: keep modulus and exponent only
                params = new RSAKeyParameters(false, rsa.getModulus(), rsa.getExponent());
            }
            canonical = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(params).getEncoded("DER");
        } catch (IOException | RuntimeException e) {
            throw new KeyException("The public key is not a valid SubjectPublicKeyInfo (" + Printable.cut(e.getMessage(), 200) + ").", e);
        }
        return new VerificationKey(alg, canonical, params);
    }

    /** Size and exponent of an RSA key, read from its ASN.1 before the key is built (building one tests the modulus). */
    private static void checkRsa(SubjectPublicKeyInfo info) throws KeyException {
        RSAPublicKey rsa;
        try {
            rsa = RSAPublicKey.getInstance(info.parsePublicKey());
        } catch (IOException | RuntimeException e) {
            throw new KeyException("The RSA public key is not a valid RSAPublicKey (" + Printable.cut(e.getMessage(), 200) + ").", e);
        }
        BigInteger n = rsa.getModulus();
        BigInteger e = rsa.getPublicExponent();
        int bits = n.bitLength();
        if (n.signum() <= 0 || bits < SignatureAlgorithm.MIN_RSA_BITS || bits > SignatureAlgorithm.MAX_RSA_BITS) {
            throw new KeyException("The RSA public key has " + bits + " bits; " + SignatureAlgorithm.MIN_RSA_BITS + " to "
                    + SignatureAlgorithm.MAX_RSA_BITS + " are accepted.");
        }
        if (!n.testBit(0)) throw new KeyException("The RSA public key's modulus is even, so it is not an RSA modulus.");
        if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0 || e.compareTo(n) >= 0 || e.bitLength() > MAX_RSA_EXPONENT_BITS) {
            throw new KeyException("The RSA public key's exponent is " + (e.bitLength() <= 64 ? e.toString() : "a " + e.bitLength() + "-bit number")
                    + "; it must be odd, at least 3, smaller than the modulus and shorter than " + MAX_RSA_EXPONENT_BITS
                    + " bits (65537 is usual). Anyone could forge signatures for a key with exponent 1.");
        }
    }

    public SignatureAlgorithm alg() {
        return alg;
    }

    public String keyid() {
        return keyid;
    }

    /** The canonical DER SubjectPublicKeyInfo (a copy). */
    public byte[] spki() {
        return spki.clone();
    }

    /** The key as a {@code PUBLIC KEY} PEM block. */
    public String toPem() {
        return Pem.encode("PUBLIC KEY", spki);
    }

    /** True when {@code signature} is a valid signature of {@code message} with this key and algorithm. */
    public boolean verify(byte[] message, byte[] signature) {
        return alg.verify(params, message, signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey k && k.keyid.equals(keyid);
    }

    @Override
    public int hashCode() {
        return keyid.hashCode();
    }

    @Override
    public String toString() {
        return alg.id() + ":" + keyid;
    }
}
