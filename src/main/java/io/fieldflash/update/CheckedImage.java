package io.fieldflash.update;

import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.VerifyingInputStream;
import io.fieldflash.device.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One image of a verified bundle as the transfer reads it, checked against the manifest in this run. Every stream is
 * the bundle's {@link VerifyingInputStream}: it hashes the image from its first byte (the part before the offset
 * asked for is read and hashed, not skipped), and the read that reaches the declared size fails before it hands out
 * its bytes when the SHA-256 differs. So a file swapped after verification cannot have its last bytes sent, and
 * {@link #verified()} says that the bytes this run read matched the manifest to their end: the install step
 * requires it.
 */
final class CheckedImage implements ImageSource {

    private final VerifiedBundle bundle;
    private final ImageSpec spec;
    private volatile boolean verified;

    CheckedImage(VerifiedBundle bundle, ImageSpec spec) {
        this.bundle = bundle;
        this.spec = spec;
    }

    @Override public String name() { return spec.name(); }
    @Override public long size() { return spec.size(); }
    @Override public String sha256() { return spec.sha256(); }

    /** True once a stream of this image reached its declared end with the manifest's SHA-256. */
    boolean verified() {
        return verified || bundle.imageVerifiedToEnd(spec);
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
            in.skipNBytes(offset);      // read and hashed, not skipped: the check at the end covers every byte
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
