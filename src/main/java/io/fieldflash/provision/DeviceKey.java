package io.fieldflash.provision;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;

/**
 * The device's RSA public key from {@code public-key}: a DER SubjectPublicKeyInfo (RSA-1024 on a Photon) that the
 * device sends from a fixed-size slot, so zero bytes follow it. The DER length says where the key ends; the rest
 * is ignored. A bare PKCS#1 RSAPublicKey is taken too.
 */
public record DeviceKey(RSAPublicKey key) {
    /** Smallest and largest modulus taken. */
    static final int MIN_BITS = 512;
    static final int MAX_BITS = 4096;

    /** Parses the upper-case hex of {@code "b"}. */
    public static DeviceKey parseHex(String hex) throws ProvisionException {
        if (hex.length() % 2 != 0 || hex.length() > 4096) throw bad("its hex has " + hex.length() + " digits");
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw bad("it is not hex");
        }
        return parseDer(bytes);
    }

    /** Parses the DER at the start of {@code bytes} (trailing bytes ignored). */
    public static DeviceKey parseDer(byte[] bytes) throws ProvisionException {
        byte[] der = Arrays.copyOf(bytes, derLength(bytes));
        RSAPublicKey key;
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            try {
                key = (RSAPublicKey) kf.generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException notSpki) {
                key = pkcs1(kf, der);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw bad("its DER is not an RSA public key");
        }
        int bits = key.getModulus().bitLength();
        if (bits < MIN_BITS || bits > MAX_BITS) throw bad("its modulus has " + bits + " bits");
        if (key.getPublicExponent().signum() <= 0 || !key.getPublicExponent().testBit(0)) throw bad("its exponent is unusable");
        return new DeviceKey(key);
    }

    /** The length of the outer DER SEQUENCE at the start of {@code b}, header included. */
    static int derLength(byte[] b) throws ProvisionException {
        if (b.length < 2 || b[0] != 0x30) throw bad("it does not start with a DER sequence");
        int first = b[1] & 0xff;
        int header;
        long length;
        if (first < 0x80) {
            header = 2;
            length = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 3 || b.length < 2 + n) throw bad("its DER length is unusable");
            length = 0;
            for (int i = 0; i < n; i++) length = (length << 8) | (b[2 + i] & 0xff);
            header = 2 + n;
        }
        if (header + length > b.length) throw bad("its DER says " + (header + length) + " bytes but only " + b.length + " came");
        return (int) (header + length);
    }

    /** A bare PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }. */
    private static RSAPublicKey pkcs1(KeyFactory kf, byte[] der) throws GeneralSecurityException {
        int[] pos = {der[1] < 0 ? 2 + (der[1] & 0x7f) : 2};
        BigInteger n = integer(der, pos);
        BigInteger e = integer(der, pos);
        if (pos[0] != der.length) throw new GeneralSecurityException("trailing bytes in RSAPublicKey");
        return (RSAPublicKey) kf.generatePublic(new RSAPublicKeySpec(n, e));
    }

    private static BigInteger integer(byte[] der, int[] pos) throws GeneralSecurityException {
        int p = pos[0];
        if (p + 2 > der.length || der[p] != 0x02) throw new GeneralSecurityException("expected an INTEGER");
        int first = der[p + 1] & 0xff;
        int len;
        p += 2;
        if (first < 0x80) {
            len = first;
        } else {
            int k = first & 0x7f;
            if (k == 0 || k > 2 || p + k > der.length) throw new GeneralSecurityException("bad INTEGER length");
            len = 0;
            for (int i = 0; i < k; i++) len = (len << 8) | (der[p++] & 0xff);
        }
        if (len == 0 || p + len > der.length) throw new GeneralSecurityException("bad INTEGER length");
        BigInteger v = new BigInteger(1, Arrays.copyOfRange(der, p, p + len));
        pos[0] = p + len;
        return v;
    }

    /** The modulus size in bits. */
    public int bits() {
        return key.getModulus().bitLength();
    }

    /** The most bytes RSA PKCS#1 v1.5 carries under this key. */
    public int maxPlaintextBytes() {
        return (bits() + 7) / 8 - 11;
    }

    /** {@code password} as UTF-8, RSA PKCS#1 v1.5-encrypted under the key, as hex: {@code pwd} of configure-ap. */
    public String encryptHex(String password) {
        byte[] plain = password.getBytes(StandardCharsets.UTF_8);
        if (plain.length > maxPlaintextBytes()) {
            throw new IllegalArgumentException("the password is " + plain.length + " bytes; the device key carries at most " + maxPlaintextBytes());
        }
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, key);
            return HexFormat.of().formatHex(rsa.doFinal(plain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA PKCS#1 v1.5 encryption is not available in this Java", e);
        }
    }

    private static ProvisionException bad(String why) {
        return new ProvisionException(ProvisionException.Reason.BAD_KEY,
                "The device's public key cannot be used: " + why + ".",
                "Check that the address is a Particle device in listening mode; if it is, reset it (hold SETUP) and try again.");
    }
}
