package io.fieldflash.bundle.inner;

import io.fieldflash.bundle.VerificationKey;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks an ESP8266 Arduino signed update as the core's {@code Updater} does: the last 4 bytes are the
 * signature's length as uint32 little-endian and must equal the key's length, 256 (RSA-2048); the 256 bytes
 * before them are an RSASSA-PKCS1-v1_5 signature, with the SHA-256 DigestInfo, of everything before the
 * signature. The container carries no key id, so each RSA-2048 boot key is tried.
 *
 * <p>The last 260 bytes are held back while the image streams; the rest is hashed once.
 */
public final class Esp8266SignedChecker implements InnerChecker {
    static final int SIGNATURE_LENGTH = 256;
    static final int TRAILER = SIGNATURE_LENGTH + 4;
    /** DER of DigestInfo { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING (32 bytes) } up to the digest. */
    static final byte[] SHA256_DIGEST_INFO = {
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
            0x04, 0x20};

    private final List<BootKey> keys;
    private final Sha256 sha = new Sha256();
    private final TailBuffer held = new TailBuffer(TRAILER, sha::update);
    private long length;
    private InnerVerdict verdict;

    Esp8266SignedChecker(List<VerificationKey> bootKeys) {
        this.keys = BootKey.of(bootKeys);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        if (verdict != null) throw new IllegalStateException("the image was already finished");
        length += len;
        held.push(b, off, len);
    }

    private enum Opened { VERIFIED, LEGACY, DATA_CHANGED, NOT_OPENED }

    @Override
    public InnerVerdict finish() {
        if (verdict != null) return verdict;
        byte[] tail = held.tail();
        String whole = Sha256.hex(sha.snapshotWith(tail, 0, tail.length));
        long dataLength = Math.max(0, length - TRAILER);
        Optional<String> verifiedBy = Optional.empty();
        InnerReason reason;
        String detail;
        if (length <= TRAILER) {
            reason = InnerReason.TRUNCATED;
            detail = "The file has " + length + " bytes: too short for data, a 256-byte signature and its length.";
        } else if (Le.u32(tail, SIGNATURE_LENGTH) != SIGNATURE_LENGTH) {
            reason = InnerReason.BAD_LENGTH;
            detail = "The last 4 bytes read " + Le.u32(tail, SIGNATURE_LENGTH)
                    + " as a little-endian length; the device's updater wants 256 (an RSA-2048 signature).";
        } else if (keys.isEmpty()) {
            reason = InnerReason.NO_BOOT_KEYS;
            detail = "The update is signed, but the manifest names no boot key to check it with.";
        } else if (keys.stream().noneMatch(k -> k.rsaBytes() == SIGNATURE_LENGTH)) {
            reason = InnerReason.KEY_TYPE_MISMATCH;
            detail = "An ESP8266 signed update needs an RSA-2048 boot key, and the manifest names none.";
        } else {
            byte[] digest = sha.snapshot();
            byte[] signature = Arrays.copyOf(tail, SIGNATURE_LENGTH);
            Opened best = Opened.NOT_OPENED;
            for (BootKey key : keys) {
                if (key.rsaBytes() != SIGNATURE_LENGTH) continue;
                Opened o = open(key.rsaRecover(signature), digest);
                if (o.ordinal() < best.ordinal()) best = o;
                if (o == Opened.VERIFIED) {
                    verifiedBy = Optional.of(key.keyid());
                    break;
                }
            }
            reason = switch (best) {
                case VERIFIED -> InnerReason.OK;
                case LEGACY -> InnerReason.LEGACY_SIGNATURE;
                case DATA_CHANGED, NOT_OPENED -> InnerReason.BAD_SIGNATURE;
            };
            detail = switch (best) {
                case VERIFIED -> "RSA-2048 PKCS#1 v1.5 SHA-256 signature verified with boot key " + verifiedBy.get() + ".";
                case LEGACY -> "The signature is PKCS#1 v1.5 over the bare SHA-256 digest, without the DigestInfo "
                        + "(signing.py --legacy); current ESP8266 cores refuse it.";
                case DATA_CHANGED -> "The signature is by a boot key, but over other data: the "
                        + dataLength + " signed bytes were changed after signing.";
                case NOT_OPENED -> "The signature does not verify with any RSA-2048 boot key: it was made with another "
                        + "key, or it was damaged. (The format names no key, so the two cannot be told apart.)";
            };
        }
        verdict = new InnerVerdict(InnerFormat.ESP8266_SIGNED, reason, detail,
                new InnerFacts.Esp8266Signed(dataLength, verifiedBy), length, whole);
        return verdict;
    }

    /** Reads a recovered EMSA-PKCS1-v1_5 block: 00 01 FF..FF 00 T. */
    private static Opened open(byte[] em, byte[] digest) {
        if (em.length != SIGNATURE_LENGTH || em[0] != 0 || em[1] != 1) return Opened.NOT_OPENED;
        int i = 2;
        while (i < em.length && em[i] == (byte) 0xff) i++;
        if (i - 2 < 8 || i >= em.length || em[i] != 0) return Opened.NOT_OPENED;
        int t = i + 1;
        int tLength = em.length - t;
        if (tLength == SHA256_DIGEST_INFO.length + 32
                && Arrays.equals(em, t, t + SHA256_DIGEST_INFO.length, SHA256_DIGEST_INFO, 0, SHA256_DIGEST_INFO.length)) {
            boolean same = java.security.MessageDigest.isEqual(Arrays.copyOfRange(em, t + SHA256_DIGEST_INFO.length, em.length), digest);
            return same ? Opened.VERIFIED : Opened.DATA_CHANGED;
        }
        if (tLength == 32) return Opened.LEGACY;
        return Opened.NOT_OPENED;
    }
}
