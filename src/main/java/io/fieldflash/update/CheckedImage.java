package io.fieldflash.update;

import io.fieldflash.bundle.ImageIntegrityException;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.ReasonCode;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One image of a verified bundle as the transfer reads it, checked against the manifest in this run: every stream
 * hashes the image from its first byte (the part before the offset asked for is read and hashed, not skipped), and the
 * read that reaches the declared size fails with {@link ImageIntegrityException} before it hands out its bytes when the
 * SHA-256 differs. So a file swapped after verification cannot have its last bytes sent, and {@link #verified()}
 * says that the bytes this run read matched the manifest to their end: the install step requires it.
 */
final class CheckedImage implements ImageSource {
    private static final int SCRATCH = 64 * 1024;

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
        return verified;
    }

    /** Reads the whole image here (nothing is sent) to check it, when the transfer did not need its bytes. */
    void verifyLocally() throws IOException {
        try (InputStream in = open(spec.size())) {
            in.read();      // open() has read and checked every byte; this checks an empty image
        }
    }

    @Override
    public InputStream open(long offset) throws IOException {
        if (offset < 0 || offset > spec.size()) throw new IllegalArgumentException("offset " + offset + " outside the image");
        Stream s = new Stream(bundle.openImage(spec));
        try {
            byte[] scratch = new byte[(int) Math.min(SCRATCH, Math.max(1, offset))];
            long left = offset;
            while (left > 0) {
                int n = s.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (n < 0) throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH,
                        "Image \"" + spec.name() + "\" ends early in the archive after " + (offset - left) + " bytes.");
                left -= n;
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private final class Stream extends InputStream {
        private final InputStream in;
        private final MessageDigest digest;
        private long count;

        Stream(InputStream in) {
            this.in = in;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            long room = spec.size() - count;
            if (room <= 0) {                // the declared end: nothing past it is ever handed out
                if (spec.size() == 0) checkEnd();
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, room));
            if (n < 0) {
                throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH,
                        "Image \"" + spec.name() + "\" ends early in the archive after " + count + " of " + spec.size() + " bytes.");
            }
            digest.update(b, off, n);
            count += n;
            if (count == spec.size()) {
                try {
                    checkEnd();
                } catch (ImageIntegrityException e) {
                    java.util.Arrays.fill(b, off, off + n, (byte) 0);
                    throw e;
                }
            }
            return n;
        }

        private void checkEnd() throws ImageIntegrityException {
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(spec.sha256())) {
                throw new ImageIntegrityException(ReasonCode.IMAGE_HASH_MISMATCH, "Image \"" + spec.name()
                        + "\" no longer matches its manifest (SHA-256 " + actual + "): the bundle file changed after it was verified.");
            }
            verified = true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
