package io.fieldflash.device.esprom;

import io.fieldflash.bundle.inner.EspChip;
import java.util.Optional;

/**
 * The chips FieldFlash flashes through their ROM bootloader, with the facts esptool 4.7 keeps about each
 * ({@code esptool/targets/*.py}): how to tell them apart, where the MAC lives in eFuse, the SPI controller's
 * registers, and what their ROM loader can do. The chip's name and the chip id its application images carry are
 * {@link EspChip}'s, the one table of those.
 */
public enum Chip {
    ESP8266(EspChip.ESP8266, new int[] {0xFFF0C101}, -1, 2,
            0x60000200, 0x1C, 0x20, 0x24, -1, -1, 0x40, 0x60000014, 2, 0x18FE34),
    ESP32(EspChip.ESP32, new int[] {0x00F01D83}, -1, 4,
            0x3FF42000, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x80, 0x3FF40014, 1, 0x240AC4),
    ESP32S3(EspChip.ESP32S3, new int[] {0x9}, 9, 4,
            0x60002000, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x58, 0x60000014, 1, 0x7CDFA1),
    ESP32C3(EspChip.ESP32C3, new int[] {0x6921506F, 0x1B31506F, 0x4881606F, 0x4361606F}, 5, 4,
            0x60002000, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x58, 0x60000014, 1, 0x34B472);

    /** ROM address whose value differs on every chip model (esptool's CHIP_DETECT_MAGIC_REG_ADDR). */
    public static final int CHIP_DETECT_MAGIC_REG = 0x40001000;
    /** esptool's ROM flash block (FLASH_WRITE_SIZE) for every ROM loader. */
    public static final int ROM_FLASH_BLOCK = 0x400;
    /** Flash sector, the smallest erase. */
    public static final int SECTOR = 0x1000;

    private final EspChip espChip;
    private final int[] magic;
    private final int securityInfoChipId;
    private final int statusBytes;
    private final int spiBase;
    private final int spiUsr;
    private final int spiUsr1;
    private final int spiUsr2;
    private final int spiMosiDlen;
    private final int spiMisoDlen;
    private final int spiW0;
    private final int uartClkdivReg;
    private final int xtalDivider;
    private final int defaultOui;

    Chip(EspChip espChip, int[] magic, int securityInfoChipId, int statusBytes, int spiBase,
         int spiUsr, int spiUsr1, int spiUsr2, int spiMosiDlen, int spiMisoDlen, int spiW0, int uartClkdivReg, int xtalDivider,
         int defaultOui) {
        this.espChip = espChip;
        this.magic = magic;
        this.securityInfoChipId = securityInfoChipId;
        this.statusBytes = statusBytes;
        this.spiBase = spiBase;
        this.spiUsr = spiUsr;
        this.spiUsr1 = spiUsr1;
        this.spiUsr2 = spiUsr2;
        this.spiMosiDlen = spiMosiDlen;
        this.spiMisoDlen = spiMisoDlen;
        this.spiW0 = spiW0;
        this.uartClkdivReg = uartClkdivReg;
        this.xtalDivider = xtalDivider;
        this.defaultOui = defaultOui;
    }

    /** The name bundles and the command line use: {@code esp32}, {@code esp32s3}, {@code esp32c3}, {@code esp8266}. */
    public String id() {
        return espChip.id();
    }

    /** {@code ESP32-S3}. */
    public String displayName() {
        return espChip.label();
    }

    /** The same chip in the table of chip names and image chip ids. */
    public EspChip espChip() {
        return espChip;
    }

    /** The values the chip-detect register holds on this model (one per silicon revision where they differ). */
    public int[] magicValues() {
        return magic.clone();
    }

    /** The chip id GET_SECURITY_INFO reports, -1 when the ROM has no such command (ESP8266, ESP32). */
    public int securityInfoChipId() {
        return securityInfoChipId;
    }

    public boolean hasSecurityInfo() {
        return securityInfoChipId >= 0;
    }

    /** The chip id in an application image's extended header; -1 for the ESP8266 (its images have none). */
    public int imageChipId() {
        return espChip.imageChipId().orElse(-1);
    }

    /** Status bytes at the end of every ROM response: 2 on the ESP8266, 4 on the ESP32 family. */
    public int statusBytes() {
        return statusBytes;
    }

    /** ESP32 family: the ROM has FLASH_DEFL_*, SPI_FLASH_MD5, SPI_ATTACH, SPI_SET_PARAMS and CHANGE_BAUDRATE. */
    public boolean esp32Family() {
        return this != ESP8266;
    }

