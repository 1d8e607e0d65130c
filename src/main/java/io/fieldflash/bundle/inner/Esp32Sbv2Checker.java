package io.fieldflash.bundle.inner;

import io.fieldflash.AtomicFile;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;

/**
 * Checks an ESP32 Secure Boot V2 signed application image ({@code espsecure sign_data --version 2}): the
 * application image, 0xFF padding to a 4 KiB boundary, then a 4 KiB signature sector with up to three
 * 1216-byte signature blocks. Each block: magic 0xE7, version 0x02 (RSA-3072) or 0x03 (ECDSA), the SHA-256 of
 * the signed area (image and padding), the public key and the signature as little-endian numbers, and a zlib
 * CRC32 of its first 1196 bytes. As the ROM does, a block's public key counts only when it is a boot key
 * (the same bytes whose SHA-256 is burned into eFuse), and a signature counts only when it verifies.
 *
 * <p>The last 4 KiB are held back while the image streams; every earlier byte goes to the application-image
 * check, whose running SHA-256 gives the signed area's digest. The application image inside is checked as an
 * {@code esp-app} once the signature has passed.
 */
public final class Esp32Sbv2Checker implements InnerChecker {
    static final int SECTOR = 4096;
    static final int BLOCK = 1216;
    static final int MAX_BLOCKS = 3;
    static final int BLOCK_MAGIC = 0xE7;
    static final int VERSION_RSA = 0x02;
    static final int VERSION_ECDSA = 0x03;
    static final int CRC_COVERS = 1196;
    private static final int RSA_BYTES = 384;
    private static final int RSA_KEY_END = 812; // n, e, R^-1 mod n, m' (bytes 36-811)
    private static final int ECDSA_KEY_END = 101; // curve id, X, Y (bytes 36-100)

    private final List<BootKey> keys;
    private final Optional<EspChip> chip;
    private final EspAppChecker app;
    private final TailBuffer held;
    private long length;
    private InnerVerdict verdict;

    Esp32Sbv2Checker(List<io.fieldflash.bundle.VerificationKey> bootKeys, Optional<EspChip> chip) {
        this.keys = BootKey.of(bootKeys);
        this.chip = chip;
        this.app = new EspAppChecker(chip, true);
        this.held = new TailBuffer(SECTOR, app::update);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        if (verdict != null) throw new IllegalStateException("the image was already finished");
        length += len;
        held.push(b, off, len);
    }

    private enum Outcome { VERIFIED, BAD_SIGNATURE, UNTRUSTED_KEY, KEY_TYPE_MISMATCH }

