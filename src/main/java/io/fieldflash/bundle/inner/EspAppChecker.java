package io.fieldflash.bundle.inner;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Checks an ESP application image as esptool writes it and the ESP-IDF bootloader reads it: the 8-byte header
 * (magic 0xE9, segment count), on ESP32-family chips the 16-byte extended header (chip id, hash_appended),
 * each segment's 8-byte header and data, zero padding up to the checksum byte at the last byte of a 16-byte
 * block (0xEF XOR every segment data byte), then, when hash_appended, a SHA-256 of everything before it.
 * The {@code esp_app_desc_t} is read from the start of the first segment, where ESP-IDF places it.
 *
 * <p>Memory: a 256-byte descriptor copy and a few header bytes, whatever the image's length.
 */
public final class EspAppChecker implements InnerChecker {
    static final int MAGIC = 0xE9;
    static final int MAX_SEGMENTS = 16;
    static final long MAX_SEGMENT_LENGTH = 0x1000000; // ESP-IDF: data_len must be below 16 MiB
    static final int CHECKSUM_SEED = 0xEF;
    static final long APP_DESC_MAGIC = 0xABCD5432L;
    static final int APP_DESC_LENGTH = 256;
    private static final int COMMON_HEADER = 8;
    private static final int EXTENDED_HEADER = 16;
    private static final int SEGMENT_HEADER = 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private enum Stage { COMMON, EXTENDED, SEGMENT_HEADER, SEGMENT_DATA, PAD, CHECKSUM, HASH, AFTER, FAILED }

    private final Optional<EspChip> expected;
    private final boolean embedded;
    private final Sha256 sha = new Sha256();

    private final byte[] peek = new byte[COMMON_HEADER + EXTENDED_HEADER];
    private int peekLength;
    private boolean started;

    private Stage stage = Stage.COMMON;
    private final byte[] small = new byte[32];
    private int smallLength;
    private long pos;
    private boolean esp32Family;
    private int chipId = -1;
    private int segmentCount;
    private int segmentIndex;
    private long segmentRemaining;
    private boolean hashAppended;
    private long xor;
    private final byte[] descriptor = new byte[APP_DESC_LENGTH];
    private int descriptorLength;
    private int storedChecksum = -1;
    private byte[] prefixDigest;
    private byte[] storedHash;
    private long imageEnd = -1;
    private long trailing;
    private InnerReason failure;
    private String failureDetail;
    private String detail;
    private InnerVerdict verdict;

    /**
     * @param expected the device's chip, when known
     * @param embedded true inside a signature container: bytes after the image (its padding) are the
     *                 container's business
     */
    EspAppChecker(Optional<EspChip> expected, boolean embedded) {
        this.expected = expected;
        this.embedded = embedded;
    }

    @Override
    public void update(byte[] b, int off, int len) {
        if (verdict != null) throw new IllegalStateException("the image was already finished");
        if (!started) {
            int take = Math.min(len, peek.length - peekLength);
            System.arraycopy(b, off, peek, peekLength, take);
            peekLength += take;
            off += take;
            len -= take;
            if (peekLength < peek.length) return;
            start();
        }
        parse(b, off, len);
    }

    /** Decides between the ESP8266 and the ESP32-family layout from the first bytes, then parses them. */
    private void start() {
        started = true;
        if (expected.isPresent()) {
            esp32Family = expected.get() != EspChip.ESP8266;
        } else {
            // esptool image_info's rule: a known chip id and a 0/1 hash_appended byte mean an extended header.
            esp32Family = peekLength == peek.length && (peek[23] == 0 || peek[23] == 1)
                    && EspChip.byImageChipId(Le.u16(peek, 12)).isPresent();
        }
        parse(peek, 0, peekLength);
    }

