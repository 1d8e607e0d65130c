package io.fieldflash.bundle;

/**
 * Why a bundle is refused, in the order the verifier checks (see docs/bundle-format.md).
 * The last two are found at connect time, against a device.
 */
public enum ReasonCode {
    BAD_ARCHIVE,
    UNSAFE_PATH,
    MISSING_ENTRY,
    BAD_MANIFEST,
    UNTRUSTED_KEY,
    KEY_REVOKED,
    KEY_EXPIRED,
    SIGNATURE_INVALID,
    UNLISTED_ENTRY,
    EXPIRED,
    IMAGE_SIZE_MISMATCH,
    IMAGE_HASH_MISMATCH,
    /** A firmware image is not a valid image of its manifest {@code format} (see docs/inner-formats.md). */
    INNER_IMAGE,
    INCOMPATIBLE_HARDWARE,
    DOWNGRADE;

    /** The next step for a person who meets this reason. */
    public String hint() {
        return switch (this) {
            case BAD_ARCHIVE, UNSAFE_PATH, MISSING_ENTRY, UNLISTED_ENTRY ->
                    "The file is damaged or is not a FieldFlash bundle. Copy it again from the vendor's original media.";
            case BAD_MANIFEST ->
                    "The bundle was not made with a compatible tool. Ask the vendor for a fieldflash-bundle/1 bundle.";
            case UNTRUSTED_KEY ->
                    "Ask the vendor for a bundle signed with a key this laptop trusts, or have an administrator add the vendor's key (fieldflash trust add).";
            case KEY_REVOKED ->
                    "The vendor has withdrawn the key that signed this bundle. Ask the vendor for a bundle signed with a current key.";
            case KEY_EXPIRED ->
                    "The signing key is past its end date in this laptop's trust store. Ask the vendor for a newer bundle, or apply the vendor's trust update.";
            case SIGNATURE_INVALID ->
                    "The bundle was changed after it was signed, or lacks enough signatures. Do not use it; get a fresh copy from the vendor.";
            case EXPIRED ->
                    "The bundle is past its expiry date. Ask the vendor for a current release.";
            case IMAGE_SIZE_MISMATCH, IMAGE_HASH_MISMATCH ->
                    "A firmware image in the bundle is corrupt or was altered. Do not use it; copy the bundle again from the vendor's original media.";
            case INNER_IMAGE ->
                    "The firmware image inside the bundle would be refused by the device's bootloader. Do not use it; the vendor must fix the image and issue a new bundle.";
            case INCOMPATIBLE_HARDWARE ->
                    "This firmware is not for this device's hardware revision. Check that you picked the right bundle for this device.";
            case DOWNGRADE ->
                    "This firmware is older, in security terms, than what the device runs. The device would refuse it; use a newer bundle.";
        };
    }
}
