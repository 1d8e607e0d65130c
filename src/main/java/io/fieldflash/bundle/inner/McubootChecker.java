package io.fieldflash.bundle.inner;

import io.fieldflash.bundle.VerificationKey;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Checks an MCUboot image as {@code bootutil_img_validate} does: the 32-byte header (magic 0x96f3b83d,
 * {@code ih_hdr_size}, {@code ih_protect_tlv_size}, {@code ih_img_size} counting the payload only, flags, version),
 * the protected TLV area (info magic 0x6908, its total equal to the header's), the unprotected TLV area (info
 * magic 0x6907), the SHA-256 TLV against the digest of header, payload and protected TLVs, and the signatures:
 * each KEYHASH (SHA-256 of the public key: SubjectPublicKeyInfo for EC and Ed25519, PKCS#1 RSAPublicKey for RSA)
 * or PUBKEY TLV names the key for the signature TLV that follows it; the image passes when one signature by a
 * boot key verifies. Ed25519 signs the 32-byte digest as its message; ECDSA P-256 and RSA-PSS (SHA-256, MGF1,
 * salt 32) sign the hashed region, so they are checked against the same digest.
 *
 * <p>Memory: the TLV areas, each at most 64 KiB by their 16-bit sizes; the payload is only hashed.
 */
public final class McubootChecker implements InnerChecker {
    static final long MAGIC = 0x96f3b83dL;
    static final int HEADER = 32;
    static final int PROT_INFO_MAGIC = 0x6908;
    static final int INFO_MAGIC = 0x6907;
    static final long FLAG_ENCRYPTED = 0x04 | 0x08;
    static final int TLV_KEYHASH = 0x01;
    static final int TLV_PUBKEY = 0x02;
    static final int TLV_SHA256 = 0x10;
    static final int TLV_SHA384 = 0x11;
    static final int TLV_SHA512 = 0x12;
    static final int TLV_RSA2048_PSS = 0x20;
    static final int TLV_ECDSA224 = 0x21;
    static final int TLV_ECDSA_SIG = 0x22;
    static final int TLV_RSA3072_PSS = 0x23;
    static final int TLV_ED25519 = 0x24;
    static final int TLV_SIG_PURE = 0x25;
    static final int TLV_SEC_CNT = 0x50;
    /** What MCUboot's allow list lets stand outside the protected area (plus the encryption key TLVs). */
    private static final List<Integer> UNPROTECTED_ALLOWED = List.of(TLV_KEYHASH, TLV_PUBKEY, TLV_SHA256, TLV_SHA384,
            TLV_SHA512, TLV_RSA2048_PSS, TLV_ECDSA224, TLV_ECDSA_SIG, TLV_RSA3072_PSS, TLV_ED25519, TLV_SIG_PURE,
            0x30, 0x31, 0x32, 0x33, 0x34);

    private enum Stage { HEADER, BODY, PROTECTED, INFO, UNPROTECTED, AFTER, FAILED }

    private final List<Candidate> keys;
    private final Sha256 sha = new Sha256();
    private Stage stage = Stage.HEADER;
    private byte[] target = new byte[HEADER];
    private int filled;
    private long pos;
    private int headerSize;
    private int protectedSize;
    private long imageSize;
    private long flags;
    private String version = "";
    private long tlvOffset;
    private byte[] header;
    private byte[] protectedArea = new byte[0];
    private byte[] unprotectedArea = new byte[0];
    private byte[] regionDigest;
    private long trailing;
    private InnerReason failure;
    private String failureDetail;
    private InnerVerdict verdict;

    /** A boot key with the bytes MCUboot hashes for KEYHASH (and carries in PUBKEY). */
    private record Candidate(BootKey key, byte[] encoded, byte[] hash) {}

    McubootChecker(List<VerificationKey> bootKeys) {
        this.keys = BootKey.of(bootKeys).stream().map(McubootChecker::candidate).toList();
    }

    private static Candidate candidate(BootKey key) {
        try {
            byte[] encoded = key.params() instanceof RSAKeyParameters rsa
                    ? new RSAPublicKey(rsa.getModulus(), rsa.getExponent()).getEncoded("DER")
                    : SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.params()).getEncoded("DER");
            Sha256 s = new Sha256();
            s.update(encoded, 0, encoded.length);
            return new Candidate(key, encoded, s.snapshot());
        } catch (IOException e) {
            throw new IllegalStateException("a public key cannot be encoded: " + e.getMessage(), e);
        }
    }

    @Override
    public void update(byte[] b, int off, int len) {
        if (verdict != null) throw new IllegalStateException("the image was already finished");
        while (len > 0) {
            int take = switch (stage) {
                case HEADER, PROTECTED, INFO, UNPROTECTED -> {
                    int t = Math.min(len, target.length - filled);
                    System.arraycopy(b, off, target, filled, t);
                    filled += t;
                    yield t;
                }
                case BODY -> (int) Math.min(len, tlvOffset - pos);
                case AFTER -> {
                    trailing += len;
                    yield len;
                }
                case FAILED -> len;
            };
            sha.update(b, off, take);
            pos += take;
            off += take;
            len -= take;
            advance();
        }
    }

    /** Moves to the next stage once the current one has all its bytes (some take none). */
    private void advance() {
        while (true) {
            switch (stage) {
                case HEADER -> {
                    if (filled < HEADER) return;
                    header = target;
                    readHeader();
                }
                case BODY -> {
                    if (pos < tlvOffset) return;
                    expect(Stage.PROTECTED, protectedSize);
                }
                case PROTECTED -> {
                    if (filled < target.length) return;
                    protectedArea = target;
                    regionDigest = sha.snapshot();
                    expect(Stage.INFO, 4);
                }
                case INFO -> {
                    if (filled < 4) return;
                    int magic = Le.u16(target, 0);
                    int total = Le.u16(target, 2);
                    if (magic != INFO_MAGIC || total < 4) {
                        fail(InnerReason.BAD_TLV, String.format("The TLV area at offset 0x%X starts with magic 0x%04X "
                                + "and total %d; MCUboot wants magic 0x6907 and a total of at least 4.", pos - 4, magic, total));
                        return;
                    }
                    expect(Stage.UNPROTECTED, total - 4);
                }
                case UNPROTECTED -> {
                    if (filled < target.length) return;
                    unprotectedArea = target;
                    stage = Stage.AFTER;
                }
                default -> {
                    return;
                }
            }
        }
    }

    private void expect(Stage next, int size) {
        stage = next;
        target = new byte[size];
        filled = 0;
    }

    private void readHeader() {
        if (Le.u32(header, 0) != MAGIC) {
            fail(InnerReason.BAD_MAGIC, String.format("The image starts with 0x%08X, not the MCUboot magic 0x96F3B83D.",
                    Le.u32(header, 0)));
            return;
        }
        headerSize = Le.u16(header, 8);
        protectedSize = Le.u16(header, 10);
        imageSize = Le.u32(header, 12);
        flags = Le.u32(header, 16);
        version = Le.u8(header, 20) + "." + Le.u8(header, 21) + "." + Le.u16(header, 22) + "+" + Le.u32(header, 24);
        tlvOffset = headerSize + imageSize;
        if (headerSize < HEADER) {
            fail(InnerReason.BAD_HEADER, "The header gives a header size of " + headerSize + " bytes; it is at least 32.");
        } else if (protectedSize > 0 && protectedSize < 4) {
            fail(InnerReason.BAD_TLV, "The header gives a protected TLV area of " + protectedSize
                    + " bytes, too small for its own 4-byte info header.");
        } else if ((flags & FLAG_ENCRYPTED) != 0) {
            fail(InnerReason.UNSUPPORTED, String.format("The image is encrypted (flags 0x%X); FieldFlash cannot check "
                    + "the hash of an encrypted MCUboot image.", flags));
        } else {
            stage = Stage.BODY;
        }
    }

    private void fail(InnerReason reason, String detail) {
        failure = reason;
        failureDetail = detail;
        stage = Stage.FAILED;
    }

    /** One TLV: its type, which area holds it, and where its value is. */
    private record Tlv(int type, boolean protectedArea, byte[] area, int off, int len) {
        byte[] value() {
            return Arrays.copyOfRange(area, off, off + len);
        }
    }

    private enum Outcome { VERIFIED, BAD_SIGNATURE, UNTRUSTED_KEY, KEY_TYPE_MISMATCH }

    @Override
    public InnerVerdict finish() {
        if (verdict != null) return verdict;
        List<String> signatures = new ArrayList<>();
        OptionalLong counter = OptionalLong.empty();
        Optional<String> verifiedBy = Optional.empty();
        InnerReason reason;
        String detail;
        List<Tlv> tlvs = new ArrayList<>();
        String problem;
        if (failure != null) {
            reason = failure;
            detail = failureDetail;
        } else if (stage != Stage.AFTER) {
            reason = InnerReason.TRUNCATED;
            detail = "The image ends after " + pos + " bytes, " + switch (stage) {
                case HEADER -> "inside its 32-byte header.";
                case BODY -> "before the end of its payload at " + tlvOffset + " bytes.";
                default -> "inside its TLV areas.";
            };
        } else if ((problem = readTlvs(tlvs)) != null) {
            reason = InnerReason.BAD_TLV;
            detail = problem;
        } else {
            List<Tlv> hashes = tlvs.stream().filter(t -> t.type() == TLV_SHA256).toList();
            for (Tlv t : tlvs) {
                if (t.type() == TLV_SEC_CNT) counter = OptionalLong.of(Le.u32(t.area(), t.off()));
            }
            if (hashes.isEmpty()) {
                boolean other = tlvs.stream().anyMatch(t -> t.type() == TLV_SHA384 || t.type() == TLV_SHA512);
                reason = other ? InnerReason.UNSUPPORTED : InnerReason.MISSING_HASH;
                detail = other ? "The image is hashed with SHA-384 or SHA-512; FieldFlash checks SHA-256 MCUboot images."
                        : "The image has no SHA-256 TLV, which MCUboot requires.";
            } else if (!MessageDigest.isEqual(hashes.getFirst().value(), regionDigest)) {
                reason = InnerReason.HASH_MISMATCH;
                detail = "The SHA256 TLV does not match bytes 0x0-0x" + Long.toHexString(tlvOffset + protectedSize - 1)
                        + " (header, payload and protected TLVs): the image was changed after it was built.";
            } else {
                Outcome best = null;
                Candidate named = null;
                boolean keyNamed = false;
                for (Tlv t : tlvs) {
                    switch (t.type()) {
                        case TLV_KEYHASH -> {
                            keyNamed = true;
                            named = keys.stream().filter(c -> t.len() == 32 && Arrays.equals(c.hash(), t.value())).findFirst().orElse(null);
                        }
                        case TLV_PUBKEY -> {
                            keyNamed = true;
                            named = keys.stream().filter(c -> Arrays.equals(c.encoded(), t.value())).findFirst().orElse(null);
                        }
                        case TLV_RSA2048_PSS, TLV_ECDSA224, TLV_ECDSA_SIG, TLV_RSA3072_PSS, TLV_ED25519 -> {
                            signatures.add(signatureName(t.type()));
                            Outcome o = !keyNamed || named == null ? Outcome.UNTRUSTED_KEY : verify(named.key(), t);
                            if (best == null || o.ordinal() < best.ordinal()) best = o;
                            if (o == Outcome.VERIFIED && verifiedBy.isEmpty()) verifiedBy = Optional.of(named.key().keyid());
                            named = null;
                            keyNamed = false;
                        }
                        default -> { }
                    }
                }
                if (best == null) {
                    reason = InnerReason.UNSIGNED;
                    detail = "The image's SHA-256 is valid, but it carries no signature TLV.";
                } else if (keys.isEmpty()) {
                    reason = InnerReason.NO_BOOT_KEYS;
                    detail = "The image is signed (" + String.join(", ", signatures)
                            + "), but the manifest names no boot key to check it with.";
                } else {
                    reason = switch (best) {
                        case VERIFIED -> InnerReason.OK;
                        case BAD_SIGNATURE -> InnerReason.BAD_SIGNATURE;
                        case UNTRUSTED_KEY -> InnerReason.UNTRUSTED_KEY;
                        case KEY_TYPE_MISMATCH -> InnerReason.KEY_TYPE_MISMATCH;
                    };
                    detail = switch (best) {
                        case VERIFIED -> "Image " + version + " verified: SHA-256 and " + String.join(", ", signatures)
                                + " signature with boot key " + verifiedBy.orElseThrow() + ".";
                        case BAD_SIGNATURE -> "The key hash names a boot key and the SHA-256 is intact, but the signature does not verify.";
                        case UNTRUSTED_KEY -> "The image is signed by a key that is not among the device's boot keys "
                                + "(its KEYHASH matches none of them).";
                        case KEY_TYPE_MISMATCH -> "The signature TLV's kind (" + String.join(", ", signatures)
                                + ") does not fit the boot key its key hash names.";
                    };
                }
            }
        }
        InnerFacts facts = header == null || failure == InnerReason.BAD_MAGIC ? new InnerFacts.None()
                : new InnerFacts.Mcuboot(version, counter, headerSize, imageSize, flags,
                        regionDigest == null ? "" : Sha256.hex(regionDigest), List.copyOf(signatures), verifiedBy, trailing);
        verdict = new InnerVerdict(InnerFormat.MCUBOOT, reason, detail, facts, pos, Sha256.hex(sha.snapshot()));
        return verdict;
    }

    /** Splits both TLV areas into entries; a sentence when they are malformed, else null. */
    private String readTlvs(List<Tlv> out) {
        if (protectedSize > 0) {
            int magic = Le.u16(protectedArea, 0);
            int total = Le.u16(protectedArea, 2);
            if (magic != PROT_INFO_MAGIC || total != protectedSize) {
                return String.format("The protected TLV area starts with magic 0x%04X and total %d; the header "
                        + "announces one of %d bytes with magic 0x6908.", magic, total, protectedSize);
            }
            String p = entries(protectedArea, 4, true, out);
            if (p != null) return p;
        }
        String p = entries(unprotectedArea, 0, false, out);
        if (p != null) return p;
        long counters = out.stream().filter(t -> t.type() == TLV_SEC_CNT).count();
        long hashes = out.stream().filter(t -> t.type() == TLV_SHA256).count();
        if (counters > 1 || hashes > 1) return "The image has more than one security counter or SHA256 TLV.";
        return null;
    }

    private String entries(byte[] area, int start, boolean protectedArea, List<Tlv> out) {
        int at = start;
        String where = protectedArea ? "protected" : "unprotected";
        while (at < area.length) {
            if (area.length - at < 4) return "The " + where + " TLV area ends inside a TLV header.";
            int type = Le.u16(area, at);
            int len = Le.u16(area, at + 2);
            if (len > area.length - at - 4) {
                return String.format("TLV 0x%02X in the %s area claims %d bytes, past the end of its area.", type, where, len);
            }
            if (type == TLV_SEC_CNT && (len != 4 || !protectedArea)) {
                return "The security counter TLV must be 4 bytes long and in the protected area.";
            }
            if (!protectedArea && !UNPROTECTED_ALLOWED.contains(type)) {
                return String.format("TLV 0x%02X is outside the protected area, where MCUboot allows only hashes, "
                        + "keys, signatures and encryption keys.", type);
            }
            if (type == TLV_SHA256 && len != 32) return "The SHA256 TLV is " + len + " bytes long, not 32.";
            out.add(new Tlv(type, protectedArea, area, at + 4, len));
            at += 4 + len;
        }
        return null;
    }

    private Outcome verify(BootKey key, Tlv t) {
        byte[] sig = t.value();
        return switch (t.type()) {
            case TLV_ED25519 -> !key.isEd25519() ? Outcome.KEY_TYPE_MISMATCH
                    : key.ed25519(regionDigest, sig) ? Outcome.VERIFIED : Outcome.BAD_SIGNATURE;
            case TLV_ECDSA_SIG -> !key.isP256() ? Outcome.KEY_TYPE_MISMATCH
                    : key.ecdsaDerOverDigest(regionDigest, trimDer(sig)) ? Outcome.VERIFIED : Outcome.BAD_SIGNATURE;
            case TLV_RSA2048_PSS, TLV_RSA3072_PSS -> key.rsaBytes() != (t.type() == TLV_RSA2048_PSS ? 256 : 384)
                    ? Outcome.KEY_TYPE_MISMATCH
                    : key.pssOverDigest(regionDigest, sig) ? Outcome.VERIFIED : Outcome.BAD_SIGNATURE;
            default -> Outcome.KEY_TYPE_MISMATCH;
        };
    }

    /** {@code imgtool sign --pad-sig} (for MCUboot before 1.5) pads ECDSA signatures to 72 bytes with zeros after the DER. */
    private static byte[] trimDer(byte[] sig) {
        if (sig.length < 2 || sig[0] != 0x30 || (sig[1] & 0x80) != 0) return sig;
        int der = 2 + sig[1];
        if (der >= sig.length) return sig;
        for (int i = der; i < sig.length; i++) {
            if (sig[i] != 0) return sig;
        }
        return Arrays.copyOf(sig, der);
    }

    private static String signatureName(int type) {
        return switch (type) {
            case TLV_RSA2048_PSS -> "rsa2048-pss";
            case TLV_ECDSA224 -> "ecdsa224";
            case TLV_ECDSA_SIG -> "ecdsa";
            case TLV_RSA3072_PSS -> "rsa3072-pss";
            case TLV_ED25519 -> "ed25519";
            default -> String.format("0x%02x", type);
        };
    }
}
