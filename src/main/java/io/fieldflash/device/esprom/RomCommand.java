package io.fieldflash.device.esprom;

import java.util.Optional;

/**
 * The ESP ROM bootloader's commands (the opcode in byte 1 of a request), as esptool names them. The ROM
 * answers each request with a packet carrying the same opcode.
 */
public enum RomCommand {
    FLASH_BEGIN(0x02),
    FLASH_DATA(0x03),
    FLASH_END(0x04),
    MEM_BEGIN(0x05),
    MEM_END(0x06),
    MEM_DATA(0x07),
    SYNC(0x08),
    WRITE_REG(0x09),
    READ_REG(0x0A),
    /** ESP32 family ROM (and stubs) only. */
    SPI_SET_PARAMS(0x0B),
    /** ESP32 family ROM (and stubs) only. */
    SPI_ATTACH(0x0D),
    /** ESP32 family ROM only: 64 bytes per request. */
    READ_FLASH_SLOW(0x0E),
    /** ESP32 family ROM (and stubs) only. */
    CHANGE_BAUDRATE(0x0F),
    /** ESP32 family ROM (and stubs) only. */
    FLASH_DEFL_BEGIN(0x10),
    FLASH_DEFL_DATA(0x11),
    FLASH_DEFL_END(0x12),
    /** ESP32 family ROM (and stubs) only; the ROM answers 32 hex characters, a stub 16 raw bytes. */
    SPI_FLASH_MD5(0x13),
    /** ESP32-S2 and later ROMs only. */
    GET_SECURITY_INFO(0x14);

    /** Seed of the one-byte XOR checksum over the data of FLASH_DATA, FLASH_DEFL_DATA and MEM_DATA. */
    public static final int CHECKSUM_SEED = 0xEF;

    /** Direction byte of a request. */
    public static final int REQUEST = 0x00;
    /** Direction byte of a response. */
    public static final int RESPONSE = 0x01;

    /** The 36 bytes of a SYNC request: 07 07 12 20 and 32 × 55 (the ROM measures the baud rate on them). */
    public static byte[] syncPayload() {
        byte[] p = new byte[36];
        p[0] = 0x07;
        p[1] = 0x07;
        p[2] = 0x12;
        p[3] = 0x20;
        java.util.Arrays.fill(p, 4, 36, (byte) 0x55);
        return p;
    }

    /** ROM error codes (the second status byte when the first is 1). */
    public static String errorText(int code) {
        return switch (code) {
            case 0x05 -> "received message is invalid";
            case 0x06 -> "failed to act on received message";
            case 0x07 -> "invalid checksum in message";
            case 0x08 -> "flash write error (read-back did not match)";
            case 0x09 -> "flash read error";
            case 0x0A -> "flash read length error";
            case 0x0B -> "deflate error";
            default -> "error 0x" + Integer.toHexString(code);
        };
    }

    public static final int ERR_INVALID_MESSAGE = 0x05;
    public static final int ERR_FAILED_TO_ACT = 0x06;
    public static final int ERR_BAD_CHECKSUM = 0x07;
    public static final int ERR_FLASH_WRITE = 0x08;
    public static final int ERR_DEFLATE = 0x0B;

    private final int op;

    RomCommand(int op) {
        this.op = op;
    }

    public int op() {
        return op;
    }

    public static Optional<RomCommand> of(int op) {
        for (RomCommand c : values()) {
            if (c.op == op) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The checksum of {@code len} bytes from {@code off}: XOR of every byte, starting from {@link #CHECKSUM_SEED}. */
    public static int checksum(byte[] data, int off, int len) {
        int state = CHECKSUM_SEED;
        for (int i = off; i < off + len; i++) state ^= data[i] & 0xFF;
        return state;
    }
}