    @Override
    public InnerVerdict finish() {
        if (verdict != null) return verdict;
        InnerVerdict inner = app.finish();
        byte[] sector = held.tail();
        long signedLength = length - sector.length;
        String whole = Sha256.hex(app.sha().snapshotWith(sector, 0, sector.length));
        List<InnerFacts.Sbv2Block> blocks = new ArrayList<>();
        Optional<String> verifiedBy = Optional.empty();
        String verifiedScheme = "";
        InnerReason reason;
        String detail;

        if (sector.length < SECTOR || signedLength == 0) {
            reason = InnerReason.TRUNCATED;
            detail = "The file has " + length + " bytes: too short for an image followed by a 4 KiB signature sector.";
        } else if (length % SECTOR != 0) {
            reason = InnerReason.BAD_LAYOUT;
            detail = "The file has " + length + " bytes, not a multiple of 4096: a Secure Boot V2 image is padded to 4 KiB "
                    + "and ends with a 4 KiB signature sector.";
        } else {
            byte[] signedDigest = app.sha().snapshot();
            boolean crcBroken = false;
            boolean digestMismatch = false;
            Outcome best = null;
            for (int i = 0; i < MAX_BLOCKS; i++) {
                int off = i * BLOCK;
                int magic = Le.u8(sector, off);
                int version = Le.u8(sector, off + 1);
                if (magic != BLOCK_MAGIC || (version != VERSION_RSA && version != VERSION_ECDSA)) continue;
                CRC32 crc = new CRC32();
                crc.update(sector, off, CRC_COVERS);
                if (crc.getValue() != Le.u32(sector, off + CRC_COVERS)) {
                    crcBroken = true;
                    continue;
                }
                String scheme = scheme(sector, off, version);
                int keyEnd = version == VERSION_RSA ? RSA_KEY_END : ECDSA_KEY_END;
                byte[] keyBytes = Arrays.copyOfRange(sector, off + 36, off + keyEnd);
                blocks.add(new InnerFacts.Sbv2Block(i, scheme, AtomicFile.sha256Hex(keyBytes)));
                if (!Arrays.equals(sector, off + 4, off + 36, signedDigest, 0, 32)) {
                    digestMismatch = true;
                    continue;
                }
                Outcome outcome = Outcome.KEY_TYPE_MISMATCH;
                for (BootKey key : keys) {
                    Outcome o = check(key, version, sector, off, keyBytes, signedDigest);
                    if (o.ordinal() < outcome.ordinal()) outcome = o;
                    if (o == Outcome.VERIFIED) {
                        verifiedBy = Optional.of(key.keyid());
                        verifiedScheme = scheme;
                        break;
                    }
                }
                if (best == null || outcome.ordinal() < best.ordinal()) best = outcome;
                if (verifiedBy.isPresent()) break;
            }
            if (blocks.isEmpty()) {
                reason = crcBroken ? InnerReason.BAD_BLOCK_CRC : InnerReason.UNSIGNED;
                detail = crcBroken
                        ? "The signature sector has a signature block whose CRC32 does not match its contents, and no valid block."
                        : "The last 4 KiB hold no Secure Boot V2 signature block (magic 0xE7, version 2 or 3).";
            } else if (digestMismatch && verifiedBy.isEmpty()) {
                reason = InnerReason.DIGEST_MISMATCH;
                detail = "The SHA-256 of the signed area (bytes 0x0-0x" + Long.toHexString(signedLength - 1)
                        + ") differs from the digest stored in the signature block: the image was changed after signing.";
            } else if (keys.isEmpty()) {
                reason = InnerReason.NO_BOOT_KEYS;
                detail = "The image is signed, but the manifest names no boot key to check it with.";
            } else if (verifiedBy.isEmpty()) {
                reason = switch (best) {
                    case BAD_SIGNATURE -> InnerReason.BAD_SIGNATURE;
                    case UNTRUSTED_KEY -> InnerReason.UNTRUSTED_KEY;
                    default -> InnerReason.KEY_TYPE_MISMATCH;
                };
                detail = switch (best) {
                    case BAD_SIGNATURE -> "A signature block is by a boot key and its digest matches, but the signature does not verify.";
                    case UNTRUSTED_KEY -> "The signature blocks carry public keys that are not among the device's boot keys "
                            + "(block key digest " + blocks.getFirst().keyDigest() + ").";
                    default -> "The signature blocks are " + schemes(blocks) + ", and no boot key is of that kind "
                            + "(RSA-3072 for version 0x02 blocks, ECDSA P-256 for version 0x03).";
                };
            } else if (chip.isPresent() && !supports(chip.get(), verifiedScheme)) {
                reason = InnerReason.SCHEME_NOT_SUPPORTED;
                detail = "The image is signed with " + verifiedScheme + ", which the " + chip.get().label()
                        + "'s Secure Boot V2 does not check.";
            } else if (!inner.ok()) {
                reason = inner.reason();
                detail = "The signature is valid, but the application image inside is not: " + inner.detail();
            } else if (align(app.imageEnd()) != signedLength) {
                reason = InnerReason.BAD_LAYOUT;
                detail = "The application image ends at " + app.imageEnd() + " bytes, so the bootloader looks for the "
                        + "signature sector at " + align(app.imageEnd()) + ", but it is at " + signedLength + ".";
            } else {
                reason = InnerReason.OK;
                detail = "Signature block (" + verifiedScheme + ") verified with boot key " + verifiedBy.get() + ".";
            }
        }
        InnerFacts facts = new InnerFacts.Esp32Sbv2(inner.facts(), Math.max(signedLength, 0), List.copyOf(blocks), verifiedBy);
        verdict = new InnerVerdict(InnerFormat.ESP32_SBV2, reason, detail, facts, length, whole);
        return verdict;
    }

