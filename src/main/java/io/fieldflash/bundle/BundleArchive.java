package io.fieldflash.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A bundle file opened as a ZIP archive, with steps 1 and 2 of verification done: it is a readable,
 * unencrypted ZIP of at most {@value #MAX_ENTRIES} entries, and every entry name is safe and unique.
 */
final class BundleArchive implements AutoCloseable {
    static final int MAX_ENTRIES = 64;
    /** A central directory of 64 entries with long names and extras is far below this. */
    private static final long MAX_CENTRAL_DIRECTORY = 1 << 20;
    static final String MANIFEST = "manifest.json";
    static final String SIGNATURES = "signatures.json";
    static final int MAX_SIGNATURES_BYTES = 64 * 1024;

    private final ZipFile zip;
    private final List<ZipEntry> entries;

    private BundleArchive(ZipFile zip, List<ZipEntry> entries) {
        this.zip = zip;
        this.entries = entries;
    }

    static BundleArchive open(Path file) throws BundleException {
        precheckEndRecord(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The bundle file " + file + " does not exist or cannot be opened.", e);
        } catch (ZipException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The bundle is not a readable ZIP archive ("
                    + e.getMessage() + "); it may be truncated or damaged.", e);
        } catch (IOException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read the bundle file: " + e.getMessage(), e);
        }
        try {
            if (zip.size() > MAX_ENTRIES) {
                throw new BundleException(ReasonCode.BAD_ARCHIVE, "The archive has " + zip.size()
                        + " entries; a bundle has at most " + MAX_ENTRIES + ".");
            }
            List<ZipEntry> list = new ArrayList<>(Collections.list(zip.entries()));
            Set<String> seen = new HashSet<>();
            for (ZipEntry e : list) {
                String name = e.getName();
                if (!EntryNames.isSafe(name)) {
                    throw new BundleException(ReasonCode.UNSAFE_PATH, "The archive has an unsafe entry name \""
                            + printable(name) + "\" (absolute, '..', backslash, drive letter or control character).");
                }
                if (!seen.add(name)) {
                    throw new BundleException(ReasonCode.UNSAFE_PATH, "The archive has two entries named \"" + printable(name) + "\".");
                }
            }
            for (ZipEntry e : list) {
                if (!e.isDirectory() && e.getMethod() != ZipEntry.STORED && e.getMethod() != ZipEntry.DEFLATED) {
                    throw new BundleException(ReasonCode.BAD_ARCHIVE, "Entry \"" + e.getName()
                            + "\" uses a compression method other than stored or deflated.");
                }
            }
            return new BundleArchive(zip, List.copyOf(list));
        } catch (BundleException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /**
     * Reads the end-of-central-directory record before the JDK parses the archive, so that an archive
     * claiming thousands of entries or a huge central directory is refused without loading it.
     */
    private static void precheckEndRecord(Path file) throws BundleException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 22) throw new BundleException(ReasonCode.BAD_ARCHIVE, "The file is too short to be a ZIP archive (" + size + " bytes).");
            int tail = (int) Math.min(size, 22 + 65535);
            ByteBuffer buf = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(buf, size - tail);
            buf.flip();
            for (int i = tail - 22; i >= 0; i--) {
                if (buf.getInt(i) == 0x06054b50) {
                    int total = Short.toUnsignedInt(buf.getShort(i + 10));
                    long cdSize = Integer.toUnsignedLong(buf.getInt(i + 12));
                    if (total != 0xFFFF && total > MAX_ENTRIES) {
                        throw new BundleException(ReasonCode.BAD_ARCHIVE, "The archive has " + total
                                + " entries; a bundle has at most " + MAX_ENTRIES + ".");
                    }
                    if (cdSize != 0xFFFFFFFFL && cdSize > MAX_CENTRAL_DIRECTORY) {
                        throw new BundleException(ReasonCode.BAD_ARCHIVE, "The archive's central directory is "
                                + cdSize + " bytes, far more than a bundle's can be.");
                    }
                    return;
                }
            }
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The file is not a ZIP archive (no end-of-central-directory record); it may be truncated.");
        } catch (NoSuchFileException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The bundle file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read the bundle file " + file + ": " + e.getMessage(), e);
        }
    }

    List<ZipEntry> entries() {
        return entries;
    }

    boolean has(String name) {
        return zip.getEntry(name) != null && entries.stream().anyMatch(e -> e.getName().equals(name));
    }

    /** Reads a small metadata entry, refusing it when longer than {@code max}. */
    byte[] readSmall(String name, int max) throws BundleException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new BundleException(ReasonCode.MISSING_ENTRY, "The bundle has no " + name + ".");
        if (e.getSize() > max) throw tooBig(name, max);
        try (InputStream in = zip.getInputStream(e)) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) throw tooBig(name, max);
            return data;
        } catch (IOException ex) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read " + name + " from the archive: " + ex.getMessage(), ex);
        }
    }

    private static BundleException tooBig(String name, int max) {
        return new BundleException(ReasonCode.BAD_MANIFEST, name + " is larger than " + (max / 1024) + " KiB.");
    }

    /** The raw bytes of an image, checked against the manifest as they stream. */
    InputStream openImage(ImageSpec image) throws IOException {
        ZipEntry e = zip.getEntry(image.file());
        if (e == null) throw new ImageIntegrityException(ReasonCode.MISSING_ENTRY, "The bundle has no " + image.file() + ".");
        if (e.getSize() >= 0 && e.getSize() != image.size()) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + image.name() + "\" is "
                    + e.getSize() + " bytes in the archive but its manifest declares " + image.size() + ".");
        }
        return new VerifyingInputStream(zip.getInputStream(e), image);
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing was written; a close failure cannot lose data
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
