package io.fieldflash.bundle;

import io.fieldflash.Printable;
import io.fieldflash.bundle.inner.InnerChecker;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Streams an image while checking it against its manifest entry. It never reads past the declared size (so a
 * zip bomb is never inflated further than that), and the read that reaches the declared size checks, before it
 * returns, that the entry ends there and that the SHA-256 of all the bytes matches; when either does not, that
 * read throws {@link ImageIntegrityException} and the final bytes are never handed out (the part of the caller's
 * buffer they were read into is zeroed). A consumer that reads exactly {@code size} bytes, and never asks for
 * the end of the stream, therefore still never receives all of a wrong image.
 *
 * <p>Skipped bytes are read and hashed too. Once a read has failed, every later read fails the same way.
 * {@link #verifiedToEnd()} says whether the check at the declared size has passed.
 */
public final class VerifyingInputStream extends InputStream {
    private static final int SKIP_BUFFER = 64 * 1024;

    private final InputStream in;
    private final ImageSpec image;
    private final Closeable onClose;
    /** Hashes the image when there is no checker (a checker hashes it itself). */
    private final MessageDigest digest;
    private final InnerChecker checker;
    private InnerVerdict verdict;
    private long count;
    private volatile boolean verified;
    private IOException failure;

    /**
     * @param onClose closed after {@code in} (e.g. the archive the entry stream comes from)
     */
    VerifyingInputStream(InputStream in, ImageSpec image, Closeable onClose) {
        this(in, image, onClose, null);
    }

    /**
     * @param checker when not null, every byte within the declared size also goes through it, and its SHA-256
     *                ({@link InnerVerdict#sha256()}) is the one compared with the manifest's: the image is hashed
     *                once. Its verdict is {@link #innerVerdict()}; this stream does not judge it.
     */
    VerifyingInputStream(InputStream in, ImageSpec image, Closeable onClose, InnerChecker checker) {
        this.in = in;
        this.image = image;
        this.onClose = onClose;
        this.checker = checker;
        try {
            this.digest = checker == null ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checker's verdict, once the declared size was reached; empty before that and without a checker. */
    Optional<InnerVerdict> innerVerdict() {
        return Optional.ofNullable(verdict);
    }

    /**
     * True once all {@code size} bytes the manifest declares have been read through this stream (skipped ones
     * included), the entry was found to end there, and their SHA-256 matched the manifest's; false before that
     * and forever after a failure.
     */
    public boolean verifiedToEnd() {
        return verified;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) throw failure;
        if (len == 0) return 0;
        if (verified) return -1;
        try {
            long room = image.size() - count;   // both within 0..ImageSpec.MAX_SIZE: no overflow
            if (room == 0) {                    // an empty image: nothing to hand out before the check
                checkEnd();
                return -1;
            }
            int want = (int) Math.min(len, room);
            int n;
            try {
                n = in.read(b, off, want);
            } catch (EOFException e) {
                throw shortImage();
            }
            if (n < 0) throw shortImage();
            if (n == 0 || n > want) {
                throw new IOException("reading image \"" + Printable.of(image.name()) + "\" returned " + n + " of " + want
                        + " bytes asked for");
            }
            if (checker != null) checker.update(b, off, n);
            else digest.update(b, off, n);
            count += n;
            if (count == image.size()) {
                try {
                    checkEnd();
                } catch (IOException e) {
                    Arrays.fill(b, off, off + n, (byte) 0);
                    throw e;
                }
            }
            return n;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** At the declared size: the entry must end here and the digest must match. */
    private void checkEnd() throws IOException {
        if (in.read() >= 0) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + Printable.of(image.name())
                    + "\" is longer than the " + image.size() + " bytes its manifest declares.");
        }
        String actual;
        if (checker != null) {
            verdict = checker.finish();
            actual = verdict.sha256();
        } else {
            actual = HexFormat.of().formatHex(digest.digest());
        }
        if (!actual.equals(image.sha256())) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_HASH_MISMATCH, "Image \"" + Printable.of(image.name())
                    + "\" has SHA-256 " + actual + " but its manifest declares " + image.sha256() + ".");
        }
        verified = true;
    }

    private ImageIntegrityException shortImage() {
        return new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + Printable.of(image.name())
                + "\" ends early in the archive after " + count + " of " + image.size() + " bytes.");
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) return 0;
        byte[] buf = new byte[(int) Math.min(n, SKIP_BUFFER)];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override
    public int available() throws IOException {
        if (failure != null || verified) return 0;
        return (int) Math.min(Math.max(0, in.available()), Math.max(0, image.size() - count - 1));
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            onClose.close();
        }
    }
}
