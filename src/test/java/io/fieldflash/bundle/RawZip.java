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
    /** One entry; {@code declaredSize} is written as the uncompressed size whatever the data really inflates to. */
    record Entry(byte[] name, int method, int flags, byte[] stored, Generator generator, long declaredSize) {}

    /** Writes an entry's uncompressed bytes. */
    interface Generator {
        void write(OutputStream out) throws IOException;
    }

    private final List<Entry> entries = new ArrayList<>();

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
                central.write(header(0x02014b50, e, crc, data.length, offset));
                offset += local.length + data.length;
            }
            byte[] cd = central.toByteArray();
            out.write(cd);
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) entries.size()).putShort((short) entries.size())
                    .putInt(cd.length).putInt((int) offset).putShort((short) 0);
            out.write(end.array());
        }
    }

    private static byte[] header(int sig, Entry e, long crc, long compressed, long localOffset) {
        boolean central = localOffset >= 0;
        ByteBuffer b = ByteBuffer.allocate((central ? 46 : 30) + e.name().length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(sig);
        if (central) b.putShort((short) 20);          // version made by
        b.putShort((short) 20)                         // version needed
                .putShort((short) e.flags())
                .putShort((short) e.method())
                .putShort((short) 0).putShort((short) 0x21) // time, date
                .putInt((int) crc)
                .putInt((int) compressed)
                .putInt((int) e.declaredSize())
                .putShort((short) e.name().length)
                .putShort((short) 0);                  // extra length
        if (central) {
            b.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) localOffset);
        }
        b.put(e.name());
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
