package io.fieldflash.bundle.inner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.VerificationKey;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every (file, key) pair of the inner-format vectors' {@code index.json}: the checker's reason code must be the
 * one the index expects, whether the image arrives in one piece or in small uneven pieces.
 *
 * <p>One deliberate difference: {@code esp8266-signed/payload-outsider.bin.signed} is expected as
 * {@code untrusted-key}, and FieldFlash says {@code bad-signature}. An ESP8266 signed update names no key, and a
 * PKCS#1 v1.5 signature by another key opens, under the boot key, to the same random block as a damaged
 * signature does ({@code payload-sig-flip}, expected {@code bad-signature}): no verifier can tell the two apart
 * from the bytes, so both get the one reason, whose sentence names both causes.
 */
class InnerFormatVectorsTest {

    static final int INDEX_ENTRIES = 34;
    static final String INDISTINGUISHABLE = "esp8266-signed/payload-outsider.bin.signed";

    @Test
    void theIndexHasEveryEntry() {
        assertThat(InnerVectors.index()).hasSize(INDEX_ENTRIES);
        assertThat(InnerVectors.index().stream().map(InnerVectors.Entry::format).distinct())
                .containsExactlyInAnyOrder(InnerFormat.values());
    }

    @TestFactory
    Stream<DynamicTest> everyVectorGetsItsExpectedReason() {
        return InnerVectors.index().stream().map(e -> DynamicTest.dynamicTest(
                e.file() + " with " + e.key().orElse("no key") + " -> " + e.expectedCode(), () -> {
                    byte[] image = InnerVectors.bytes(e.file());
                    List<VerificationKey> keys = InnerVectors.keys(e);
                    InnerVerdict whole = InnerVectors.check(e.format(), keys, image);
                    String expected = e.file().equals(INDISTINGUISHABLE) ? InnerReason.BAD_SIGNATURE.code() : e.expectedCode();
                    assertThat(whole.reason().code()).as(whole.detail()).isEqualTo(expected);
                    assertThat(whole.format()).isEqualTo(e.format());
                    assertThat(whole.length()).isEqualTo(image.length);
                    assertThat(whole.sha256()).isEqualTo(AtomicFile.sha256Hex(image));

                    InnerChecker pieces = InnerVectors.checker(e.format(), keys);
                    Random random = new Random(e.file().hashCode());
                    for (int off = 0; off < image.length; ) {
                        int n = Math.min(image.length - off, random.nextBoolean() ? 1 + random.nextInt(7) : 1 + random.nextInt(5000));
                        pieces.update(image, off, n);
                        off += n;
                    }
                    InnerVerdict streamed = pieces.finish();
                    assertThat(streamed).isEqualTo(whole);
                    InnerVerdict read = InnerChecker.check(InnerVectors.checker(e.format(), keys), new ByteArrayInputStream(image));
                    assertThat(read).isEqualTo(whole);
                }));
    }

    @Test
    void theOneDifferenceFromTheIndexIsTheIndistinguishableOne() {
        InnerVectors.Entry outsider = InnerVectors.index().stream().filter(e -> e.file().equals(INDISTINGUISHABLE)).findFirst().orElseThrow();
        assertThat(outsider.expectedCode()).isEqualTo("untrusted-key");
        InnerVerdict v = InnerVectors.check(outsider.format(), InnerVectors.keys(outsider), InnerVectors.bytes(outsider.file()));
        assertThat(v.reason()).isEqualTo(InnerReason.BAD_SIGNATURE);
        assertThat(v.detail()).contains("another key").contains("damaged");
    }

