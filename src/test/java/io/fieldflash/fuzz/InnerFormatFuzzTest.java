package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.VerificationKey;
import io.fieldflash.bundle.inner.EspChip;
import io.fieldflash.bundle.inner.InnerChecker;
import io.fieldflash.bundle.inner.InnerFormat;
import io.fieldflash.bundle.inner.InnerVectors;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated firmware images (seeded with every inner-format vector) through every inner-format checker, with boot
 * keys of every kind: each input must end in a typed verdict (never an exception), within the per-input time
 * and allocation bounds, with the same verdict whether the bytes arrive at once or in uneven pieces, and with the
 * input's true length and SHA-256.
 */
class InnerFormatFuzzTest {

    static final List<VerificationKey> KEYS = List.of(
            InnerVectors.key("mcuboot/ed25519.pub.pem"),
            InnerVectors.key("mcuboot/ecdsa-p256.pub.pem"),
            InnerVectors.key("mcuboot/rsa-2048.pub.pem"),
            InnerVectors.key("mcuboot/rsa-3072.pub.pem"),
            InnerVectors.key("esp-sbv2/rsa3072.pub.pem"),
            InnerVectors.key("esp-sbv2/ecdsa-p256.pub.pem"),
            InnerVectors.key("esp8266-signed/rsa2048.pub.pem"));

    /** Magic numbers and lengths of the four formats, little-endian as they appear in the files. */
    static final List<byte[]> DICTIONARY = List.of(
            new byte[] {0x3d, (byte) 0xb8, (byte) 0xf3, (byte) 0x96},
            new byte[] {0x08, 0x69}, new byte[] {0x07, 0x69},
            new byte[] {0x10, 0x00, 0x20, 0x00}, new byte[] {0x01, 0x00, 0x20, 0x00}, new byte[] {0x50, 0x00, 0x04, 0x00},
            new byte[] {(byte) 0xE7, 0x02}, new byte[] {(byte) 0xE7, 0x03},
            new byte[] {0x32, 0x54, (byte) 0xCD, (byte) 0xAB},
            new byte[] {(byte) 0xE9}, new byte[] {(byte) 0xE9, 0x10},
            new byte[] {0x00, 0x01, 0x00, 0x00},
            new byte[] {0x00, 0x00, 0x00, 0x01});

    @Test
    void everyImageGetsATypedVerdict() {
        List<byte[]> seeds = new ArrayList<>();
        InnerVectors.index().stream().map(InnerVectors.Entry::file).distinct().forEach(f -> seeds.add(InnerVectors.bytes(f)));
        int tried = Fuzz.run("inner-formats", 0x1A4E5L, seeds, DICTIONARY,
                new Fuzz.Limits(Duration.ofSeconds(3), 48L << 20), InnerFormatFuzzTest::checkAll);
        assertThat(tried).isGreaterThan(seeds.size());
    }

    static void checkAll(byte[] input) {
        String sha256 = AtomicFile.sha256Hex(input);
        for (InnerFormat format : InnerFormat.values()) {
            List<InnerChecker> twins = format == InnerFormat.ESP_APP || format == InnerFormat.ESP32_SBV2
                    ? List.of(format.checker(KEYS, EspChip.ESP32), format.checker(KEYS, EspChip.ESP32))
                    : List.of(format.checker(KEYS), format.checker(KEYS));
            twins.get(0).update(input, 0, input.length);
            InnerVerdict whole = twins.get(0).finish();
            Random random = new Random(sha256.hashCode());
            for (int off = 0; off < input.length; ) {
                int n = Math.min(input.length - off, 1 + random.nextInt(random.nextBoolean() ? 9 : 6000));
                twins.get(1).update(input, off, n);
                off += n;
            }
            InnerVerdict pieces = twins.get(1).finish();
            assertThat(whole.format()).isEqualTo(format);
            assertThat(whole.reason()).isNotNull();
            assertThat(whole.detail()).isNotBlank();
            assertThat(whole.facts()).isNotNull();
            assertThat(whole.length()).isEqualTo(input.length);
            assertThat(whole.sha256()).isEqualTo(sha256);
            assertThat(pieces).as("the same verdict in pieces").isEqualTo(whole);
        }
    }
}