    private static Outcome check(BootKey key, int version, byte[] sector, int off, byte[] keyBytes, byte[] digest) {
        if (version == VERSION_RSA) {
            if (!(key.params() instanceof RSAKeyParameters rsa) || key.rsaBytes() != RSA_BYTES) return Outcome.KEY_TYPE_MISMATCH;
            if (!Arrays.equals(keyBytes, rsaKeyBytes(rsa))) return Outcome.UNTRUSTED_KEY;
            byte[] sig = Le.reversed(sector, off + RSA_KEY_END, RSA_BYTES);
            return key.pssOverDigest(digest, sig) ? Outcome.VERIFIED : Outcome.BAD_SIGNATURE;
        }
        if (!key.isP256() || Le.u8(sector, off + 36) != 2) return Outcome.KEY_TYPE_MISMATCH;
        if (!Arrays.equals(keyBytes, ecdsaKeyBytes((ECPublicKeyParameters) key.params()))) return Outcome.UNTRUSTED_KEY;
        BigInteger r = new BigInteger(1, Le.reversed(sector, off + 101, 32));
        BigInteger s = new BigInteger(1, Le.reversed(sector, off + 133, 32));
        return key.ecdsaOverDigest(digest, r, s) ? Outcome.VERIFIED : Outcome.BAD_SIGNATURE;
    }

    /** n, e, R^-1 = 2^(2*3072) mod n and m' = -n^-1 mod 2^32, as the block and the eFuse digest carry them. */
    static byte[] rsaKeyBytes(RSAKeyParameters rsa) {
        BigInteger n = rsa.getModulus();
        BigInteger rinv = BigInteger.ONE.shiftLeft(2 * RSA_BYTES * 8).mod(n);
        BigInteger twoTo32 = BigInteger.ONE.shiftLeft(32);
        long m = n.modInverse(twoTo32).negate().mod(twoTo32).longValue();
        byte[] out = new byte[RSA_KEY_END - 36];
        putLe(out, 0, n, RSA_BYTES);
        putU32(out, RSA_BYTES, rsa.getExponent().longValue());
        putLe(out, RSA_BYTES + 4, rinv, RSA_BYTES);
        putU32(out, 2 * RSA_BYTES + 4, m);
        return out;
    }

    /** Curve id 2 (P-256), then X and Y little-endian. */
    static byte[] ecdsaKeyBytes(ECPublicKeyParameters ec) {
        var q = ec.getQ().normalize();
        byte[] out = new byte[ECDSA_KEY_END - 36];
        out[0] = 2;
        putLe(out, 1, q.getAffineXCoord().toBigInteger(), 32);
        putLe(out, 33, q.getAffineYCoord().toBigInteger(), 32);
        return out;
    }

    private static void putLe(byte[] out, int off, BigInteger v, int size) {
        byte[] be = v.toByteArray();
        for (int i = 0; i < size && i < be.length; i++) {
            out[off + i] = be[be.length - 1 - i];
        }
    }

    private static void putU32(byte[] out, int off, long v) {
        for (int i = 0; i < 4; i++) {
            out[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static String scheme(byte[] sector, int off, int version) {
        if (version == VERSION_RSA) return "rsa3072";
        return switch (Le.u8(sector, off + 36)) {
            case 1 -> "ecdsa-p192";
            case 2 -> "ecdsa-p256";
            default -> "ecdsa-unknown-curve";
        };
    }

    private static boolean supports(EspChip chip, String scheme) {
        return scheme.equals("rsa3072") ? chip.sbv2Rsa() : chip.sbv2Ecdsa();
    }

    private static String schemes(List<InnerFacts.Sbv2Block> blocks) {
        return String.join(", ", blocks.stream().map(InnerFacts.Sbv2Block::scheme).distinct().toList());
    }

    private static long align(long end) {
        return (end + SECTOR - 1) / SECTOR * SECTOR;
    }
}
