package io.fieldflash.device.esprom;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * SLIP framing as the ESP ROM bootloader uses it (RFC 1055): each packet starts and ends with {@code 0xC0};
 * inside, {@code 0xC0} is sent as {@code 0xDB 0xDC} and {@code 0xDB} as {@code 0xDB 0xDD}. Framing only: what
 * a packet means is {@link RomCommand}'s and {@link EspRomClient}'s business.
 */
public final class Slip {
    public static final int END = 0xC0;
    public static final int ESC = 0xDB;
    public static final int ESC_END = 0xDC;
    public static final int ESC_ESC = 0xDD;

    private Slip() {}

    /** {@code packet} framed: {@code C0}, escaped bytes, {@code C0}. */
    public static byte[] encode(byte[] packet) {
        return encode(packet, 0, packet.length);
    }

    public static byte[] encode(byte[] packet, int off, int len) {
        int extra = 0;
        for (int i = off; i < off + len; i++) {
            int b = packet[i] & 0xFF;
            if (b == END || b == ESC) extra++;
        }
        byte[] out = new byte[len + extra + 2];
        int o = 0;
        out[o++] = (byte) END;
        for (int i = off; i < off + len; i++) {
            int b = packet[i] & 0xFF;
            if (b == END) {
                out[o++] = (byte) ESC;
                out[o++] = (byte) ESC_END;
            } else if (b == ESC) {
                out[o++] = (byte) ESC;
                out[o++] = (byte) ESC_ESC;
            } else {
                out[o++] = (byte) b;
            }
        }
        out[o] = (byte) END;
        return out;
    }

    /**
     * Turns a byte stream back into packets. Bytes outside a packet (a boot message, line noise) are skipped and
     * counted; a packet with a bad escape or longer than the limit is dropped and counted, and decoding goes on
     * with the next {@code C0}. An empty packet ({@code C0 C0}) is not a packet: the second {@code C0} opens the
     * next one, so a decoder that lost its place finds it again at the next frame.
     */
    public static final class Decoder {
        private final int maxPacket;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private boolean inside;
        private boolean escaped;
        private boolean broken;
        private long skipped;
        private long dropped;

        /** @param maxPacket longest packet accepted, in decoded bytes */
        public Decoder(int maxPacket) {
            this.maxPacket = maxPacket;
        }

        /**
         * Feeds one byte.
         *
         * @return the completed packet when this byte closed one, else null
         */
        public byte[] feed(int b) {
            b &= 0xFF;
            if (!inside) {
                if (b == END) {
                    inside = true;
                    buf.reset();
                    escaped = false;
                    broken = false;
                } else {
                    skipped++;
                }
                return null;
            }
            if (b == END) {
                if (buf.size() == 0 && !broken && !escaped) return null;   // back-to-back C0: this one opens the packet
                inside = false;
                if (broken || escaped) {
                    dropped++;
                    inside = true;        // the C0 that ended garbage may as well start the next packet
                    buf.reset();
                    escaped = false;
                    broken = false;
                    return null;
                }
                byte[] packet = buf.toByteArray();
                buf.reset();
                return packet;
            }
            if (broken) return null;
            if (escaped) {
                escaped = false;
                if (b == ESC_END) put(END);
                else if (b == ESC_ESC) put(ESC);
                else broken = true;
            } else if (b == ESC) {
                escaped = true;
            } else {
                put(b);
            }
            return null;
        }

        private void put(int b) {
            if (buf.size() >= maxPacket) {
                broken = true;
                return;
            }
            buf.write(b);
        }

        /** Bytes seen outside any packet. */
        public long skipped() {
            return skipped;
        }

        /** Packets thrown away (bad escape, too long). */
        public long dropped() {
            return dropped;
        }

        /** Forgets a packet in progress (after the line was drained, say). */
        public void reset() {
            inside = false;
            escaped = false;
            broken = false;
            buf.reset();
        }
    }

    /** For logs: the first bytes of a packet in hex. */
    static String hex(byte[] packet, int max) {
        byte[] head = Arrays.copyOf(packet, Math.min(max, packet.length));
        return java.util.HexFormat.of().formatHex(head) + (packet.length > max ? "…" : "");
    }
}