    @Test
    void validEspAppShowsItsDescriptor() {
        InnerVerdict v = InnerVectors.check(InnerFormat.ESP_APP, List.of(), InnerVectors.bytes("esp-app/esp32-app.bin"));
        assertThat(v.ok()).isTrue();
        InnerFacts.EspApp app = (InnerFacts.EspApp) v.facts();
        assertThat(app.chip()).contains(EspChip.ESP32);
        assertThat(app.chipId()).hasValue(0);
        assertThat(app.segments()).isEqualTo(3);
        assertThat(app.hashAppended()).isTrue();
        assertThat(app.imageLength()).isEqualTo(65984);
        InnerFacts.EspAppDescriptor d = app.descriptor().orElseThrow();
        assertThat(d.version()).isEqualTo("1.2.3");
        assertThat(d.projectName()).isEqualTo("demo-controller");
        assertThat(d.secureVersion()).isEqualTo(5);
        assertThat(d.idfVersion()).isEqualTo("synthetic");
        assertThat(d.elfSha256()).startsWith("89844cd4").endsWith("22fb5576");
    }

    @Test
    void espAppWithoutAnExpectedChipReadsTheChipFromTheImage() {
        InnerVerdict v = InnerFormat.ESP_APP.checker(List.of()).finish();
        assertThat(v.reason()).isEqualTo(InnerReason.TRUNCATED);
        InnerChecker c = InnerFormat.ESP_APP.checker(List.of());
        byte[] s3 = InnerVectors.bytes("esp-app/esp32-app-chip-esp32s3.bin");
        c.update(s3, 0, s3.length);
        InnerVerdict auto = c.finish();
        assertThat(auto.ok()).isTrue();
        assertThat(((InnerFacts.EspApp) auto.facts()).chip()).contains(EspChip.ESP32S3);
        assertThat(InnerFormat.ESP_APP.checker(List.of(), EspChip.ESP32S3).getClass()).isEqualTo(EspAppChecker.class);
    }

    @Test
    void validMcubootImagesShowVersionCounterAndKey() {
        for (String k : List.of("ed25519", "ecdsa-p256", "rsa-2048", "rsa-3072")) {
            VerificationKey key = InnerVectors.key("mcuboot/" + k + ".pub.pem");
            InnerVerdict v = InnerVectors.check(InnerFormat.MCUBOOT, List.of(key), InnerVectors.bytes("mcuboot/signed-" + k + ".bin"));
            assertThat(v.ok()).as(k + ": " + v.detail()).isTrue();
            InnerFacts.Mcuboot m = (InnerFacts.Mcuboot) v.facts();
            assertThat(m.version()).isEqualTo("2.0.1+7");
            assertThat(m.securityCounter()).hasValue(5);
            assertThat(m.headerSize()).isEqualTo(0x200);
            assertThat(m.imageSize()).isEqualTo(0x10000);
            assertThat(m.sha256()).isEqualTo("14ac035e6672d5a877440a8bd9a30bb99e9f9f43a9d05cb5db66b48a4ee7dab8");
            assertThat(m.verifiedBy()).contains(key.keyid());
            assertThat(m.trailingBytes()).isZero();
        }
    }

    @Test
    void mcubootAcceptsTheSignerAmongSeveralBootKeys() {
        List<VerificationKey> all = Stream.of("ed25519", "ecdsa-p256", "rsa-2048", "rsa-3072")
                .map(k -> InnerVectors.key("mcuboot/" + k + ".pub.pem")).toList();
        for (String k : List.of("ed25519", "ecdsa-p256", "rsa-2048", "rsa-3072")) {
            assertThat(InnerVectors.check(InnerFormat.MCUBOOT, all, InnerVectors.bytes("mcuboot/signed-" + k + ".bin")).reason())
                    .isEqualTo(InnerReason.OK);
        }
        assertThat(InnerVectors.check(InnerFormat.MCUBOOT, all, InnerVectors.bytes("mcuboot/signed-outsider-ecdsa-p256.bin")).reason())
                .isEqualTo(InnerReason.UNTRUSTED_KEY);
        VerificationKey outsider = InnerVectors.key("mcuboot/outsider-ecdsa-p256.pub.pem");
        assertThat(InnerVectors.check(InnerFormat.MCUBOOT, List.of(outsider), InnerVectors.bytes("mcuboot/signed-outsider-ecdsa-p256.bin")).reason())
                .as("well formed, and valid once its key is a boot key").isEqualTo(InnerReason.OK);
    }

