package io.fieldflash.bundle.inner;

import java.util.Locale;

/**
 * Why a firmware image inside a bundle is refused, or {@link #OK}. The {@link #code()} is what reports and
 * the test vectors use ({@code hash-mismatch}, {@code bad-signature}, ...).
 */
public enum InnerReason {
    OK,
    /** The image ends before its own headers say it does. */
    TRUNCATED,
    /** The first bytes are not this format's magic number. */
    BAD_MAGIC,
    /** A header field is out of range (MCUboot header size, ESP hash_appended flag, ...). */
    BAD_HEADER,
    /** ESP app image: no segments, or more than 16. */
    BAD_SEGMENT_COUNT,
    /** ESP app image: a segment length not a multiple of 4 or not below 16 MiB. */
    BAD_SEGMENT,
    /** ESP app image: the XOR checksum byte differs from the segment data. */
    BAD_CHECKSUM,
    /** ESP app image: the appended SHA-256 differs from the image. */
    BAD_SHA256,
    /** ESP app image: the extended header names another chip than the device's. */
    WRONG_CHIP,
    /** ESP app image: bytes follow the image (perhaps a signed image given the wrong format). */
    TRAILING_DATA,
    /** A signature container's sizes do not line up (4 KiB sectors, the signature sector's place). */
    BAD_LAYOUT,
    /** MCUboot: a TLV area is malformed, or a TLV is where it must not be. */
    BAD_TLV,
    /** MCUboot: the image has no SHA-256 TLV. */
    MISSING_HASH,
    /** MCUboot: the SHA-256 TLV differs from the hashed region. */
    HASH_MISMATCH,
    /** MCUboot: encrypted images, SHA-384/512 hashes: not checked by FieldFlash. */
    UNSUPPORTED,
    /** No signature where the format needs one. */
    UNSIGNED,
    /** The manifest names no boot key for an image that carries a signature. */
    NO_BOOT_KEYS,
    /** ESP Secure Boot V2: a signature block's CRC32 is wrong, and no valid block remains. */
    BAD_BLOCK_CRC,
    /** ESP Secure Boot V2: the digest stored in the signature block differs from the signed area. */
    DIGEST_MISMATCH,
    /** The signature's kind (RSA, ECDSA, Ed25519, size) fits none of the boot keys. */
    KEY_TYPE_MISMATCH,
    /** The signature names a key (key hash, embedded public key) that is not a boot key. */
    UNTRUSTED_KEY,
    /** The signature is by a boot key's kind and names it, or names no key, but does not verify. */
    BAD_SIGNATURE,
    /** ESP Secure Boot V2: the device's chip cannot check this signature scheme. */
    SCHEME_NOT_SUPPORTED,
    /** ESP8266 signed update: the length trailer is not 256. */
    BAD_LENGTH,
    /** ESP8266 signed update: PKCS#1 v1.5 over the bare digest (signing.py --legacy), rejected by current cores. */
    LEGACY_SIGNATURE,
    /** The version inside the image (ESP app descriptor, MCUboot header) differs from the manifest's {@code version}. */
    VERSION_MISMATCH,
    /** MCUboot: the security-counter TLV differs from the manifest's {@code securityCounter}. */
    SECURITY_COUNTER_MISMATCH;

    /** The reason as lowercase words joined by hyphens, e.g. {@code bad-block-crc}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What the vendor must do about it, for a person. */
    public String hint() {
        return switch (this) {
            case OK -> "Nothing to do.";
            case TRUNCATED, BAD_MAGIC, BAD_HEADER, BAD_SEGMENT_COUNT, BAD_SEGMENT, BAD_TLV, TRAILING_DATA, BAD_LAYOUT ->
                    "The firmware image is not a well-formed image of the format the manifest names. The vendor must "
                            + "package the image the build tools produced, unchanged, and name its format correctly.";
            case BAD_CHECKSUM, BAD_SHA256, MISSING_HASH, HASH_MISMATCH, DIGEST_MISMATCH, BAD_BLOCK_CRC ->
                    "The firmware image was changed or damaged after it was built or signed; the device would refuse it. "
                            + "The vendor must rebuild (and re-sign) the image and issue a new bundle.";
            case WRONG_CHIP -> "The firmware was built for another chip. Check that this is the bundle for this device; "
                    + "otherwise the vendor must build the image for the device's chip.";
            case UNSUPPORTED -> "FieldFlash cannot check this kind of image (encrypted, or hashed other than with "
                    + "SHA-256). Ask the vendor for an image signed the standard way.";
            case UNSIGNED -> "The device only starts signed firmware and this image carries no signature. The vendor "
                    + "must sign it with the device's boot key.";
            case NO_BOOT_KEYS -> "The manifest names no boot key for this image, so its signature cannot be checked. "
                    + "The vendor must list the device's boot keys (bootKeys) and this laptop must hold them.";
            case KEY_TYPE_MISMATCH, UNTRUSTED_KEY, BAD_SIGNATURE, SCHEME_NOT_SUPPORTED ->
                    "The device's bootloader would refuse this signature. The vendor must sign the image with a boot "
                            + "key the device holds, in a scheme its chip supports.";
            case VERSION_MISMATCH -> "The version built into the firmware differs from the version the bundle's manifest "
                    + "states, so the bundle was packaged with the wrong image or the wrong version. The vendor must "
                    + "package the image built for this release, or correct the manifest's version.";
            case SECURITY_COUNTER_MISMATCH -> "The image's own security counter differs from the bundle's securityCounter, "
                    + "so FieldFlash's rollback check and the device's would disagree. The vendor must sign the image "
                    + "with the counter the manifest states (imgtool --security-counter), or correct the manifest.";
            case BAD_LENGTH, LEGACY_SIGNATURE -> "The signed update is not in the form the device's updater accepts "
                    + "(RSA-2048, PKCS#1 v1.5 with SHA-256 DigestInfo, length 256). The vendor must sign it again with "
                    + "the current signing tool.";
        };
    }
}
