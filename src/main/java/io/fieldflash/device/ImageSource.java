package io.fieldflash.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes of one image, opened as a stream at any offset, so that nothing ever holds a whole image in
 * memory. A bundle's image re-verifies itself while it streams ({@code VerifiedBundle.openImage}).
 */
public interface ImageSource {

    /** The image's name, e.g. {@code app}. */
    String name();

    /** Its exact length in bytes. */
    long size();

    /** Lowercase hex SHA-256 of all its bytes. */
    String sha256();

    /** A fresh stream positioned at {@code offset}; the caller closes it. */
    InputStream open(long offset) throws IOException;

    /**
     * Lowercase hex MD5 of all its bytes, read through once (streamed, never held whole), for the devices that
     * check an image by MD5 (espota, the Arduino web updaters).
     */
    default String md5() throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = open(0)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** A plain file as an image (hashes it once, now). */
    static ImageSource ofFile(Path file, String name) throws IOException {
        String sha = io.fieldflash.AtomicFile.sha256Hex(file);
        long size = Files.size(file);
        return new ImageSource() {
            @Override public String name() { return name; }
            @Override public long size() { return size; }
            @Override public String sha256() { return sha; }
            @Override public InputStream open(long offset) throws IOException {
                InputStream in = Files.newInputStream(file);
                try {
                    in.skipNBytes(offset);
                } catch (IOException e) {
                    in.close();
                    throw e;
                }
                return in;
            }
        };
    }
}
