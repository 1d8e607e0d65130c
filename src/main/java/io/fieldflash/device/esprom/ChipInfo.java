package io.fieldflash.device.esprom;

/**
 * What the ROM bootloader revealed about a unit.
 *
 * @param chip      the chip model
 * @param mac       the base MAC from eFuse (6 bytes); the unit's identity for resume, anti-rollback and audit
 * @param flashSize the flash size from the flash chip's JEDEC id, in bytes; 0 when it could not be read
 * @param flashId   the JEDEC id as esptool prints it (manufacturer in the low byte), -1 when unread
 */
public record ChipInfo(Chip chip, byte[] mac, long flashSize, int flashId) {

    public ChipInfo {
        if (mac.length != 6) throw new IllegalArgumentException("a MAC has 6 bytes");
        mac = mac.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** {@code 24:0a:c4:12:34:56}. */
    public String macText() {
        return Chip.macText(mac);
    }

    @Override
    public String toString() {
        return chip.displayName() + " " + macText() + (flashSize > 0 ? ", " + (flashSize >> 20) + " MiB flash" : "");
    }
}
