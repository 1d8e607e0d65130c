package io.fieldflash.bundle;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Streams an image while checking it against its manifest entry: it fails at the first byte past the
 * declared size (so a zip bomb is never inflated further), and at the end of the stream when the length
 * is short or the SHA-256 differs. A consumer therefore never sees a successful end of a wrong image.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final ImageSpec image;
    private final MessageDigest digest;
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, ImageSpec image) {
        super(in);
        this.image = image;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
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
        // Never ask for more than one byte past the declared size: that byte alone proves a mismatch.
        long room = image.size() - count + 1;
        int n;
        try {
            n = super.read(b, off, (int) Math.min(len, room));
        } catch (EOFException e) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + image.name()
                    + "\" ends early in the archive after " + count + " of " + image.size() + " bytes.");
        }
        if (n < 0) {
            finish();
            return -1;
        }
        count += n;
        if (count > image.size()) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + image.name()
                    + "\" is longer than the " + image.size() + " bytes its manifest declares.");
        }
        digest.update(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be hashed too.
        byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void finish() throws ImageIntegrityException {
        if (checked) return;
        checked = true;
        if (count != image.size()) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + image.name()
                    + "\" has " + count + " bytes but its manifest declares " + image.size() + ".");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(image.sha256())) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_HASH_MISMATCH, "Image \"" + image.name()
                    + "\" has SHA-256 " + actual + " but its manifest declares " + image.sha256() + ".");
        }
    }
}
