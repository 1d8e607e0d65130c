package io.fieldflash.bundle;

import java.io.IOException;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * A public key that can check bundle signatures: its algorithm, its DER SubjectPublicKeyInfo, and its
 * keyid (lowercase hex SHA-256 of that DER).
 */
public final class VerificationKey {
    private final SignatureAlgorithm alg;
    private final byte[] spki;
    private final String keyid;
    private final String material;
    private final AsymmetricKeyParameter params;

    private VerificationKey(SignatureAlgorithm alg, byte[] spki, AsymmetricKeyParameter params) {
        this.alg = alg;
        this.spki = spki.clone();
        this.keyid = HexFormat.of().formatHex(SignatureAlgorithm.sha256(spki));
        this.material = materialOf(alg, params);
        this.params = params;
    }

    /**
     * The key itself, independent of how its SubjectPublicKeyInfo was encoded: one P-256 key has a compressed and
     * an uncompressed encoding, one RSA key an {@code rsaEncryption} and an {@code id-RSASSA-PSS} one, and so
     * two keyids. Thresholds count distinct keys by this, so one private key can never count twice.
     */
    private static String materialOf(SignatureAlgorithm alg, AsymmetricKeyParameter params) {
        HexFormat hex = HexFormat.of();
        return alg.id() + ":" + switch (params) {
            case org.bouncycastle.crypto.params.Ed25519PublicKeyParameters ed -> hex.formatHex(ed.getEncoded());
            case org.bouncycastle.crypto.params.ECPublicKeyParameters ec -> hex.formatHex(ec.getQ().getEncoded(false));
            case RSAKeyParameters rsa -> rsa.getModulus().toString(16) + ":" + rsa.getExponent().toString(16);
            default -> throw new IllegalStateException("unexpected key type " + params.getClass().getSimpleName());
        };
    }

    /**
     * Reads a DER SubjectPublicKeyInfo and works out its algorithm: Ed25519; EC on P-256 (and no
     * other curve); RSA ({@code rsaEncryption} or {@code id-RSASSA-PSS}) of at least 2048 bits.
     */
    public static VerificationKey fromSpki(byte[] der) throws KeyException {
        SubjectPublicKeyInfo info;
        AsymmetricKeyParameter params;
        byte[] canonical;
        try {
            info = SubjectPublicKeyInfo.getInstance(der);
            canonical = info.getEncoded("DER");
            params = PublicKeyFactory.createKey(info);
        } catch (IOException | RuntimeException e) {
            throw new KeyException("The public key is not a valid SubjectPublicKeyInfo (" + e.getMessage() + ").", e);
        }
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
            int bits = ((RSAKeyParameters) params).getModulus().bitLength();
            if (bits < SignatureAlgorithm.MIN_RSA_BITS) {
                throw new KeyException("The RSA public key has " + bits + " bits; at least "
                        + SignatureAlgorithm.MIN_RSA_BITS + " are required.");
            }
            alg = SignatureAlgorithm.RSA_PSS_SHA256;
        } else {
            throw new KeyException("The public key's algorithm (" + oid.getId()
                    + ") is not one of ed25519, ecdsa-p256-sha256, rsa-pss-sha256.");
        }
        return new VerificationKey(alg, canonical, params);
    }

    public SignatureAlgorithm alg() {
        return alg;
    }

    public String keyid() {
        return keyid;
    }

    /** True when {@code other} is the same public key, even if its SubjectPublicKeyInfo (and so its keyid) differs. */
    public boolean sameKeyAs(VerificationKey other) {
        return material.equals(other.material);
    }

    /** The DER SubjectPublicKeyInfo (a copy). */
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
