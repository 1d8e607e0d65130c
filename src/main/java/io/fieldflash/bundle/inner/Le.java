package io.fieldflash.bundle.inner;

/** Little-endian reads from byte arrays, as the bootloaders' structures are laid out. */
final class Le {
    private Le() {}

    static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    static long u32(byte[] b, int off) {
        return (u16(b, off) | (long) u16(b, off + 2) << 16) & 0xffffffffL;
    }

    /** {@code len} bytes from {@code off} in reverse order: a little-endian number made big-endian. */
    static byte[] reversed(byte[] b, int off, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = b[off + len - 1 - i];
        }
        return out;
    }
}
