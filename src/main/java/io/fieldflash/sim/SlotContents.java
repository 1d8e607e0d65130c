package io.fieldflash.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a slot holds, as the device recorded it when it wrote the slot.
 *
 * @param version         the firmware version (SemVer text); empty for an erased slot
 * @param securityCounter the firmware's anti-rollback counter
 * @param manifestSha256  lowercase hex SHA-256 of the manifest it was installed from; {@code factory} for the factory image
 * @param images          image name → its SHA-256 and size
 */
public record SlotContents(String version, long securityCounter, String manifestSha256, Map<String, ImageRecord> images) {
    public static final SlotContents ERASED = new SlotContents("", 0, "", Map.of());

    public SlotContents {
        images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    /** One image written to a slot. */
    public record ImageRecord(String sha256, long size) {}

    public boolean erased() {
        return version.isEmpty();
    }

    SlotContents withImage(String name, ImageRecord image) {
        Map<String, ImageRecord> m = new LinkedHashMap<>(images);
        m.put(name, image);
        return new SlotContents(version, securityCounter, manifestSha256, m);
    }
}
