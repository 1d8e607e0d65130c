package io.fieldflash.sim.esprom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The simulated unit's SPI NOR flash, kept in {@code flash.bin}: a new one is all {@code 0xFF}. Like NOR flash,
 * erasing sets whole 4 KiB sectors to {@code 0xFF} and programming can only clear bits, so data written over
 * bytes that were not erased comes out wrong, and the ROM's read-back check reports it.
 */
final class RomFlash implements AutoCloseable {
    static final int SECTOR = 0x1000;

    private final FileChannel ch;
    private final long size;

    private RomFlash(FileChannel ch, long size) {
        this.ch = ch;
        this.size = size;
    }

    /** Opens {@code file}, making it {@code size} bytes of 0xFF when it does not exist. */
    static RomFlash open(Path file, long size) throws IOException {
        if (!Files.exists(file)) {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                byte[] ff = new byte[64 * 1024];
                Arrays.fill(ff, (byte) 0xFF);
                for (long pos = 0; pos < size; pos += ff.length) c.write(ByteBuffer.wrap(ff, 0, (int) Math.min(ff.length, size - pos)));
            }
            io.fieldflash.AtomicFile.move(tmp, file);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new RomFlash(ch, ch.size());
    }

    long size() {
        return size;
    }

    boolean contains(long offset, long len) {
        return offset >= 0 && len >= 0 && offset + len <= size;
    }

    /** Sets {@code count} sectors from {@code firstSector} to 0xFF (as far as the flash goes). */
    void eraseSectors(long firstSector, long count) throws IOException {
        byte[] ff = new byte[SECTOR];
        Arrays.fill(ff, (byte) 0xFF);
        for (long s = firstSector; s < firstSector + count; s++) {
            long pos = s * SECTOR;
            if (pos >= size) break;
            ch.write(ByteBuffer.wrap(ff), pos);
        }
    }

    /**
     * Programs {@code len} bytes at {@code offset}: each flash byte becomes {@code old & new}.
     *
     * @return true when the flash now reads back exactly {@code data} (the ROM checks this)
     */
    boolean program(long offset, byte[] data, int off, int len) throws IOException {
        byte[] old = read(offset, len);
        boolean same = true;
        for (int i = 0; i < len; i++) {
            byte b = (byte) (old[i] & data[off + i]);
            if (b != data[off + i]) same = false;
            old[i] = b;
        }
        ch.write(ByteBuffer.wrap(old), offset);
        return same;
    }

    byte[] read(long offset, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) break;
        }
        return b.array();
    }

    /** Lowercase hex MD5 of a region. */
    String md5(long offset, long len) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            b.clear().limit((int) Math.min(b.capacity(), end - pos));
            int n = ch.read(b, pos);
            if (n <= 0) break;
            md.update(b.array(), 0, n);
            pos += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    void force() throws IOException {
        ch.force(false);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
