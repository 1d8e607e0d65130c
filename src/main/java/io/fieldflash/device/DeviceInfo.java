package io.fieldflash.device;

/**
 * What a device says about itself ({@code GET /info} on fieldflash-http/1).
 *
 * <p>A transport without {@link Capabilities#identity()} fills what it knows (a serial bootloader: the chip
 * as {@code hardware}, its MAC as {@code deviceId}) and leaves the other texts empty.
 *
 * @param protocol     the protocol the device speaks, e.g. {@code fieldflash-http/1}
 * @param product      the product, e.g. {@code crossing-controller}
 * @param hardware     the hardware revision, e.g. {@code ccx-rev-b}
 * @param deviceId     the device's unique id (stable across firmware updates)
 * @param firmware     what it runs now
 * @param maxImageSize largest image it accepts, in bytes
 * @param maxChunkSize largest chunk it accepts in one request, in bytes
 * @param upload       the transfer it holds, if any, so that a client restarted from scratch can resume it
 * @param settings     the device serves settings a technician may read and change ({@code /info} {@code settings: true})
 */
public record DeviceInfo(String protocol, String product, String hardware, String deviceId, Firmware firmware,
                         long maxImageSize, int maxChunkSize, UploadState upload, boolean settings) {

    /** What a device without settings says about itself. */
    public DeviceInfo(String protocol, String product, String hardware, String deviceId, Firmware firmware,
                      long maxImageSize, int maxChunkSize, UploadState upload) {
        this(protocol, product, hardware, deviceId, firmware, maxImageSize, maxChunkSize, upload, false);
    }

    public DeviceInfo {
        if (protocol == null || product == null || hardware == null || deviceId == null || firmware == null || upload == null) {
            throw new IllegalArgumentException("DeviceInfo fields must not be null (use empty text)");
        }
    }

    /**
     * The firmware a device runs.
     *
     * @param version         SemVer text
     * @param securityCounter anti-rollback counter; the device refuses images with a lower one
     * @param trial           true while a new image runs on trial (not yet confirmed)
     * @param manifestSha256  lowercase hex SHA-256 of the manifest.json this firmware was installed from: what it is,
     *                        byte for byte; empty when the device does not say (factory firmware, older devices,
     *                        transports without it)
     */
    public record Firmware(String version, long securityCounter, boolean trial, String manifestSha256) {
        public Firmware {
            if (version == null || manifestSha256 == null) throw new IllegalArgumentException("version and manifestSha256 must not be null");
        }

        /** Firmware whose manifest the device does not report. */
        public Firmware(String version, long securityCounter, boolean trial) {
            this(version, securityCounter, trial, "");
        }

        /** True when the device reports the manifest it runs (so identity is a hash, not a version text). */
        public boolean reportsManifest() {
            return !manifestSha256.isEmpty();
        }

        /** For people; the version text is the device's, escaped. */
        @Override
        public String toString() {
            return io.fieldflash.Printable.cut(version, 80) + " (security counter " + securityCounter + (trial ? ", on trial" : "") + ")";
        }
    }

    /** The transfer a device holds, or none. */
    public sealed interface UploadState {
        None NONE = new None();

        /** No transfer under way. */
        record None() implements UploadState {}

        /**
         * A transfer under way.
         *
         * @param location the upload's URL or path as the device gave it
         * @param offset   bytes received so far
         * @param length   total bytes
         * @param image    the image name it was created for; empty when the device does not say
         * @param sha256   the whole image's SHA-256 (lowercase hex) it was created for; empty when the device does not
         *                 know it (an upload made by a plain tus client)
         */
        record InProgress(String location, long offset, long length, String image, String sha256) implements UploadState {}
    }
}
