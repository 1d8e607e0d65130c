package io.fieldflash.bundle;

import io.fieldflash.Printable;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Before the JDK's {@link ZipFile} sees the file, the archive's structure is read here, within fixed limits,
 * so that the JDK and any other unzip tool can only read it one way:
 * <ul>
 * <li>exactly one end record, the last one in the file, ending exactly at the end of the file (its comment
 *     length matches); a ZIP64 end record and locator, when present, directly before it, and agreeing with it;
 *     no ZIP64 marker value without them;
 * <li>at most {@value #MAX_ENTRIES} entries and a central directory of at most 1 MiB, whichever record says so,
 *     and the central directory ending exactly where the end records begin, with nothing before the first entry;
 * <li>every central directory entry parsed here (UTF-8 name, no encryption), and every local header naming the
 *     same entry, with the same method, as the central directory (the JDK reads only the central directory's
 *     name; other extractors use the local one).
 * </ul>
 */
final class BundleArchive implements AutoCloseable {
    static final int MAX_ENTRIES = 64;
    /** A central directory of 64 entries with long names and extras is far below this. */
    private static final long MAX_CENTRAL_DIRECTORY = 1 << 20;
    static final String MANIFEST = "manifest.json";
    static final String SIGNATURES = "signatures.json";
    static final int MAX_SIGNATURES_BYTES = 64 * 1024;

    private static final int END_SIG = 0x06054b50, END_LEN = 22;
    private static final int ZIP64_END_SIG = 0x06064b50, ZIP64_END_LEN = 56;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50, ZIP64_LOCATOR_LEN = 20;
    private static final int CEN_SIG = 0x02014b50, CEN_LEN = 46;
    private static final int LOC_SIG = 0x04034b50, LOC_LEN = 30;
    private static final long U16_MARK = 0xFFFF, U32_MARK = 0xFFFFFFFFL;

    private final ZipFile zip;
    private final List<ZipEntry> entries;

    private BundleArchive(ZipFile zip, List<ZipEntry> entries) {
        this.zip = zip;
        this.entries = entries;
    }

    static BundleArchive open(Path file) throws BundleException {
        List<String> names = checkStructure(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The bundle file " + Printable.of(file.toString()) + " does not exist or cannot be opened.", e);
        } catch (ZipException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The bundle is not a readable ZIP archive ("
                    + Printable.cut(e.getMessage(), 200) + "); it may be truncated or damaged.", e);
        } catch (IOException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read the bundle file: " + Printable.cut(e.getMessage(), 200), e);
        }
        try {
            if (zip.size() > MAX_ENTRIES) {
                throw new BundleException(ReasonCode.BAD_ARCHIVE, "The archive has " + zip.size()
                        + " entries; a bundle has at most " + MAX_ENTRIES + ".");
            }
            List<ZipEntry> list = new ArrayList<>(Collections.list(zip.entries()));
            List<String> jdkNames = new ArrayList<>(list.stream().map(ZipEntry::getName).toList());
            List<String> ourNames = new ArrayList<>(names);
            Collections.sort(jdkNames);
            Collections.sort(ourNames);
            if (!jdkNames.equals(ourNames)) {
                // Only when the file changed between the two reads, or the JDK reads a ZIP differently than documented.
                throw new BundleException(ReasonCode.BAD_ARCHIVE, "The archive's entries read differently on a second look; "
                        + "the file may be changing while it is read.");
            }
            for (ZipEntry e : list) {
                if (!e.isDirectory() && e.getMethod() != ZipEntry.STORED && e.getMethod() != ZipEntry.DEFLATED) {
                    throw new BundleException(ReasonCode.BAD_ARCHIVE, "Entry \"" + Printable.of(e.getName())
                            + "\" uses a compression method other than stored or deflated.");
                }
            }
            return new BundleArchive(zip, List.copyOf(list));
        } catch (BundleException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /** Where the central directory is, as the end records say, once they are found consistent. */
    private record Directory(long offset, long size, long entries) {}

    /** One central directory entry, as far as the checks here need it. */
    private record CentralEntry(byte[] rawName, String name, int flags, int method, long compressedSize, long localOffset,
                                boolean zip64Sizes) {}

    /**
     * Steps 1 and 2 on the raw file: end records, central directory, local headers, entry names. Returns the
     * entry names.
     */
    private static List<String> checkStructure(Path file) throws BundleException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Directory dir = endRecords(ch);
            ByteBuffer cd = readAt(ch, dir.offset(), (int) dir.size());
            List<CentralEntry> entries = centralDirectory(cd, dir);
            List<String> names = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (CentralEntry e : entries) {
                if (!EntryNames.isSafe(e.name())) {
                    throw new BundleException(ReasonCode.UNSAFE_PATH, "The archive has an unsafe entry name \""
                            + Printable.cut(e.name(), 100) + "\" (absolute, '..', backslash, drive letter or control character).");
                }
                if (!seen.add(e.name())) {
                    throw new BundleException(ReasonCode.UNSAFE_PATH, "The archive has two entries named \"" + Printable.cut(e.name(), 100) + "\".");
                }
                names.add(e.name());
            }
            // In file order, every entry must start exactly where the one before it ends: no bytes that no entry
            // owns (a streaming unzip tool would find a hidden entry there), no entry inside another.
            List<CentralEntry> inFileOrder = new ArrayList<>(entries);
            inFileOrder.sort(java.util.Comparator.comparingLong(CentralEntry::localOffset));
            long expected = 0;
            for (CentralEntry e : inFileOrder) {
                if (e.localOffset() != expected) {
                    throw bad("The archive has " + (e.localOffset() < expected ? "overlapping entries" : "bytes between its entries that no entry owns")
                            + " (before \"" + Printable.cut(e.name(), 100) + "\").");
                }
                long dataEnd = localHeader(ch, e, dir);
                expected = (e.flags() & 8) == 0 ? dataEnd : afterDescriptor(ch, e, dataEnd, nextStart(inFileOrder, e, dir));
            }
            if (expected != dir.offset()) throw bad("The archive has bytes between its last entry and its central directory.");
            return names;
        } catch (NoSuchFileException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "The bundle file " + Printable.of(file.toString()) + " does not exist.", e);
        } catch (IOException e) {
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read the bundle file " + Printable.of(file.toString()) + ": "
                    + Printable.cut(e.getMessage(), 200), e);
        }
    }

    private static BundleException bad(String what) {
        return new BundleException(ReasonCode.BAD_ARCHIVE, what);
    }

    /** Finds the one end record (and the ZIP64 one), checks them against each other and against the limits. */
    private static Directory endRecords(FileChannel ch) throws IOException, BundleException {
        long size = ch.size();
        if (size < END_LEN) throw bad("The file is too short to be a ZIP archive (" + size + " bytes).");
        int tailLen = (int) Math.min(size, END_LEN + 65535);
        long tailStart = size - tailLen;
        ByteBuffer tail = readAt(ch, tailStart, tailLen);
        int at = -1;
        for (int i = tailLen - 4; i >= 0; i--) {
            if (tail.getInt(i) == END_SIG) {
                at = i;
                break;
            }
        }
        if (at < 0 || at > tailLen - END_LEN) {
            if (at < 0) throw bad("The file is not a ZIP archive (no end-of-central-directory record); it may be truncated.");
            throw bad("The archive's end record is cut off at the end of the file; it may be truncated.");
        }
        int commentLen = u16(tail, at + 20);
        if (at + END_LEN + commentLen != tailLen) {
            throw bad("The archive's last end record does not end the file (" + (tailLen - at - END_LEN - commentLen)
                    + " bytes differ): there are bytes after the archive, or a second end record hides in its comment. "
                    + "A bundle has exactly one.");
        }
        for (int i = at - 1; i >= 0; i--) {
            if (i + END_LEN <= tailLen && tail.getInt(i) == END_SIG && i + END_LEN + u16(tail, i + 20) == tailLen) {
                throw bad("The archive has two end records that each could end the file; a bundle has exactly one.");
            }
        }
        long endPos = tailStart + at;
        long disk = u16(tail, at + 4), cdDisk = u16(tail, at + 6);
        long onDisk = u16(tail, at + 8), total = u16(tail, at + 10);
        long cdSize = u32(tail, at + 12), cdOffset = u32(tail, at + 16);

        long dirEnd = endPos;   // where the central directory must end
        ByteBuffer locator = endPos >= ZIP64_LOCATOR_LEN ? readAt(ch, endPos - ZIP64_LOCATOR_LEN, ZIP64_LOCATOR_LEN) : null;
        if (locator != null && locator.getInt(0) == ZIP64_LOCATOR_SIG) {
            long locatorPos = endPos - ZIP64_LOCATOR_LEN;
            long end64Disk = u32(locator, 4), end64Pos = locator.getLong(8), disks = u32(locator, 16);
            if (end64Disk != 0 || disks > 1) throw bad("The archive spans several disks; a bundle is one file.");
            if (end64Pos < 0 || end64Pos > locatorPos - ZIP64_END_LEN) {
                throw bad("The archive's ZIP64 locator points outside the file.");
            }
            ByteBuffer end64 = readAt(ch, end64Pos, ZIP64_END_LEN);
            long recordSize = end64.getLong(4);
            if (end64.getInt(0) != ZIP64_END_SIG || recordSize < ZIP64_END_LEN - 12
                    || recordSize != locatorPos - end64Pos - 12) {
                throw bad("The archive's ZIP64 end record is missing or does not end where its locator begins.");
            }
            long disk64 = u32(end64, 16), cdDisk64 = u32(end64, 20);
            long onDisk64 = end64.getLong(24), total64 = end64.getLong(32);
            long cdSize64 = end64.getLong(40), cdOffset64 = end64.getLong(48);
            if (!agrees(disk, disk64, U16_MARK) || !agrees(cdDisk, cdDisk64, U16_MARK) || !agrees(onDisk, onDisk64, U16_MARK)
                    || !agrees(total, total64, U16_MARK) || !agrees(cdSize, cdSize64, U32_MARK) || !agrees(cdOffset, cdOffset64, U32_MARK)) {
                throw bad("The archive's end record and ZIP64 end record disagree about its central directory.");
            }
            disk = disk64;
            cdDisk = cdDisk64;
            onDisk = onDisk64;
            total = total64;
            cdSize = cdSize64;
            cdOffset = cdOffset64;
            dirEnd = end64Pos;
        } else if (disk == U16_MARK || cdDisk == U16_MARK || onDisk == U16_MARK || total == U16_MARK
                || cdSize == U32_MARK || cdOffset == U32_MARK) {
            throw bad("The archive's end record refers to a ZIP64 end record that is not there.");
        }
        if (disk != 0 || cdDisk != 0) throw bad("The archive spans several disks; a bundle is one file.");
        if (total < 0 || total > MAX_ENTRIES) {
            throw bad("The archive has " + Long.toUnsignedString(total) + " entries; a bundle has at most " + MAX_ENTRIES + ".");
        }
        if (onDisk != total) throw bad("The archive's end record gives two different entry counts.");
        if (cdSize < 0 || cdSize > MAX_CENTRAL_DIRECTORY) {
            throw bad("The archive's central directory is " + Long.toUnsignedString(cdSize) + " bytes, far more than a bundle's can be.");
        }
        if (cdOffset < 0 || cdOffset > dirEnd || dirEnd - cdOffset != cdSize) {
            throw bad("The archive's central directory is not where its end record says (at " + Long.toUnsignedString(cdOffset)
                    + ", " + cdSize + " bytes, before offset " + dirEnd + "); the file may be damaged or have data in front of it.");
        }
        return new Directory(cdOffset, cdSize, total);
    }

    /** A classic field agrees with its ZIP64 counterpart when equal, or when it is the marker saying "see ZIP64". */
    private static boolean agrees(long classic, long zip64, long marker) {
        return classic == zip64 || classic == marker;
    }

    /** Parses exactly {@code dir.entries()} entries that fill the central directory exactly. */
    private static List<CentralEntry> centralDirectory(ByteBuffer cd, Directory dir) throws BundleException {
        List<CentralEntry> out = new ArrayList<>();
        int pos = 0;
        int limit = cd.capacity();
        for (long n = 0; n < dir.entries(); n++) {
            if (pos > limit - CEN_LEN || cd.getInt(pos) != CEN_SIG) {
                throw bad("The archive's central directory is damaged (entry " + (n + 1) + " of " + dir.entries() + " is not there).");
            }
            int flags = u16(cd, pos + 8), method = u16(cd, pos + 10);
            long compressed = u32(cd, pos + 20), uncompressed = u32(cd, pos + 24);
            boolean zip64Sizes = compressed == U32_MARK || uncompressed == U32_MARK;
            int nameLen = u16(cd, pos + 28), extraLen = u16(cd, pos + 30), commentLen = u16(cd, pos + 32);
            long diskStart = u16(cd, pos + 34), localOffset = u32(cd, pos + 42);
            int next = pos + CEN_LEN + nameLen + extraLen + commentLen;
            if (next > limit) throw bad("The archive's central directory is damaged (entry " + (n + 1) + " runs past its end).");
            byte[] rawName = new byte[nameLen];
            cd.get(pos + CEN_LEN, rawName);
            String name = utf8Name(rawName);
            // ZIP64 extra field: 64-bit values for exactly the fields that hold the marker, in this order.
            int e = pos + CEN_LEN + nameLen, extraEnd = e + extraLen;
            while (e + 4 <= extraEnd) {
                int id = u16(cd, e), len = u16(cd, e + 2);
                if (e + 4 + len > extraEnd) throw bad("Entry \"" + Printable.cut(name, 100) + "\" has a damaged extra field.");
                if (id == 1) {
                    int f = e + 4, fEnd = f + len;
                    if (uncompressed == U32_MARK) {
                        if (f + 8 > fEnd) throw bad("Entry \"" + Printable.cut(name, 100) + "\" has a damaged ZIP64 field.");
                        uncompressed = cd.getLong(f);
                        f += 8;
                    }
                    if (compressed == U32_MARK) {
                        if (f + 8 > fEnd) throw bad("Entry \"" + Printable.cut(name, 100) + "\" has a damaged ZIP64 field.");
                        compressed = cd.getLong(f);
                        f += 8;
                    }
                    if (localOffset == U32_MARK) {
                        if (f + 8 > fEnd) throw bad("Entry \"" + Printable.cut(name, 100) + "\" has a damaged ZIP64 field.");
                        localOffset = cd.getLong(f);
                        f += 8;
                    }
                    if (diskStart == U16_MARK) {
                        if (f + 4 > fEnd) throw bad("Entry \"" + Printable.cut(name, 100) + "\" has a damaged ZIP64 field.");
                        diskStart = u32(cd, f);
                    }
                }
                e += 4 + len;
            }
            if ((flags & 1) != 0 || (flags & 0x40) != 0) {
                throw bad("Entry \"" + Printable.cut(name, 100) + "\" is encrypted; a bundle holds no encrypted entries.");
            }
            if (diskStart != 0) throw bad("The archive spans several disks; a bundle is one file.");
            if (compressed < 0 || localOffset < 0 || localOffset >= dir.offset() || compressed > dir.offset() - localOffset) {
                throw bad("Entry \"" + Printable.cut(name, 100) + "\" lies outside the archive's data.");
            }
            out.add(new CentralEntry(rawName, name, flags, method, compressed, localOffset, zip64Sizes));
            pos = next;
        }
        if (pos != limit) throw bad("The archive's central directory holds more than its end record counts.");
        return out;
    }

    /** An entry name as UTF-8, strictly: the JDK reads names as UTF-8, and so must every check here. */
    private static String utf8Name(byte[] raw) throws BundleException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new BundleException(ReasonCode.UNSAFE_PATH, "The archive has an entry name that is not UTF-8 text.");
        }
    }

    /** Where the entry after {@code e} in the file starts (the central directory after the last one). */
    private static long nextStart(List<CentralEntry> inFileOrder, CentralEntry e, Directory dir) {
        int i = inFileOrder.indexOf(e);
        return i + 1 < inFileOrder.size() ? inFileOrder.get(i + 1).localOffset() : dir.offset();
    }

    /**
     * The end of the data descriptor that follows an entry's data (general purpose flag bit 3): CRC and both
     * sizes, 32- or 64-bit, with or without its optional signature. Accepted only when one of these forms ends
     * exactly at {@code next}.
     */
    private static long afterDescriptor(FileChannel ch, CentralEntry e, long dataEnd, long next) throws IOException, BundleException {
        int sizes = e.zip64Sizes() ? 16 : 8;
        long length = next - dataEnd;
        boolean fits = false;
        if (length == 4 + sizes) {
            fits = true;                                  // no signature
        } else if (length == 8 + sizes) {
            fits = readAt(ch, dataEnd, 4).getInt(0) == 0x08074b50;
        }
        if (!fits) {
            throw bad("Entry \"" + Printable.cut(e.name(), 100) + "\" is not followed by its data descriptor alone.");
        }
        return next;
    }

    /**
     * The local header of {@code e} must name the same entry, in the same bytes, with the same method and flags.
     * Returns where the entry's data ends.
     */
    private static long localHeader(FileChannel ch, CentralEntry e, Directory dir) throws IOException, BundleException {
        if (e.localOffset() > dir.offset() - LOC_LEN) throw bad("Entry \"" + Printable.cut(e.name(), 100) + "\" lies outside the archive's data.");
        ByteBuffer loc = readAt(ch, e.localOffset(), LOC_LEN);
        if (loc.getInt(0) != LOC_SIG) {
            throw bad("Entry \"" + Printable.cut(e.name(), 100) + "\" has no local header where the central directory says.");
        }
        int flags = u16(loc, 6), method = u16(loc, 8), nameLen = u16(loc, 26), extraLen = u16(loc, 28);
        long dataStart = e.localOffset() + LOC_LEN + nameLen + extraLen;
        if (dataStart > dir.offset() || e.compressedSize() > dir.offset() - dataStart) {
            throw bad("Entry \"" + Printable.cut(e.name(), 100) + "\" lies outside the archive's data.");
        }
        ByteBuffer name = readAt(ch, e.localOffset() + LOC_LEN, nameLen);
        byte[] localName = new byte[nameLen];
        name.get(0, localName);
        if (!Arrays.equals(localName, e.rawName())) {
            String shownLocal;
            try {
                shownLocal = Printable.cut(utf8Name(localName), 100);
            } catch (BundleException notUtf8) {
                shownLocal = "(not UTF-8)";
            }
            throw new BundleException(ReasonCode.UNSAFE_PATH, "Entry \"" + Printable.cut(e.name(), 100) + "\" is named \""
                    + shownLocal + "\" in its local header: another unzip tool would write it under that name.");
        }
        if (method != e.method() || (flags & 9) != (e.flags() & 9)) {
            throw bad("Entry \"" + Printable.cut(e.name(), 100) + "\" has a local header that disagrees with the central directory.");
        }
        return dataStart + e.compressedSize();
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException, BundleException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) throw bad("The archive ends early; it may be truncated.");
        }
        return b.clear();
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
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
            throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read " + name + " from the archive: "
                    + Printable.cut(ex.getMessage(), 200), ex);
        }
    }

    private static BundleException tooBig(String name, int max) {
        return new BundleException(ReasonCode.BAD_MANIFEST, name + " is larger than " + (max / 1024) + " KiB.");
    }

    /**
     * The raw bytes of an image, checked against the manifest as they stream.
     *
     * @param onClose closed after the entry stream (the archive, when the stream owns it)
     */
    VerifyingInputStream openImage(ImageSpec image, Closeable onClose) throws IOException {
        return openImage(image, onClose, null);
    }

    /** {@link #openImage(ImageSpec, Closeable)} with the image's bytes also streamed through {@code checker}. */
    VerifyingInputStream openImage(ImageSpec image, Closeable onClose, io.fieldflash.bundle.inner.InnerChecker checker) throws IOException {
        ZipEntry e = zip.getEntry(image.file());
        if (e == null) {
            throw new ImageIntegrityException(ReasonCode.MISSING_ENTRY, "The bundle has no " + Printable.of(image.file()) + ".");
        }
        if (e.getSize() >= 0 && e.getSize() != image.size()) {
            throw new ImageIntegrityException(ReasonCode.IMAGE_SIZE_MISMATCH, "Image \"" + Printable.of(image.name()) + "\" is "
                    + e.getSize() + " bytes in the archive but its manifest declares " + image.size() + ".");
        }
        return new VerifyingInputStream(zip.getInputStream(e), image, onClose, checker);
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
}
