package io.fieldflash.update;

import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.VerifyingInputStream;
import io.fieldflash.device.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One image of a verified bundle as the transfer reads it, checked against the manifest in this run. Every stream is
 * the bundle's {@link VerifyingInputStream}: it hashes the image from its first byte (the part before the offset
 * asked for is read and hashed, not skipped), and the read that reaches the declared size fails before it hands out
 * its bytes when the SHA-256 differs. So a file swapped after verification cannot have its last bytes sent, and
 * {@link #verified()} says that the bytes this run read matched the manifest to their end: the install step
 * requires it.
 *
 * <p>The verdict is this object's own, taken from the streams it opened: the bundle is shared (the depot runs
 * parallel jobs on one), so another job's stream of the same image never answers for this one.
 */
final class CheckedImage implements ImageSource {

    private final VerifiedBundle bundle;
    private final ImageSpec spec;
    /** Set when {@link #verifyLocally} read the whole image and its digest matched. */
    private volatile boolean verified;
    /** The stream {@link #open} handed out last: a newer one (a resumed transfer) replaces the verdict of the older. */
    private final AtomicReference<VerifyingInputStream> lastOpened = new AtomicReference<>();

    CheckedImage(VerifiedBundle bundle, ImageSpec spec) {
        this.bundle = bundle;
        this.spec = spec;
    }

    @Override public String name() { return spec.name(); }
    @Override public long size() { return spec.size(); }
    @Override public String sha256() { return spec.sha256(); }

    /**
     * True once the whole image was checked here ({@link #verifyLocally}), or the stream {@link #open} returned last
     * reached the image's declared end with the manifest's SHA-256. False when nothing was read, and from the
     * moment a newer stream is opened until that one too has reached the end.
     */
    boolean verified() {
        if (verified) return true;
        VerifyingInputStream in = lastOpened.get();
        return in != null && in.verifiedToEnd();
    }

    /** Reads the whole image here (nothing is sent) to check it, when the transfer did not need its bytes. */
    void verifyLocally() throws IOException {
        try (VerifyingInputStream in = bundle.openImage(spec)) {
            in.transferTo(OutputStream.nullOutputStream());
            verified |= in.verifiedToEnd();
        }
    }

    @Override
    public InputStream open(long offset) throws IOException {
        if (offset < 0 || offset > spec.size()) throw new IllegalArgumentException("offset " + offset + " outside the image");
        VerifyingInputStream in = bundle.openImage(spec);
        try {
            lastOpened.set(in);
            in.skipNBytes(offset);      // read and hashed, not skipped: the check at the end covers every byte
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
