package io.fieldflash.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
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

    /** A plain file as an image (hashes it once, now). */
    static ImageSource ofFile(Path file, String name) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        long size = Files.size(file);
        String sha = HexFormat.of().formatHex(md.digest());
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
