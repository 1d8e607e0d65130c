package io.fieldflash.bundle;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** A vendor's private key: signs bundles and trust updates. Read from and written as PKCS#8 PEM. */
public final class SigningKey {
    /** Default RSA modulus for new keys. */
    public static final int RSA_BITS = 3072;

    private final AsymmetricKeyParameter privateKey;
    private final VerificationKey publicKey;

    private SigningKey(AsymmetricKeyParameter privateKey, VerificationKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Makes a new key pair with the system's strong random source. */
    public static SigningKey generate(SignatureAlgorithm alg) {
        SecureRandom random = new SecureRandom();
        AsymmetricCipherKeyPair pair = switch (alg) {
            case ED25519 -> {
                Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
                g.init(new Ed25519KeyGenerationParameters(random));
                yield g.generateKeyPair();
            }
            case ECDSA_P256_SHA256 -> {
                ECKeyPairGenerator g = new ECKeyPairGenerator();
                ECNamedDomainParameters p256 = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
                        ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1));
                g.init(new ECKeyGenerationParameters(p256, random));
                yield g.generateKeyPair();
            }
            case RSA_PSS_SHA256 -> {
                RSAKeyPairGenerator g = new RSAKeyPairGenerator();
                g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), random, RSA_BITS, 112));
                yield g.generateKeyPair();
            }
        };
        try {
            return fromPrivate(pair.getPrivate());
        } catch (KeyException e) {
            throw new IllegalStateException("a freshly generated " + alg + " key was refused", e);
        }
    }

    /** Reads a PKCS#8 {@code PRIVATE KEY} PEM. */
    public static SigningKey fromPem(String pem) throws KeyException {
        byte[] der = Pem.decodeOne(pem, "PRIVATE KEY", "The private key file");
        try {
            return fromPrivate(PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(der)));
        } catch (IOException | RuntimeException e) {
            throw new KeyException("The private key is not a valid PKCS#8 key (" + e.getMessage() + ").", e);
        }
    }

    public static SigningKey read(Path file) throws KeyException {
        try {
            byte[] bytes = TrustStore.readAtMost(file, LaptopTrust.MAX_KEY_FILE_BYTES);
            if (bytes.length > LaptopTrust.MAX_KEY_FILE_BYTES) {
                throw new KeyException("The private key file is larger than " + LaptopTrust.MAX_KEY_FILE_BYTES + " bytes; a key file is a few kilobytes.");
            }
            return fromPem(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new KeyException("Cannot read the private key " + io.fieldflash.Printable.of(file.toString()) + ": " + io.fieldflash.Printable.cut(e.getMessage(), 200), e);
        } catch (KeyException e) {
            throw new KeyException(io.fieldflash.Printable.of(file.toString()) + ": " + e.getMessage(), e);
        }
    }

    private static SigningKey fromPrivate(AsymmetricKeyParameter priv) throws KeyException {
        AsymmetricKeyParameter pub = switch (priv) {
            case Ed25519PrivateKeyParameters ed -> ed.generatePublicKey();
            case ECPrivateKeyParameters ec -> new ECPublicKeyParameters(
                    ec.getParameters().getG().multiply(ec.getD()).normalize(), ec.getParameters());
            case RSAPrivateCrtKeyParameters rsa -> new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
            default -> throw new KeyException("Private keys of type " + priv.getClass().getSimpleName()
                    + " are not supported; use ed25519, P-256 or RSA.");
        };
        try {
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded("DER");
            return new SigningKey(priv, VerificationKey.fromSpki(spki));
        } catch (IOException e) {
            throw new KeyException("Cannot encode the public half of the key: " + e.getMessage(), e);
        }
    }

    public SignatureAlgorithm alg() {
        return publicKey.alg();
    }

    public VerificationKey publicKey() {
        return publicKey;
    }

    public String keyid() {
        return publicKey.keyid();
    }

    public byte[] sign(byte[] message) {
        return publicKey.alg().sign(privateKey, message);
    }

    /** The private key as PKCS#8 PEM. Keep it secret. */
    public String toPem() {
        try {
            return Pem.encode("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded("DER"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode private key", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey + "]";
    }
}
