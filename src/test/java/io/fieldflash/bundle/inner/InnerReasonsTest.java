package io.fieldflash.bundle.inner;

import static io.fieldflash.bundle.inner.TestImages.concat;
import static io.fieldflash.bundle.inner.TestImages.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.VerificationKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The reasons the shared vectors do not reach: each made by breaking one rule of a good image. */
class InnerReasonsTest {

    static InnerVerdict check(InnerChecker checker, byte[] image) {
        checker.update(image, 0, image.length);
        return checker.finish();
    }

    static byte[] vector(String name) {
        return InnerVectors.bytes(name);
    }

    static VerificationKey key(String name) {
        return InnerVectors.key(name);
    }

    @Nested
    class EspApp {
        final byte[] app = vector("esp-app/esp32-app.bin");

        InnerVerdict esp32(byte[] image) {
            return check(InnerFormat.ESP_APP.checker(List.of(), EspChip.ESP32), image);
        }

        @Test
        void everyCutInsideTheImageIsTruncated() {
            for (int cut : new int[] {0, 1, 7, 8, 23, 24, 31, 0x20, 0x1000, 0x10120, 0x10127, 0x10128, 0x1019E, 0x1019F, 0x101A0, 0x101BF}) {
                InnerVerdict v = esp32(Arrays.copyOf(app, cut));
                assertThat(v.reason()).as("cut at " + cut).isEqualTo(InnerReason.TRUNCATED);
                assertThat(v.length()).isEqualTo(cut);
            }
        }

        @Test
        void headerRules() {
            assertThat(esp32(with(app, 0, 0xEA)).reason()).isEqualTo(InnerReason.BAD_MAGIC);
            assertThat(esp32(with(app, 0, 0xEA)).facts()).isEqualTo(new InnerFacts.None());
            assertThat(esp32(with(app, 1, 0)).reason()).isEqualTo(InnerReason.BAD_SEGMENT_COUNT);
            assertThat(esp32(with(app, 1, 17)).reason()).isEqualTo(InnerReason.BAD_SEGMENT_COUNT);
            assertThat(esp32(with(app, 0x17, 2)).reason()).isEqualTo(InnerReason.BAD_HEADER);
        }

        @Test
        void segmentBounds() {
            InnerVerdict odd = esp32(with(app, 0x1C, 0x01, 0x01, 0x01, 0x00));
            assertThat(odd.reason()).isEqualTo(InnerReason.BAD_SEGMENT);
            assertThat(odd.detail()).contains("Segment 1 of 3").contains("0x3F400020");
            assertThat(esp32(with(app, 0x1C, 0x00, 0x00, 0x00, 0x01)).reason()).as("16 MiB").isEqualTo(InnerReason.BAD_SEGMENT);
            assertThat(esp32(with(app, 0x1C, 0x00, 0x00, 0x10, 0x00)).reason()).as("past the end").isEqualTo(InnerReason.TRUNCATED);
        }

