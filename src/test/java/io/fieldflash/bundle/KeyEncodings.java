package io.fieldflash.bundle;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.math.ec.ECPoint;

/** The other ways a SubjectPublicKeyInfo can spell one public key (see {@link VerificationKey}), as DER. */
public final class KeyEncodings {
    private KeyEncodings() {}

    /** Every non-canonical encoding of {@code key} that FieldFlash knows of, by a short name. */
    public static Map<String, byte[]> of(VerificationKey key) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.spki());
        byte[] data = info.getPublicKeyData().getBytes();
        switch (key.alg()) {
            case ECDSA_P256_SHA256 -> {
                ECPoint q = ECNamedCurveTable.getByName("P-256").getCurve().decodePoint(data);
                out.put("compressed point", der(new SubjectPublicKeyInfo(info.getAlgorithm(), q.getEncoded(true))));
                byte[] hybrid = q.getEncoded(false);
                hybrid[0] = (byte) (q.normalize().getAffineYCoord().testBitZero() ? 0x07 : 0x06);
                out.put("hybrid point", der(new SubjectPublicKeyInfo(info.getAlgorithm(), hybrid)));
            }
            case RSA_PSS_SHA256 -> out.put("id-RSASSA-PSS", der(new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS), data)));
            case ED25519 -> out.put("Ed25519 with NULL parameters", der(new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519, DERNull.INSTANCE), data)));
        }
        return out;
    }

    /** An RSA SubjectPublicKeyInfo ({@code rsaEncryption}) with any modulus and exponent. */
    public static byte[] rsa(BigInteger n, BigInteger e) {
        try {
            return der(new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    new RSAPublicKey(n, e)));
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }

    public static BigInteger modulus(VerificationKey rsaKey) {
        try {
            return RSAPublicKey.getInstance(SubjectPublicKeyInfo.getInstance(rsaKey.spki()).parsePublicKey()).getModulus();
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }

    public static String pem(byte[] der) {
        return Pem.encode("PUBLIC KEY", der);
    }

    private static byte[] der(SubjectPublicKeyInfo info) {
        try {
            return info.getEncoded("DER");
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }
}
