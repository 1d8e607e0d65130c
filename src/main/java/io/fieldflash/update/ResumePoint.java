package io.fieldflash.update;

import java.time.Instant;

/**
 * Where an interrupted transfer stands, as kept on disk between runs.
 *
 * @param deviceId       the device's id
 * @param deviceAddress  where it was reached, e.g. {@code http://192.168.4.1}
 * @param transport      e.g. {@code fieldflash-http/1}
 * @param manifestSha256 the bundle (its manifest's SHA-256)
 * @param image          the image being sent
 * @param imageSha256    its SHA-256
 * @param handle         the device's name for the transfer (tus: the upload URL)
 * @param offset         bytes the device had confirmed when this was written (the device's own answer wins)
 * @param length         the image's length
 * @param updated        when this was written
 * @param bundleFile     the bundle file the transfer came from (so a restarted wizard can offer to continue); may be empty
 */
public record ResumePoint(String deviceId, String deviceAddress, String transport, String manifestSha256, String image,
                          String imageSha256, String handle, long offset, long length, Instant updated, String bundleFile) {

    /** True when this point is for the same bundle and image. */
    public boolean matches(String manifestSha256, String image, String imageSha256) {
        return this.manifestSha256.equals(manifestSha256) && this.image.equals(image) && this.imageSha256.equals(imageSha256);
    }

    ResumePoint at(long offset) {
        return new ResumePoint(deviceId, deviceAddress, transport, manifestSha256, image, imageSha256, handle, offset, length, Instant.now(), bundleFile);
    }
}
