package io.fieldflash.device;

/**
 * What a device needs to check and activate one transferred image.
 *
 * @param image         the image's name in the manifest
 * @param sha256        lowercase hex SHA-256 of the whole image
 * @param manifest      the exact bytes of the bundle's manifest.json (the device may check its signatures)
 * @param signatures    the exact bytes of the bundle's signatures.json
 */
public record InstallRequest(String image, String sha256, byte[] manifest, byte[] signatures) {
    public InstallRequest {
        manifest = manifest.clone();
        signatures = signatures.clone();
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] signatures() {
        return signatures.clone();
    }
}