    @Test
    void secureBootV2BlocksCarryTheEfuseKeyDigests() {
        InnerVerdict rsa = InnerVectors.check(InnerFormat.ESP32_SBV2, List.of(InnerVectors.key("esp-sbv2/rsa3072.pub.pem")),
                InnerVectors.bytes("esp-sbv2/esp32-app-sbv2-rsa3072.bin"));
        InnerFacts.Esp32Sbv2 r = (InnerFacts.Esp32Sbv2) rsa.facts();
        assertThat(r.blocks()).singleElement().satisfies(b -> {
            assertThat(b.scheme()).isEqualTo("rsa3072");
            assertThat(b.keyDigest()).isEqualTo("98cd79c583347dffdbd02240705121517960ffc74bcbc0691ca025494baad904");
        });
        assertThat(r.signedLength()).isEqualTo(0x11000);
        assertThat(((InnerFacts.EspApp) r.app()).descriptor().orElseThrow().secureVersion()).isEqualTo(5);

        InnerVerdict ec = InnerVectors.check(InnerFormat.ESP32_SBV2, List.of(InnerVectors.key("esp-sbv2/ecdsa-p256.pub.pem")),
                InnerVectors.bytes("esp-sbv2/esp32-app-sbv2-ecdsa-p256.bin"));
        assertThat(((InnerFacts.Esp32Sbv2) ec.facts()).blocks()).singleElement().satisfies(b -> {
            assertThat(b.scheme()).isEqualTo("ecdsa-p256");
            assertThat(b.keyDigest()).isEqualTo("347c71884add3a1cc83a5291b10c425cbaa150137a39617a5be6a8878288ed3f");
        });
    }

    @Test
    void secureBootV2SchemeMustSuitTheDevicesChip() {
        byte[] ecdsa = InnerVectors.bytes("esp-sbv2/esp32-app-sbv2-ecdsa-p256.bin");
        List<VerificationKey> key = List.of(InnerVectors.key("esp-sbv2/ecdsa-p256.pub.pem"));
        InnerChecker forEsp32 = InnerFormat.ESP32_SBV2.checker(key, EspChip.ESP32);
        forEsp32.update(ecdsa, 0, ecdsa.length);
        assertThat(forEsp32.finish().reason()).isEqualTo(InnerReason.SCHEME_NOT_SUPPORTED);

        byte[] rsa = InnerVectors.bytes("esp-sbv2/esp32-app-sbv2-rsa3072.bin");
        InnerChecker rsaForEsp32 = InnerFormat.ESP32_SBV2.checker(List.of(InnerVectors.key("esp-sbv2/rsa3072.pub.pem")), EspChip.ESP32);
        rsaForEsp32.update(rsa, 0, rsa.length);
        assertThat(rsaForEsp32.finish().reason()).isEqualTo(InnerReason.OK);

        InnerChecker rsaForS3 = InnerFormat.ESP32_SBV2.checker(List.of(InnerVectors.key("esp-sbv2/rsa3072.pub.pem")), EspChip.ESP32S3);
        rsaForS3.update(rsa, 0, rsa.length);
        InnerVerdict wrongChip = rsaForS3.finish();
        assertThat(wrongChip.reason()).as("signature fine, image built for an ESP32").isEqualTo(InnerReason.WRONG_CHIP);
        assertThat(wrongChip.detail()).startsWith("The signature is valid, but the application image inside is not");
    }

    @Test
    void esp8266SignedShowsTheSignedLengthAndKey() {
        VerificationKey key = InnerVectors.key("esp8266-signed/rsa2048.pub.pem");
        InnerVerdict v = InnerVectors.check(InnerFormat.ESP8266_SIGNED, List.of(key), InnerVectors.bytes("esp8266-signed/payload.bin.signed"));
        assertThat(v.ok()).isTrue();
        assertThat(v.facts()).isEqualTo(new InnerFacts.Esp8266Signed(65536, java.util.Optional.of(key.keyid())));
    }
}