    /** The ROM takes a fifth word ("encrypted") in FLASH_BEGIN and FLASH_DEFL_BEGIN (esptool's SUPPORTS_ENCRYPTED_FLASH). */
    public boolean beginTakesEncryptFlag() {
        return this == ESP32S3 || this == ESP32C3;
    }

    public int spiCmdReg() {
        return spiBase;
    }

    public int spiAddrReg() {
        return spiBase + 4;
    }

    public int spiUsrReg() {
        return spiBase + spiUsr;
    }

    public int spiUsr1Reg() {
        return spiBase + spiUsr1;
    }

    public int spiUsr2Reg() {
        return spiBase + spiUsr2;
    }

    /** -1 on the ESP8266, whose SPI controller keeps both lengths in USR1. */
    public int spiMosiDlenReg() {
        return spiMosiDlen < 0 ? -1 : spiBase + spiMosiDlen;
    }

    public int spiMisoDlenReg() {
        return spiMisoDlen < 0 ? -1 : spiBase + spiMisoDlen;
    }

    public int spiW0Reg() {
        return spiBase + spiW0;
    }

    /** UART clock divider register; with the baud rate it gives the crystal frequency. */
    public int uartClkdivReg() {
        return uartClkdivReg;
    }

    /** The ESP8266's UART runs from twice the crystal. */
    public int xtalDivider() {
        return xtalDivider;
    }

    /** An Espressif OUI this model ships with (for a simulated unit's MAC). */
    public int defaultOui() {
        return defaultOui;
    }

    /** The eFuse (or OTP) registers holding the base MAC, in the order {@link #macFrom(int[])} takes their values. */
    public int[] macRegisters() {
        return switch (this) {
            case ESP8266 -> new int[] {0x3FF00050, 0x3FF00054, 0x3FF0005C};
            case ESP32 -> new int[] {0x3FF5A000 + 8, 0x3FF5A000 + 4};
            case ESP32S3 -> new int[] {0x60007044, 0x60007048};
            case ESP32C3 -> new int[] {0x60008844, 0x60008848};
        };
    }

    /**
     * The base MAC from the values of {@link #macRegisters()}, decoded as esptool's {@code read_mac} does.
     *
     * @throws IllegalArgumentException for an ESP8266 whose OTP names an OUI esptool does not know
     */
    public byte[] macFrom(int[] v) {
        return switch (this) {
            case ESP8266 -> {
                int mac0 = v[0], mac1 = v[1], mac3 = v[2];
                int oui;
                if (mac3 != 0) oui = mac3 & 0xFFFFFF;
                else if (((mac1 >>> 16) & 0xFF) == 0) oui = 0x18FE34;
                else if (((mac1 >>> 16) & 0xFF) == 1) oui = 0xACD074;
                else throw new IllegalArgumentException("unknown OUI in the ESP8266's OTP");
                yield new byte[] {(byte) (oui >>> 16), (byte) (oui >>> 8), (byte) oui, (byte) (mac1 >>> 8), (byte) mac1, (byte) (mac0 >>> 24)};
            }
            // word 2 then word 1, big-endian, without the two top bytes (CRC and reserved)
            case ESP32 -> new byte[] {(byte) (v[0] >>> 8), (byte) v[0], (byte) (v[1] >>> 24), (byte) (v[1] >>> 16), (byte) (v[1] >>> 8), (byte) v[1]};
            // low half of the second word, then the first, big-endian
            case ESP32S3, ESP32C3 -> new byte[] {(byte) (v[1] >>> 8), (byte) v[1], (byte) (v[0] >>> 24), (byte) (v[0] >>> 16), (byte) (v[0] >>> 8), (byte) v[0]};
        };
    }

    /** The chip whose detect register holds {@code value}. */
    public static Optional<Chip> byMagic(int value) {
        for (Chip c : values()) {
            for (int m : c.magic) if (m == value) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The chip GET_SECURITY_INFO names with {@code chipId}. */
    public static Optional<Chip> bySecurityInfoId(int chipId) {
        for (Chip c : values()) {
            if (c.securityInfoChipId >= 0 && c.securityInfoChipId == chipId) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** {@code esp32}, {@code ESP32-S3}, {@code esp32s3}… */
    public static Optional<Chip> parse(String text) {
        return EspChip.byName(text.strip()).flatMap(Chip::of);
    }

    /** The ROM facts for {@code chip}; empty for a chip FieldFlash does not flash over its ROM. */
    public static Optional<Chip> of(EspChip chip) {
        for (Chip c : values()) {
            if (c.espChip == chip) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** {@code aa:bb:cc:dd:ee:ff}. */
    public static String macText(byte[] mac) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) b.append(':');
            b.append(String.format("%02x", mac[i] & 0xFF));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return displayName();
    }
}