    private void parse(byte[] b, int off, int len) {
        settle();
        while (len > 0) {
            int take = switch (stage) {
                case COMMON -> collect(b, off, len, COMMON_HEADER);
                case EXTENDED -> collect(b, off, len, EXTENDED_HEADER);
                case SEGMENT_HEADER -> collect(b, off, len, SEGMENT_HEADER);
                case CHECKSUM -> collect(b, off, len, 1);
                case HASH -> collect(b, off, len, 32);
                case SEGMENT_DATA -> segmentData(b, off, len);
                case PAD -> (int) Math.min(len, padNeeded());
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
            if (stage == Stage.PAD && padNeeded() == 0) stage = Stage.CHECKSUM;
            if (smallLength > 0 && smallLength == need()) {
                smallLength = 0;
                headerComplete();
            }
            settle();
        }
    }

    private int need() {
        return switch (stage) {
            case COMMON -> COMMON_HEADER;
            case EXTENDED -> EXTENDED_HEADER;
            case SEGMENT_HEADER -> SEGMENT_HEADER;
            case CHECKSUM -> 1;
            case HASH -> 32;
            default -> -1;
        };
    }

    private int collect(byte[] b, int off, int len, int size) {
        int take = Math.min(len, size - smallLength);
        System.arraycopy(b, off, small, smallLength, take);
        smallLength += take;
        return take;
    }

    private long padNeeded() {
        return (15 - pos % 16 + 16) % 16;
    }

    private int segmentData(byte[] b, int off, int len) {
        int take = (int) Math.min(len, segmentRemaining);
        if (segmentIndex == 0 && descriptorLength < APP_DESC_LENGTH) {
            int d = Math.min(take, APP_DESC_LENGTH - descriptorLength);
            System.arraycopy(b, off, descriptor, descriptorLength, d);
            descriptorLength += d;
        }
        xor ^= xorBytes(b, off, off + take);
        segmentRemaining -= take;
        return take;
    }

    /**
     * The XOR of {@code b[from..to)} as eight byte lanes (folded to one byte by {@link #checksum}). Four independent
     * accumulators let the JIT vectorise the loop; one chain of XORs would run at a word per cycle at best
     * (64 MiB: about 2 ms instead of 15). A small static method of its own, so that it is compiled whole.
     */
    static long xorBytes(byte[] b, int from, int to) {
        long a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = from;
        for (; i + 32 <= to; i += 32) {
            a0 ^= (long) LONGS.get(b, i);
            a1 ^= (long) LONGS.get(b, i + 8);
            a2 ^= (long) LONGS.get(b, i + 16);
            a3 ^= (long) LONGS.get(b, i + 24);
        }
        for (; i + 8 <= to; i += 8) {
            a0 ^= (long) LONGS.get(b, i);
        }
        for (; i < to; i++) {
            a0 ^= b[i] & 0xffL;
        }
        return a0 ^ a1 ^ a2 ^ a3;
    }

    /** Moves past stages that take no bytes (an empty segment, no padding needed). */
    private void settle() {
        while (true) {
            if (stage == Stage.SEGMENT_DATA && segmentRemaining == 0) {
                segmentIndex++;
                stage = segmentIndex < segmentCount ? Stage.SEGMENT_HEADER : Stage.PAD;
            } else if (stage == Stage.PAD && padNeeded() == 0) {
                stage = Stage.CHECKSUM;
            } else {
                return;
            }
        }
    }

    private void headerComplete() {
        switch (stage) {
            case COMMON -> {
                if (Le.u8(small, 0) != MAGIC) {
                    fail(InnerReason.BAD_MAGIC, String.format("The image starts with 0x%02X, not the ESP image magic 0xE9.", Le.u8(small, 0)));
                    return;
                }
                segmentCount = Le.u8(small, 1);
                if (segmentCount == 0 || segmentCount > MAX_SEGMENTS) {
                    fail(InnerReason.BAD_SEGMENT_COUNT, "The image header gives " + segmentCount
                            + " segments; an ESP image has 1 to " + MAX_SEGMENTS + ".");
                    return;
                }
                stage = esp32Family ? Stage.EXTENDED : Stage.SEGMENT_HEADER;
            }
            case EXTENDED -> {
                chipId = Le.u16(small, 4);
                int appended = Le.u8(small, 15);
                if (appended > 1) {
                    fail(InnerReason.BAD_HEADER, String.format("The extended header's hash_appended byte is 0x%02X, not 0 or 1.", appended));
                    return;
                }
                hashAppended = appended == 1;
                stage = Stage.SEGMENT_HEADER;
            }
            case SEGMENT_HEADER -> {
                long length = Le.u32(small, 4);
                if (length % 4 != 0 || length >= MAX_SEGMENT_LENGTH) {
                    fail(InnerReason.BAD_SEGMENT, String.format("Segment %d of %d (load address 0x%08X) has length %d: "
                                    + "a segment's length must be a multiple of 4 and below 16 MiB.",
                            segmentIndex + 1, segmentCount, Le.u32(small, 0), length));
                    return;
                }
                segmentRemaining = length;
                stage = Stage.SEGMENT_DATA;
            }
            case CHECKSUM -> {
                storedChecksum = Le.u8(small, 0);
                if (hashAppended) {
                    prefixDigest = sha.snapshot();
                    stage = Stage.HASH;
                } else {
                    imageEnd = pos;
                    stage = Stage.AFTER;
                }
            }
            case HASH -> {
                storedHash = Arrays.copyOf(small, 32);
                imageEnd = pos;
                stage = Stage.AFTER;
            }
            default -> throw new IllegalStateException("no header in stage " + stage);
        }
    }

    private void fail(InnerReason reason, String detail) {
        failure = reason;
        failureDetail = detail;
        stage = Stage.FAILED;
    }

    /** Where the image ended (after its checksum or appended hash), or -1 while it has not. */
    long imageEnd() {
        return imageEnd;
    }

    /** The running SHA-256 over every byte given so far; a container takes its own prefix digests from it. */
    Sha256 sha() {
        return sha;
    }

    /** The bytes given so far. */
    long position() {
        return started ? pos : peekLength;
    }

    @Override
    public InnerVerdict finish() {
        if (verdict != null) return verdict;
        if (!started) start();
        InnerFacts facts = facts();
        String digest = Sha256.hex(sha.snapshot());
        verdict = new InnerVerdict(InnerFormat.ESP_APP, judge(), detail, facts, pos, digest);
        return verdict;
    }

    private InnerReason judge() {
        if (failure != null) {
            detail = failureDetail;
            return failure;
        }
        if (stage != Stage.AFTER) {
            detail = "The image ends after " + pos + " bytes, " + where() + ".";
            return InnerReason.TRUNCATED;
        }
        int computed = checksum();
        if (computed != storedChecksum) {
            detail = String.format("The checksum byte is 0x%02X but the segment data gives 0x%02X.", storedChecksum, computed);
            return InnerReason.BAD_CHECKSUM;
        }
        if (hashAppended && !MessageDigest.isEqual(prefixDigest, storedHash)) {
            detail = String.format("The appended SHA-256 does not match bytes 0x0-0x%X of the image.", imageEnd - 33);
            return InnerReason.BAD_SHA256;
        }
        if (expected.isPresent() && esp32Family) {
            int want = expected.get().imageChipId().orElseThrow();
            if (chipId != want) {
                detail = "The image's extended header gives chip id " + EspChip.describeChipId(chipId)
                        + ", but the device is an " + expected.get().label() + " (chip id " + want + ").";
                return InnerReason.WRONG_CHIP;
            }
        }
        if (!embedded && trailing > 0) {
            detail = trailing + " bytes follow the end of the image (at " + imageEnd + " bytes). A signed image "
                    + "must be named as its signature format (esp32-sbv2), not esp-app.";
            return InnerReason.TRAILING_DATA;
        }
        detail = "A well-formed " + (esp32Family ? EspChip.describeChipId(chipId) : "ESP8266") + " image of "
                + segmentCount + " segments; checksum" + (hashAppended ? " and appended SHA-256" : "") + " valid.";
        return InnerReason.OK;
    }

    private String where() {
        return switch (stage) {
            case COMMON, EXTENDED -> "inside the image header";
            case SEGMENT_HEADER, SEGMENT_DATA -> "inside segment " + (segmentIndex + 1) + " of " + segmentCount;
            case PAD, CHECKSUM -> "before the checksum byte";
            case HASH -> "inside the appended SHA-256";
            default -> "early";
        };
    }

    private int checksum() {
        long x = xor;
        x ^= x >>> 32;
        x ^= x >>> 16;
        x ^= x >>> 8;
        return (int) ((x ^ CHECKSUM_SEED) & 0xff);
    }

    private InnerFacts facts() {
        if (pos < COMMON_HEADER || failure == InnerReason.BAD_MAGIC) return new InnerFacts.None();
        Optional<EspChip> chip = esp32Family ? EspChip.byImageChipId(chipId) : Optional.of(EspChip.ESP8266);
        OptionalInt id = esp32Family && chipId >= 0 ? OptionalInt.of(chipId) : OptionalInt.empty();
        return new InnerFacts.EspApp(chip, id, segmentCount, hashAppended, imageEnd >= 0 ? imageEnd : pos, descriptor());
    }

    private Optional<InnerFacts.EspAppDescriptor> descriptor() {
        if (descriptorLength < APP_DESC_LENGTH || Le.u32(descriptor, 0) != APP_DESC_MAGIC) return Optional.empty();
        return Optional.of(new InnerFacts.EspAppDescriptor(
                text(16, 32), text(48, 32), Le.u32(descriptor, 4), text(112, 32), text(96, 16), text(80, 16),
                HexFormat.of().formatHex(descriptor, 144, 176)));
    }

    /** A fixed-size C string field: up to its first NUL. */
    private String text(int off, int size) {
        int end = off;
        while (end < off + size && descriptor[end] != 0) end++;
        return new String(descriptor, off, end - off, StandardCharsets.UTF_8);
    }
}
