package io.fieldflash.device.espota;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two challenge–response schemes of ArduinoOTA, as both ends compute them. The device's {@code AUTH <nonce>}
 * says which: 32 hex digits is the MD5 scheme (esp8266/Arduino, arduino-esp32 before 3.3.1), 64 the SHA-256 scheme
 * (arduino-esp32 3.3.1 and later).
 *
 * <ul>
 *   <li>MD5: the device keeps {@code md5hex(password)}; the answer is {@code md5hex(passHash + ":" + nonce + ":" + cnonce)}.</li>
 *   <li>SHA-256: the device keeps {@code sha256hex(password)}; a key is derived with PBKDF2-HMAC-SHA256 from that hex text,
 *       salt {@code nonce + ":" + cnonce}, {@value #PBKDF2_ROUNDS} rounds, 32 bytes; the answer is
 *       {@code sha256hex(hex(key) + ":" + nonce + ":" + cnonce)}.</li>
 * </ul>
 * The client's nonce is the scheme's hash of {@code name + size + md5 + deviceAddress}, as espota.py makes it; only its
 * length matters to the device.
 */
public enum EspOtaAuth {
    MD5("MD5", 32),
    SHA256("SHA-256", 64);

    /** PBKDF2 rounds of the SHA-256 scheme. */
    public static final int PBKDF2_ROUNDS = 10_000;

    private final String digest;
    private final int hexLength;

    EspOtaAuth(String digest, int hexLength) {
        this.digest = digest;
        this.hexLength = hexLength;
    }

    /** Length of this scheme's nonces and answers, in hex digits. */
    public int hexLength() {
        return hexLength;
    }

    /** The scheme a device's nonce calls for; empty when the nonce is neither 32 nor 64 lowercase hex digits. */
    public static java.util.Optional<EspOtaAuth> forNonce(String nonce) {
        if (!nonce.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return java.util.Optional.empty();
        return switch (nonce.length()) {
            case 32 -> java.util.Optional.of(MD5);
            case 64 -> java.util.Optional.of(SHA256);
            default -> java.util.Optional.empty();
        };
    }

    /** What the device stores for {@code password} ({@code setPassword}). */
    public String passwordHash(String password) {
        return hex(password.getBytes(StandardCharsets.UTF_8));
    }

    /** The client nonce espota.py sends: the scheme's hash of name, size, image MD5 and the device's address. */
    public String clientNonce(String name, long size, String md5, String deviceAddress) {
        return hex((name + size + md5 + deviceAddress).getBytes(StandardCharsets.UTF_8));
    }

    /** The answer to {@code nonce}, from the stored password hash (as the device checks it). */
    public String response(String passwordHash, String nonce, String cnonce) {
        String key = switch (this) {
            case MD5 -> passwordHash;
            case SHA256 -> HexFormat.of().formatHex(pbkdf2(passwordHash, nonce + ":" + cnonce));
        };
        return hex((key + ":" + nonce + ":" + cnonce).getBytes(StandardCharsets.UTF_8));
    }

    private String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(digest).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digest + " is missing from this Java runtime", e);
        }
    }

    /** PBKDF2-HMAC-SHA256, one 32-byte block (RFC 8018), over the UTF-8 bytes of the texts. */
    static byte[] pbkdf2(String password, String salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));   // a hex text, never empty
            mac.update(salt.getBytes(StandardCharsets.UTF_8));
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] t = u.clone();
            for (int i = 1; i < PBKDF2_ROUNDS; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < t.length; j++) t[j] ^= u[j];
            }
            return t;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }
}
