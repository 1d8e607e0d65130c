package io.fieldflash.bundle;

import io.fieldflash.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.zip.ZipEntry;

/**
 * Verifies a bundle file, in the order of the bundle format (docs/bundle-format.md), stopping at the first
 * failure with its reason code:
 * archive → entry names → metadata present → metadata well-formed → signatures → entries match the
 * manifest → expiry → image sizes and hashes (streamed, never held in memory).
 */
public final class BundleReader {
    private static final int BUFFER = 256 * 1024;

    private final TrustStore trust;
    private final Clock clock;
    private final boolean allowExpired;

    public BundleReader(TrustStore trust) {
        this(trust, Clock.systemUTC(), false);
    }

    private BundleReader(TrustStore trust, Clock clock, boolean allowExpired) {
        this.trust = trust;
        this.clock = clock;
        this.allowExpired = allowExpired;
    }

    /** The same reader judging expiry and key validity at the time {@code clock} gives. */
    public BundleReader withClock(Clock clock) {
        return new BundleReader(trust, clock, allowExpired);
    }

    /** The same reader accepting an expired bundle; the result says so, for the audit log. */
    public BundleReader allowingExpired(boolean allow) {
        return new BundleReader(trust, clock, allow);
    }

    public VerifiedBundle read(Path file) throws BundleException {
        return read(file, VerifyProgress.NONE);
    }

    /**
     * Verifies {@code file}. Progress is reported while images are hashed; interrupting the calling thread
     * cancels with a {@link CancellationException}.
     */
    public VerifiedBundle read(Path file, VerifyProgress progress) throws BundleException {
        Instant now = clock.instant();
        try (BundleArchive archive = BundleArchive.open(file)) {                   // steps 1, 2
            for (String meta : List.of(BundleArchive.MANIFEST, BundleArchive.SIGNATURES)) {   // step 3
                if (!archive.has(meta)) throw new BundleException(ReasonCode.MISSING_ENTRY, "The bundle has no " + meta + ".");
            }
            byte[] manifestBytes = archive.readSmall(BundleArchive.MANIFEST, Manifest.MAX_BYTES);     // step 4
            byte[] signaturesBytes = archive.readSmall(BundleArchive.SIGNATURES, BundleArchive.MAX_SIGNATURES_BYTES);
            Manifest manifest = Manifest.parse(manifestBytes);
            Json.strictUtf8(signaturesBytes, BundleArchive.SIGNATURES);
            List<SignatureCheck.Signature> signatures = SignatureCheck.parse(signaturesBytes);

            List<TrustedKey> eligible = trust.keys().stream().filter(k -> k.covers(manifest.product())).toList(); // step 5
            // The product is not authenticated yet: it is quoted escaped and cut.
            List<TrustedKey> signers = SignatureCheck.check(manifestBytes, signatures, eligible, trust.threshold(), now,
                    "this bundle for \"" + Printable.cut(manifest.product(), 64) + "\"");

            checkEntries(archive, manifest);                                          // step 6

            boolean expired = now.isAfter(manifest.expires());                        // step 7
            if (expired && !allowExpired) {
                throw new BundleException(ReasonCode.EXPIRED, "The bundle expired on " + manifest.expires() + ".");
            }

            hashImages(archive, manifest, progress);                                   // step 8
            return new VerifiedBundle(file.toAbsolutePath(), manifest, manifestBytes, signaturesBytes, signers, expired);
        }
    }

    private static void checkEntries(BundleArchive archive, Manifest manifest) throws BundleException {
        Set<String> listed = new HashSet<>();
        manifest.images().forEach(i -> listed.add(i.file()));
        for (ZipEntry e : archive.entries()) {
            String n = e.getName();
            boolean allowed = n.equals(BundleArchive.MANIFEST) || n.equals(BundleArchive.SIGNATURES)
                    || n.equals("images/") || (listed.contains(n) && !e.isDirectory());
            if (!allowed) {
                throw new BundleException(ReasonCode.UNLISTED_ENTRY, "The archive holds \"" + Printable.cut(n, 100)
                        + "\", which the manifest does not list.");
            }
        }
        for (ImageSpec i : manifest.images()) {
            if (!archive.has(i.file())) {
                throw new BundleException(ReasonCode.MISSING_ENTRY, "The manifest lists image \"" + Printable.of(i.name())
                        + "\" at " + Printable.of(i.file()) + " but the archive does not hold it.");
            }
        }
    }

    private static void hashImages(BundleArchive archive, Manifest manifest, VerifyProgress progress) throws BundleException {
        long total = manifest.totalImageBytes();
        long done = 0;
        byte[] buf = new byte[BUFFER];
        for (ImageSpec image : manifest.images()) {
            try (InputStream in = archive.openImage(image, () -> {})) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    done += n;
                    progress.bytes(done, total);
                    if (Thread.currentThread().isInterrupted()) throw new CancellationException("verification cancelled");
                }
            } catch (ImageIntegrityException e) {
                throw e.toBundleException();
            } catch (InterruptedIOException e) {
                throw new CancellationException("verification cancelled");
            } catch (IOException e) {
                throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read image \"" + Printable.of(image.name())
                        + "\" from the archive (" + Printable.cut(e.getMessage(), 200) + "); the file may be truncated or damaged.", e);
            }
        }
    }
}
