package io.fieldflash.bundle.inner;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a checker found inside an image, as far as it could read it. Strings read from the image (version,
 * project name) are the image's text, not yet escaped: show them through {@code io.fieldflash.Printable}.
 */
public sealed interface InnerFacts {

    /** Nothing could be read (the image ended or broke before its first header). */
    record None() implements InnerFacts {}

    /**
     * An ESP application image.
     *
     * @param chip          the chip the image says it is for (from the extended header; ESP8266 when it has none)
     * @param chipId        the extended header's chip id; empty for an ESP8266 image
     * @param segments      the header's segment count
     * @param hashAppended  true when a SHA-256 of the image follows the checksum byte
     * @param imageLength   the image's length up to and including its appended hash
     * @param descriptor    the {@code esp_app_desc_t} at the start of the first segment, when it has one
     */
    record EspApp(Optional<EspChip> chip, OptionalInt chipId, int segments, boolean hashAppended, long imageLength,
                  Optional<EspAppDescriptor> descriptor) implements InnerFacts {}

    /**
     * ESP-IDF's application descriptor ({@code esp_app_desc_t}).
     *
     * @param secureVersion the anti-rollback counter the bootloader compares with its eFuse
     */
    record EspAppDescriptor(String version, String projectName, long secureVersion, String idfVersion,
                            String compileDate, String compileTime, String elfSha256) {}

    /**
     * An ESP32 Secure Boot V2 signed image.
     *
     * @param app          the application image inside
     * @param signedLength the length of the signed area (image and padding, a multiple of 4 KiB)
     * @param blocks       the signature blocks whose CRC is valid, in sector order
     * @param verifiedBy   the boot key (keyid) that verified a block, when one did
     */
    record Esp32Sbv2(InnerFacts app, long signedLength, List<Sbv2Block> blocks, Optional<String> verifiedBy)
            implements InnerFacts {}

    /**
     * One valid Secure Boot V2 signature block.
     *
     * @param scheme    {@code rsa3072}, {@code ecdsa-p256} or {@code ecdsa-p192}
     * @param keyDigest lowercase hex SHA-256 of the block's public key, the value burned into the chip's eFuse
     */
    record Sbv2Block(int index, String scheme, String keyDigest) {}

    /**
     * An ESP8266 Arduino signed update.
     *
     * @param dataLength the length of the signed data before the signature
     * @param verifiedBy the boot key (keyid) whose signature verified, when one did
     */
    record Esp8266Signed(long dataLength, Optional<String> verifiedBy) implements InnerFacts {}

    /**
     * An MCUboot image.
     *
     * @param version         {@code major.minor.revision+build}
     * @param securityCounter the protected security-counter TLV, when there is one
     * @param headerSize      {@code ih_hdr_size}
     * @param imageSize       {@code ih_img_size}: the payload only
     * @param flags           {@code ih_flags}
     * @param sha256          lowercase hex SHA-256 of header, payload and protected TLVs, as computed
     * @param signatures      the signature TLV types present, e.g. {@code ed25519}
     * @param verifiedBy      the boot key (keyid) whose signature verified, when one did
     * @param trailingBytes   bytes after the TLV area (an imgtool {@code --pad} trailer), not checked
     */
    record Mcuboot(String version, OptionalLong securityCounter, int headerSize, long imageSize, long flags,
                   String sha256, List<String> signatures, Optional<String> verifiedBy, long trailingBytes)
            implements InnerFacts {}
}