        @Test
        void bytesAfterTheImageAreRefused() {
            byte[] longer = concat(app, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            InnerVerdict v = esp32(longer);
            assertThat(v.reason()).isEqualTo(InnerReason.TRAILING_DATA);
            assertThat(v.detail()).contains("esp32-sbv2");
        }

        @Test
        void esp8266ImagesHaveNoExtendedHeader() {
            byte[] image = TestImages.espApp(-1, false, new byte[] {1, 2, 3, 4}, new byte[8], new byte[] {5, 6, 7, 8, 9, 10, 11, 12});
            InnerVerdict v = check(InnerFormat.ESP_APP.checker(List.of(), EspChip.ESP8266), image);
            assertThat(v.reason()).as(v.detail()).isEqualTo(InnerReason.OK);
            InnerFacts.EspApp facts = (InnerFacts.EspApp) v.facts();
            assertThat(facts.chip()).contains(EspChip.ESP8266);
            assertThat(facts.chipId()).isEmpty();
            assertThat(facts.segments()).isEqualTo(3);
            assertThat(facts.descriptor()).isEmpty();
            assertThat(check(InnerFormat.ESP_APP.checker(List.of()), image).reason()).as("detected").isEqualTo(InnerReason.OK);
            assertThat(check(InnerFormat.ESP_APP.checker(List.of(), EspChip.ESP8266), with(image, image.length - 1, 0)).reason())
                    .isEqualTo(InnerReason.BAD_CHECKSUM);
        }

        @Test
        void imagesWithoutAppendedHashAndWithEmptySegments() {
            byte[] image = TestImages.espApp(5, false, new byte[0], new byte[] {9, 9, 9, 9}, new byte[0]);
            InnerVerdict v = check(InnerFormat.ESP_APP.checker(List.of(), EspChip.ESP32C3), image);
            assertThat(v.reason()).as(v.detail()).isEqualTo(InnerReason.OK);
            assertThat(((InnerFacts.EspApp) v.facts()).hashAppended()).isFalse();
            InnerVerdict wrong = check(InnerFormat.ESP_APP.checker(List.of(), EspChip.ESP32S3), image);
            assertThat(wrong.reason()).isEqualTo(InnerReason.WRONG_CHIP);
            assertThat(wrong.detail()).contains("5 (ESP32-C3)").contains("ESP32-S3");
        }

        @Test
        void aFinishedCheckerTakesNoMoreBytes() {
            InnerChecker c = InnerFormat.ESP_APP.checker(List.of());
            c.update(app, 0, app.length);
            InnerVerdict v = c.finish();
            assertThat(c.finish()).isSameAs(v);
            assertThatThrownBy(() -> c.update(app, 0, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Sbv2 {
        final byte[] rsaSigned = vector("esp-sbv2/esp32-app-sbv2-rsa3072.bin");
        final VerificationKey rsaKey = key("esp-sbv2/rsa3072.pub.pem");
        final byte[] app = vector("esp-app/esp32-app.bin");

        InnerVerdict sbv2(List<VerificationKey> keys, byte[] image) {
            return check(InnerFormat.ESP32_SBV2.checker(keys), image);
        }

        @Test
        void sizes() {
            assertThat(sbv2(List.of(rsaKey), Arrays.copyOf(rsaSigned, 4000)).reason()).isEqualTo(InnerReason.TRUNCATED);
            assertThat(sbv2(List.of(rsaKey), Arrays.copyOf(rsaSigned, 4096)).reason()).isEqualTo(InnerReason.TRUNCATED);
            assertThat(sbv2(List.of(rsaKey), concat(rsaSigned, new byte[1])).reason()).isEqualTo(InnerReason.BAD_LAYOUT);
            assertThat(sbv2(List.of(rsaKey), app).reason()).as("unsigned, unpadded").isEqualTo(InnerReason.BAD_LAYOUT);
        }

        @Test
        void aSectorWithoutBlocksIsUnsigned() {
            assertThat(sbv2(List.of(rsaKey), TestImages.padded(app, 1)).reason()).isEqualTo(InnerReason.UNSIGNED);
        }

        @Test
        void keysMustBeGivenAndMustBeTheBlocksOwn() {
            assertThat(sbv2(List.of(), rsaSigned).reason()).isEqualTo(InnerReason.NO_BOOT_KEYS);
            assertThat(sbv2(List.of(key("mcuboot/rsa-3072.pub.pem")), rsaSigned).reason()).isEqualTo(InnerReason.UNTRUSTED_KEY);
            assertThat(sbv2(List.of(key("mcuboot/ecdsa-p256.pub.pem")), vector("esp-sbv2/esp32-app-sbv2-ecdsa-p256.bin")).reason())
                    .isEqualTo(InnerReason.UNTRUSTED_KEY);
            assertThat(sbv2(List.of(key("mcuboot/rsa-3072.pub.pem"), key("mcuboot/ed25519.pub.pem"), rsaKey), rsaSigned).reason())
                    .isEqualTo(InnerReason.OK);
        }

        @Test
        void anyBlockByABootKeyIsEnough() {
            SigningKey trusted = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
            SigningKey other = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
            byte[] image = TestImages.sbv2Ecdsa(TestImages.padded(app, 0), other, trusted);
            InnerVerdict v = sbv2(List.of(trusted.publicKey()), image);
            assertThat(v.reason()).as(v.detail()).isEqualTo(InnerReason.OK);
            InnerFacts.Esp32Sbv2 facts = (InnerFacts.Esp32Sbv2) v.facts();
            assertThat(facts.blocks()).hasSize(2);
            assertThat(facts.verifiedBy()).contains(trusted.keyid());
            assertThat(sbv2(List.of(other.publicKey()), image).reason()).isEqualTo(InnerReason.OK);
            assertThat(sbv2(List.of(SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256).publicKey()), image).reason())
                    .isEqualTo(InnerReason.UNTRUSTED_KEY);
        }

        @Test
        void theSignatureSectorMustFollowTheAlignedImage() {
            SigningKey k = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
            InnerVerdict v = sbv2(List.of(k.publicKey()), TestImages.sbv2Ecdsa(TestImages.padded(app, 1), k));
            assertThat(v.reason()).isEqualTo(InnerReason.BAD_LAYOUT);
            assertThat(v.detail()).contains("69632").contains("73728");
        }

        @Test
        void aValidSignatureOverABrokenAppImageIsStillRefused() {
            SigningKey k = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
            byte[] broken = TestImages.padded(vector("esp-app/esp32-app-bad-checksum.bin"), 0);
            InnerVerdict v = sbv2(List.of(k.publicKey()), TestImages.sbv2Ecdsa(broken, k));
            assertThat(v.reason()).isEqualTo(InnerReason.BAD_CHECKSUM);
        }
    }

    @Nested
    class Esp8266 {
        final byte[] signed = vector("esp8266-signed/payload.bin.signed");
        final VerificationKey rsa2048 = key("esp8266-signed/rsa2048.pub.pem");

        InnerVerdict esp8266(List<VerificationKey> keys, byte[] image) {
            return check(InnerFormat.ESP8266_SIGNED.checker(keys), image);
        }

        @Test
        void rules() {
            assertThat(esp8266(List.of(rsa2048), Arrays.copyOfRange(signed, signed.length - 260, signed.length)).reason())
                    .as("no data").isEqualTo(InnerReason.TRUNCATED);
            assertThat(esp8266(List.of(rsa2048), new byte[0]).reason()).isEqualTo(InnerReason.TRUNCATED);
            assertThat(esp8266(List.of(), signed).reason()).isEqualTo(InnerReason.NO_BOOT_KEYS);
            assertThat(esp8266(List.of(key("mcuboot/rsa-3072.pub.pem"), key("mcuboot/ed25519.pub.pem")), signed).reason())
                    .isEqualTo(InnerReason.KEY_TYPE_MISMATCH);
            assertThat(esp8266(List.of(key("mcuboot/rsa-3072.pub.pem"), key("mcuboot/rsa-2048.pub.pem"), rsa2048), signed).reason())
                    .isEqualTo(InnerReason.OK);
        }
    }

    @Nested
    class Mcuboot {
        final byte[] ed = vector("mcuboot/signed-ed25519.bin");
        final VerificationKey edKey = key("mcuboot/ed25519.pub.pem");

        InnerVerdict mcuboot(List<VerificationKey> keys, byte[] image) {
            return check(InnerFormat.MCUBOOT.checker(keys), image);
        }

        @Test
        void everyCutIsTruncated() {
            for (int cut : new int[] {0, 4, 31, 32, 0x200, 0x10200, 0x10203, 0x1020B, 0x1020D, 0x10210, ed.length - 1}) {
                assertThat(mcuboot(List.of(edKey), Arrays.copyOf(ed, cut)).reason()).as("cut at " + cut).isEqualTo(InnerReason.TRUNCATED);
            }
        }

        @Test
        void headerRules() {
            assertThat(mcuboot(List.of(edKey), with(ed, 0, 0x3E)).reason()).isEqualTo(InnerReason.BAD_MAGIC);
            assertThat(mcuboot(List.of(edKey), with(ed, 8, 0x10, 0x00)).reason()).isEqualTo(InnerReason.BAD_HEADER);
            assertThat(mcuboot(List.of(edKey), with(ed, 10, 0x02, 0x00)).reason()).isEqualTo(InnerReason.BAD_TLV);
            InnerVerdict encrypted = mcuboot(List.of(edKey), with(ed, 16, 0x04));
            assertThat(encrypted.reason()).isEqualTo(InnerReason.UNSUPPORTED);
            assertThat(encrypted.detail()).contains("encrypted");
        }

        @Test
        void tlvAreaRules() {
            assertThat(mcuboot(List.of(edKey), with(ed, 0x10200, 0x00)).reason()).as("protected magic").isEqualTo(InnerReason.BAD_TLV);
            assertThat(mcuboot(List.of(edKey), with(ed, 0x10202, 0x10)).reason()).as("protected total").isEqualTo(InnerReason.BAD_TLV);
            assertThat(mcuboot(List.of(edKey), with(ed, 0x1020C, 0x00)).reason()).as("unprotected magic").isEqualTo(InnerReason.BAD_TLV);
            assertThat(mcuboot(List.of(edKey), with(ed, 0x1025A, 0xFF, 0xFF)).reason()).as("overrun").isEqualTo(InnerReason.BAD_TLV);
            assertThat(mcuboot(List.of(edKey), with(ed, 0x10234, 0x40)).reason()).as("dependency unprotected").isEqualTo(InnerReason.BAD_TLV);
            assertThat(mcuboot(List.of(edKey), with(ed, 0x10204, 0x10)).reason()).as("a SHA256 TLV of 4 bytes").isEqualTo(InnerReason.BAD_TLV);
        }

        @Test
        void hashRules() {
            byte[] unsigned = vector("mcuboot/unsigned-hash-only.bin");
            assertThat(mcuboot(List.of(edKey), with(unsigned, 0x10210, 0x30)).reason()).isEqualTo(InnerReason.MISSING_HASH);
            assertThat(mcuboot(List.of(edKey), with(unsigned, 0x10210, 0x11)).reason()).isEqualTo(InnerReason.UNSUPPORTED);
            assertThat(mcuboot(List.of(edKey), with(unsigned, 0x10204 + 4, 6)).reason()).as("protected TLVs are hashed")
                    .isEqualTo(InnerReason.HASH_MISMATCH);
        }

        @Test
        void signatureRules() {
            assertThat(mcuboot(List.of(), ed).reason()).isEqualTo(InnerReason.NO_BOOT_KEYS);
            assertThat(mcuboot(List.of(edKey), with(ed, 0x10258, 0x20)).reason()).isEqualTo(InnerReason.KEY_TYPE_MISMATCH);
            assertThat(mcuboot(List.of(key("mcuboot/rsa-2048.pub.pem")), ed).reason()).isEqualTo(InnerReason.UNTRUSTED_KEY);
        }

        @Test
        void paddedEcdsaSignaturesAndPadTrailers() {
            byte[] ec = vector("mcuboot/signed-ecdsa-p256.bin");
            VerificationKey ecKey = key("mcuboot/ecdsa-p256.pub.pem");
            byte[] zeroPadded = with(concat(ec, new byte[1]), 0x1025A, 0x48);
            zeroPadded = with(zeroPadded, 0x1020E, 0x98);
            assertThat(mcuboot(List.of(ecKey), zeroPadded).reason()).as("imgtool's old zero padding").isEqualTo(InnerReason.OK);
            byte[] junkPadded = with(concat(ec, new byte[] {7}), 0x1025A, 0x48);
            junkPadded = with(junkPadded, 0x1020E, 0x98);
            assertThat(mcuboot(List.of(ecKey), junkPadded).reason()).isEqualTo(InnerReason.BAD_SIGNATURE);

            byte[] trailer = new byte[100];
            Arrays.fill(trailer, (byte) 0xFF);
            InnerVerdict padded = mcuboot(List.of(edKey), concat(ed, trailer));
            assertThat(padded.reason()).isEqualTo(InnerReason.OK);
            assertThat(((InnerFacts.Mcuboot) padded.facts()).trailingBytes()).isEqualTo(100);
        }
    }
}
