package io.fieldflash.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A ZIP writer for tests that writes exactly what it is told, including what the JDK's ZipOutputStream
 * refuses to write: duplicate names, encrypted-flagged entries, lying size fields, and deflate data
 * produced by a generator (for zip bombs).
 */
final class RawZip {
    /**
     * One entry; {@code declaredSize} is written as the uncompressed size whatever the data really inflates to.
     * {@code localName} is the name written in the local header (normally the same as {@code name});
     * {@code comment} is the entry's comment in the central directory.
     */
    record Entry(byte[] name, int method, int flags, byte[] stored, Generator generator, long declaredSize,
                 byte[] localName, byte[] comment, boolean hidden) {
        Entry(byte[] name, int method, int flags, byte[] stored, Generator generator, long declaredSize) {
            this(name, method, flags, stored, generator, declaredSize, name, new byte[0], false);
        }
    }

    /** Writes an entry's uncompressed bytes. */
    interface Generator {
        void write(OutputStream out) throws IOException;
    }

    private final List<Entry> entries = new ArrayList<>();
    /** The archive comment, after the end record. */
    byte[] comment = new byte[0];
    /** Write a ZIP64 end record and locator, and marker values in the classic end record. */
    boolean zip64;
    /** Written after everything else (after the comment). */
    byte[] trailer = new byte[0];

    /** A stored entry whose local header names {@code localName} while the central directory names {@code name}. */
    RawZip storedWithLocalName(String name, String localName, byte[] data) {
        entries.add(new Entry(utf8(name), 0, 0x800, data, null, data.length, utf8(localName), new byte[0], false));
        return this;
    }

    /** A stored entry whose headers declare {@code declaredSize} (a ZIP64 extra field from 4 GiB up) whatever its data. */
    RawZip storedDeclaring(String name, byte[] data, long declaredSize) {
        entries.add(new Entry(utf8(name), 0, 0x800, data, null, declaredSize));
        return this;
    }

    /** A stored entry with a comment in the central directory (to make a large central directory). */
    RawZip storedWithComment(String name, byte[] data, byte[] comment) {
        entries.add(new Entry(utf8(name), 0, 0x800, data, null, data.length, utf8(name), comment, false));
        return this;
    }

    /** A local header and data that the central directory does not list (only a streaming reader finds it). */
    RawZip hidden(String name, byte[] data) {
        entries.add(new Entry(utf8(name), 0, 0x800, data, null, data.length, utf8(name), new byte[0], true));
        return this;
    }

    /** The classic end record, as a decoy: small, harmless-looking values pointing nowhere. */
    static byte[] decoyEndRecord() {
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) 1).putShort((short) 1).putInt(46).putInt(0).putShort((short) 0);
        return end.array();
    }

    RawZip stored(String name, byte[] data) {
        entries.add(new Entry(utf8(name), 0, 0x800, data, null, data.length));
        return this;
    }

    RawZip storedRawName(byte[] name, byte[] data) {
        entries.add(new Entry(name, 0, 0x800, data, null, data.length));
        return this;
    }

    RawZip encrypted(String name, byte[] data) {
        entries.add(new Entry(utf8(name), 0, 0x801, data, null, data.length));
        return this;
    }

    /** A deflated entry whose data the generator feeds into the deflater; the declared size is whatever is given. */
    RawZip deflated(String name, Generator generator, long declaredSize) {
        entries.add(new Entry(utf8(name), 8, 0x800, null, generator, declaredSize));
        return this;
    }

    /** A deflated entry with ready-made raw deflate data and whatever uncompressed size is declared. */
    RawZip deflatedBytes(String name, byte[] compressed, long declaredSize) {
        entries.add(new Entry(utf8(name), 8, 0x800, compressed, null, declaredSize));
        return this;
    }

    void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteArrayOutputStream central = new ByteArrayOutputStream();
            long offset = 0;
            for (Entry e : entries) {
                byte[] data;
                long crc;
                if (e.method() == 0) {
                    data = e.stored();
                    CRC32 c = new CRC32();
                    c.update(data);
                    crc = c.getValue();
                } else if (e.generator() == null) {
                    data = e.stored();
                    crc = 0;
                } else {
                    ByteArrayOutputStream comp = new ByteArrayOutputStream();
                    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
                    try (DeflaterOutputStream dos = new DeflaterOutputStream(comp, d, 64 * 1024)) {
                        e.generator().write(dos);
                    }
                    d.end();
                    data = comp.toByteArray();
                    crc = 0; // a bomb's CRC is never reached: the reader must stop long before the end
                }
                byte[] local = header(0x04034b50, e, crc, data.length, -1);
                out.write(local);
                out.write(data);
                if (!e.hidden()) central.write(header(0x02014b50, e, crc, data.length, offset));
                offset += local.length + data.length;
            }
            byte[] cd = central.toByteArray();
            long listed = entries.stream().filter(e -> !e.hidden()).count();
            out.write(cd);
            if (zip64) {
                long end64 = offset + cd.length;
                ByteBuffer z = ByteBuffer.allocate(56 + 20).order(ByteOrder.LITTLE_ENDIAN);
                z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(listed).putLong(listed).putLong(cd.length).putLong(offset);
                z.putInt(0x07064b50).putInt(0).putLong(end64).putInt(1);
                out.write(z.array());
            }
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) (zip64 ? 0xFFFF : listed)).putShort((short) (zip64 ? 0xFFFF : listed))
                    .putInt(zip64 ? -1 : cd.length).putInt(zip64 ? -1 : (int) offset).putShort((short) comment.length);
            out.write(end.array());
            out.write(comment);
            out.write(trailer);
        }
    }

    private static byte[] header(int sig, Entry e, long crc, long compressed, long localOffset) {
        boolean central = localOffset >= 0;
        byte[] name = central ? e.name() : e.localName();
        byte[] comment = central ? e.comment() : new byte[0];
        // A declared size from 4 GiB up goes in a ZIP64 extra field (the local header's holds both sizes).
        boolean big = e.declaredSize() >= 0xFFFFFFFFL;
        ByteBuffer extra = ByteBuffer.allocate(big ? (central ? 12 : 20) : 0).order(ByteOrder.LITTLE_ENDIAN);
        if (big) {
            extra.putShort((short) 1).putShort((short) (central ? 8 : 16)).putLong(e.declaredSize());
            if (!central) extra.putLong(compressed);
        }
        ByteBuffer b = ByteBuffer.allocate((central ? 46 : 30) + name.length + extra.capacity() + comment.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(sig);
        if (central) b.putShort((short) 20);          // version made by
        b.putShort((short) (big ? 45 : 20))           // version needed
                .putShort((short) e.flags())
                .putShort((short) e.method())
                .putShort((short) 0).putShort((short) 0x21) // time, date
                .putInt((int) crc)
                .putInt(big && !central ? -1 : (int) compressed)
                .putInt(big ? -1 : (int) e.declaredSize())
                .putShort((short) name.length)
                .putShort((short) extra.capacity());
        if (central) {
            b.putShort((short) comment.length).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) localOffset);
        }
        b.put(name).put(extra.array()).put(comment);
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
