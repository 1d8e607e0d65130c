package io.fieldflash.bundle.inner;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One running SHA-256 over an image, from which the digest of any prefix can be taken on the way (a copy of
 * the running state) without hashing the image twice.
 */
final class Sha256 {
    private final MessageDigest md;

    Sha256() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    void update(byte[] b, int off, int len) {
        md.update(b, off, len);
    }

    /** The digest of everything so far; hashing goes on. */
    byte[] snapshot() {
        try {
            return ((MessageDigest) md.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 state cannot be copied", e);
        }
    }

    /** The digest of everything so far followed by {@code tail}; the running state is left as it was. */
    byte[] snapshotWith(byte[] tail, int off, int len) {
        try {
            MessageDigest copy = (MessageDigest) md.clone();
            copy.update(tail, off, len);
            return copy.digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 state cannot be copied", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
