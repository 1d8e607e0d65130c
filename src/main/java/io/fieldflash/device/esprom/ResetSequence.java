package io.fieldflash.device.esprom;

import io.fieldflash.device.serial.SerialLink;

/**
 * The DTR/RTS sequences that reset an ESP board into its bootloader, as esptool's {@code reset.py} drives them.
 * On the usual board circuit DTR pulls IO0 (BOOT) low and RTS pulls EN (reset) low. Each returns false when the
 * port cannot drive the lines (a pseudo-terminal, an adapter without them): then a person has to press the buttons.
 */
final class ResetSequence {
    private ResetSequence() {}

    /** esptool's ClassicReset: EN low, then IO0 low while EN rises, hold {@code delayMs}, release IO0. */
    static boolean classic(SerialLink link, long delayMs) throws InterruptedException {
        if (!link.setDtr(false) | !link.setRts(true)) return false;    // IO0 high, EN low: in reset
        Thread.sleep(100);
        if (!link.setDtr(true) | !link.setRts(false)) return false;    // IO0 low, EN high: boots into download mode
        Thread.sleep(delayMs);
        return link.setDtr(false);                                      // IO0 high again
    }

    /** esptool's USBJTAGSerialReset for the chip's own USB-JTAG-serial peripheral (303A:1001). */
    static boolean usbJtagSerial(SerialLink link) throws InterruptedException {
        if (!link.setRts(false) | !link.setDtr(false)) return false;   // idle
        Thread.sleep(100);
        if (!link.setDtr(true) | !link.setRts(false)) return false;    // IO0
        Thread.sleep(100);
        // reset, passing through (1,1) rather than (0,0)
        if (!link.setRts(true) | !link.setDtr(false) | !link.setRts(true)) return false;
        Thread.sleep(100);
        return link.setDtr(false) & link.setRts(false);                // out of reset
    }

    /** esptool's HardReset: EN low for 100 ms; the chip then boots from flash. */
    static boolean hard(SerialLink link) throws InterruptedException {
        if (!link.setRts(true)) return false;
        Thread.sleep(100);
        return link.setRts(false);
    }
}
