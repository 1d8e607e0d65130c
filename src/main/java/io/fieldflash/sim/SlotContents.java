package io.fieldflash.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a slot holds, as the device recorded it when it wrote the slot.
 *
 * @param version         the firmware version (SemVer text); empty for an erased slot
 * @param securityCounter the firmware's anti-rollback counter
 * @param manifestSha256  lowercase hex SHA-256 of the manifest it was installed from; {@code factory} for the factory image
 * @param manifestImages  the names of every image that manifest lists: the slot is whole only when it holds them all
 * @param images          image name → its SHA-256 and size, for each image written completely; an image being written
 *                        is not here until its last byte is
 */
public record SlotContents(String version, long securityCounter, String manifestSha256, List<String> manifestImages,
                           Map<String, ImageRecord> images) {
    public static final SlotContents ERASED = new SlotContents("", 0, "", List.of(), Map.of());
    /** {@link #manifestSha256} of the factory image, which came from no manifest. */
    public static final String FACTORY = "factory";

    public SlotContents {
        manifestImages = List.copyOf(manifestImages);
        images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    /** One image written to a slot. */
    public record ImageRecord(String sha256, long size) {}

    public boolean erased() {
        return version.isEmpty();
    }

    /** The images the manifest lists that the slot does not hold (yet). */
    public List<String> missing() {
        return manifestImages.stream().filter(n -> !images.containsKey(n)).toList();
    }

    SlotContents withImage(String name, ImageRecord image) {
        Map<String, ImageRecord> m = new LinkedHashMap<>(images);
        m.put(name, image);
        return new SlotContents(version, securityCounter, manifestSha256, manifestImages, m);
    }

    SlotContents withoutImage(String name) {
        Map<String, ImageRecord> m = new LinkedHashMap<>(images);
        m.remove(name);
        return new SlotContents(version, securityCounter, manifestSha256, manifestImages, m);
    }
}
