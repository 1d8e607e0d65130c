package io.fieldflash.bundle;

import io.fieldflash.bundle.inner.InnerFacts;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bundle that passed every check of {@link BundleReader}: the only way downstream code sees a manifest.
 *
 * <p>It holds no image bytes. {@link #openImage} streams an image from the file again and re-checks
 * it as it streams, so a file swapped or damaged after verification still cannot deliver wrong bytes
 * without failing: the read that would hand out an image's last bytes checks its SHA-256 first.
 *
 * <p>It is immutable, so parallel jobs (the depot's) share one safely: whether an image was read to its end with
 * the right digest is a property of each stream ({@link VerifyingInputStream#verifiedToEnd()}), kept by whoever
 * reads it, never by the bundle.
 */
public final class VerifiedBundle {
    private final Path path;
    private final Manifest manifest;
    private final byte[] manifestBytes;
    private final byte[] signaturesBytes;
    private final List<TrustedKey> signers;
    private final boolean expiryOverridden;
    /** Image name → its format checker's verdict, for images of a known format. */
    private final Map<String, InnerVerdict> inner;

    VerifiedBundle(Path path, Manifest manifest, byte[] manifestBytes, byte[] signaturesBytes,
                   List<TrustedKey> signers, boolean expiryOverridden, Map<String, InnerVerdict> inner) {
        this.path = path;
        this.manifest = manifest;
        this.manifestBytes = manifestBytes.clone();
        this.signaturesBytes = signaturesBytes.clone();
        this.signers = List.copyOf(signers);
        this.expiryOverridden = expiryOverridden;
        this.inner = Map.copyOf(inner);
    }

    public Path path() {
        return path;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The exact bytes of manifest.json, as signed (a device re-checks the signatures over these). */
    public byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    /** The exact bytes of signatures.json. */
    public byte[] signaturesBytes() {
        return signaturesBytes.clone();
    }

    /** Lowercase hex SHA-256 of manifest.json: identifies the bundle's content (the manifest covers every image). */
    public String manifestSha256() {
        return io.fieldflash.AtomicFile.sha256Hex(manifestBytes);
    }

    /** The trusted keys whose valid signatures met the threshold. */
    public List<TrustedKey> signers() {
        return signers;
    }

    /** True when the bundle was past its expiry and the operator explicitly accepted it. */
    public boolean expiryOverridden() {
        return expiryOverridden;
    }

    /**
     * What the check of {@code image}'s {@code format} found (docs/inner-formats.md): empty for a {@code raw} image.
     * In a verified bundle it passed ({@link InnerVerdict#ok()}), except after a vendor's own read-back without boot
     * keys ({@code BundleWriter}), where a signature nobody could check is reported as such. Its facts carry, for
     * example, an ESP app's {@code secure_version} ({@link InnerFacts.EspAppDescriptor#secureVersion()}).
     */
    public Optional<InnerVerdict> innerVerdict(ImageSpec image) {
        return manifest.images().contains(image) ? Optional.ofNullable(inner.get(image.name())) : Optional.empty();
    }

    Map<String, InnerVerdict> innerVerdicts() {
        return inner;
    }

    /**
     * Streams one image's bytes from the bundle file; the stream fails with an {@link ImageIntegrityException}
     * the moment they stop matching the manifest, at the latest on the read that would return the last byte
     * (see {@link VerifyingInputStream}). Closing the stream closes the archive.
     */
    public VerifyingInputStream openImage(ImageSpec image) throws IOException {
        if (!manifest.images().contains(image)) throw new IllegalArgumentException("not an image of this bundle: " + image.name());
        BundleArchive archive;
        try {
            archive = BundleArchive.open(path);
        } catch (BundleException e) {
            throw new ImageIntegrityException(e.reason(), e.getMessage());
        }
        try {
            return archive.openImage(image, archive::close);
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }
}
