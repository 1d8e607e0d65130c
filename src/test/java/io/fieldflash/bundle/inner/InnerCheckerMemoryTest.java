package io.fieldflash.bundle.inner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.VerificationKey;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each checker streams a 24 MiB image through a 64 KiB buffer and allocates a small fixed amount, not memory
 * in proportion to the image: what running it beside the bundle reader's single pass needs.
 */
class InnerCheckerMemoryTest {
    static final long MIB = 1L << 20;
    static final long ALLOWED = 2 * MIB;
    static final byte[] ZEROS = new byte[64 * 1024];

    /** Part of an image: some bytes, or a run of zero bytes. */
    record Part(byte[] bytes, long zeros) {
        static Part of(int... b) {
            byte[] out = new byte[b.length];
            for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
            return new Part(out, 0);
        }

        static Part of(byte[] b) {
            return new Part(b, 0);
        }

        static Part zeros(long n) {
            return new Part(new byte[0], n);
        }
    }

    static void feed(List<Part> image, Sink sink) {
        for (Part p : image) {
            sink.accept(p.bytes(), p.bytes().length);
            for (long left = p.zeros(); left > 0; ) {
                int n = (int) Math.min(left, ZEROS.length);
                sink.accept(ZEROS, n);
                left -= n;
            }
        }
    }

    interface Sink {
        void accept(byte[] b, int len);
    }

    static long length(List<Part> image) {
        return image.stream().mapToLong(p -> p.bytes().length + p.zeros()).sum();
    }

    static InnerVerdict measured(InnerFormat format, List<VerificationKey> keys, List<Part> image) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        InnerChecker c = format.checker(keys);
        feed(image, (b, len) -> c.update(b, 0, len));
        InnerVerdict v = c.finish();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as(format + ": bytes allocated for a " + (length(image) / MIB) + " MiB image").isLessThan(ALLOWED);
        assertThat(v.length()).isEqualTo(length(image));
        return v;
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** An ESP32 image of three zero segments of 8 MiB, no appended hash; the checksum is 0xEF. */
    static List<Part> espApp() {
        List<Part> parts = new ArrayList<>();
        parts.add(Part.of(0xE9, 3, 2, 0x20, 0, 0, 0x08, 0x40, 0xEE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        for (long seg : new long[] {8 * MIB, 8 * MIB, 8 * MIB}) {
            parts.add(Part.of(u32(0x3F400020L)));
            parts.add(Part.of(u32(seg)));
            parts.add(Part.zeros(seg));
        }
        parts.add(Part.zeros(15)); // 48 header bytes and 24 MiB: the checksum goes at the next block's last byte
        parts.add(Part.of(0xEF));
        return parts;
    }

    @Test
    void espAppStreamsInBoundedMemory() {
        InnerVerdict v = measured(InnerFormat.ESP_APP, List.of(), espApp());
        assertThat(v.reason()).as(v.detail()).isEqualTo(InnerReason.OK);
    }

    @Test
    void secureBootV2StreamsInBoundedMemory() {
        List<Part> image = new ArrayList<>(espApp());
        long length = length(image);
        byte[] pad = new byte[(int) ((4096 - length % 4096) % 4096)];
        java.util.Arrays.fill(pad, (byte) 0xFF);
        image.add(Part.of(pad));
        byte[] sector = new byte[4096];
        java.util.Arrays.fill(sector, (byte) 0xFF);
        image.add(Part.of(sector));
        InnerVerdict v = measured(InnerFormat.ESP32_SBV2, List.of(InnerVectors.key("esp-sbv2/rsa3072.pub.pem")), image);
        assertThat(v.reason()).isEqualTo(InnerReason.UNSIGNED);
    }

    @Test
    void esp8266SignedStreamsInBoundedMemory() {
        List<Part> image = List.of(Part.zeros(24 * MIB), Part.zeros(256), Part.of(0, 1, 0, 0));
        InnerVerdict v = measured(InnerFormat.ESP8266_SIGNED, List.of(InnerVectors.key("esp8266-signed/rsa2048.pub.pem")), image);
        assertThat(v.reason()).isEqualTo(InnerReason.BAD_SIGNATURE);
    }

    @Test
    void mcubootStreamsInBoundedMemory() throws Exception {
        byte[] header = new byte[32];
        System.arraycopy(u32(0x96f3b83dL), 0, header, 0, 4);
        header[8] = 32;
        System.arraycopy(u32(24 * MIB), 0, header, 12, 4);
        header[20] = 1;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        feed(List.of(Part.of(header), Part.zeros(24 * MIB)), (b, len) -> sha.update(b, 0, len));
        byte[] tlvs = new byte[4 + 36];
        tlvs[0] = 0x07;
        tlvs[1] = 0x69;
        tlvs[2] = 40;
        tlvs[4] = 0x10;
        tlvs[6] = 32;
        System.arraycopy(sha.digest(), 0, tlvs, 8, 32);
        InnerVerdict v = measured(InnerFormat.MCUBOOT, List.of(InnerVectors.key("mcuboot/ed25519.pub.pem")),
                List.of(Part.of(header), Part.zeros(24 * MIB), Part.of(tlvs)));
        assertThat(v.reason()).as(v.detail()).isEqualTo(InnerReason.UNSIGNED);
        assertThat(((InnerFacts.Mcuboot) v.facts()).version()).isEqualTo("1.0.0+0");
    }
}
