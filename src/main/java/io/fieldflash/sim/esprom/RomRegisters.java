package io.fieldflash.sim.esprom;

import io.fieldflash.device.esprom.Chip;
import java.util.HashMap;
import java.util.Map;

/**
 * The registers and eFuse words a host reads from a chip in download mode, with the values esptool expects
 * (its {@code targets/*.py}): the chip-detect word, the MAC in eFuse (ESP32 with its CRC), the words esptool
 * builds the chip description from, the UART divider it derives the crystal from, and the SPI controller, which
 * runs the flash commands written to it (JEDEC id for RDID, zero for the rest). Every other address reads as
 * what was last written there, or 0.
 */
final class RomRegisters {
    /** Winbond W25Q32: manufacturer 0xEF, type 0x40, capacity code 0x16 (4 MiB), as RDID delivers it into W0. */
    static final int FLASH_ID_4MB = 0x1640EF;

    private final Chip chip;
    private final Map<Integer, Integer> regs = new HashMap<>();
    private final int flashId;

    RomRegisters(Chip chip, byte[] mac, int flashId) {
        this.chip = chip;
        this.flashId = flashId;
        regs.put(Chip.CHIP_DETECT_MAGIC_REG, chip.magicValues()[chip == Chip.ESP32C3 ? 1 : 0]);
        int[] mr = chip.macRegisters();
        int m0 = mac[0] & 0xFF, m1 = mac[1] & 0xFF, m2 = mac[2] & 0xFF, m3 = mac[3] & 0xFF, m4 = mac[4] & 0xFF, m5 = mac[5] & 0xFF;
        switch (chip) {
            case ESP8266 -> {
                // OTP: MAC0 holds the last byte in its top 8 bits; MAC1 the two before it and the OUI selector; MAC3 the OUI
                int oui = m0 << 16 | m1 << 8 | m2;
                regs.put(mr[0], m5 << 24);
                regs.put(mr[1], (oui == 0x18FE34 ? 0 : oui == 0xACD074 ? 1 : 0) << 16 | m3 << 8 | m4);
                regs.put(mr[2], oui == 0x18FE34 || oui == 0xACD074 ? 0 : oui);
            }
            case ESP32 -> {
                int efuse = 0x3FF5A000;
                regs.put(mr[0], crc8(mac) << 16 | m0 << 8 | m1);   // word 2: CRC, MAC bytes 0-1
                regs.put(mr[1], m2 << 24 | m3 << 16 | m4 << 8 | m5);   // word 1
                regs.put(efuse + 12, 1 << 15 | 1 << 9);               // word 3: revision bit 0, package D0WD
                regs.put(efuse + 16, 100);                             // word 4: 8 MHz clock calibration
                regs.put(efuse + 20, 1 << 20);                         // word 5: revision bit 1
                regs.put(0x3FF6607C, 1 << 31);                         // APB_CTL_DATE: revision bit 2 → v3.0
                regs.put(0x3FF5F06C, 1024 << 7);                       // RTCCALICFG1: with word 4, the ROM's clock is 40 MHz
            }
            case ESP32S3, ESP32C3 -> {
                regs.put(mr[0], m2 << 24 | m3 << 16 | m4 << 8 | m5);
                regs.put(mr[1], m0 << 8 | m1);
            }
        }
        baud(115200);
    }

    /** The UART divider follows the line rate (the ROM set it when it measured the SYNC, or on CHANGE_BAUDRATE). */
    void baud(int baud) {
        long uartClock = chip == Chip.ESP8266 ? 52_000_000L : 40_000_000L;
        regs.put(chip.uartClkdivReg(), (int) Math.round((double) uartClock / baud));
    }

    int read(int address) {
        return regs.getOrDefault(address, 0);
    }

    void write(int address, int value, int mask) {
        int v = (read(address) & ~mask) | (value & mask);
        if (address == chip.spiCmdReg() && (v & (1 << 18)) != 0) {
            // SPI user command: run it now; the "busy" bit clears when done
            int command = read(chip.spiUsr2Reg()) & 0xFF;
            regs.put(chip.spiW0Reg(), command == 0x9F ? flashId : 0);
            v &= ~(1 << 18);
        }
        regs.put(address, v);
    }

    /** The CRC-8 (Dallas/Maxim, reflected 0x8C) the ESP32 keeps beside its MAC in eFuse. */
    static int crc8(byte[] mac) {
        int crc = 0;
        for (byte b : mac) {
            crc ^= b & 0xFF;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8C : crc >>> 1;
        }
        return crc;
    }
}
