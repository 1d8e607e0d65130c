package io.fieldflash.device.esprom;

import java.time.Duration;

/**
 * How to talk to a ROM bootloader.
 *
 * @param baud              the baud rate to switch to after SYNC (the ROM starts at 115200); 115200 keeps it
 * @param compress          send deflate-compressed data where the ROM can inflate it (ESP32 family)
 * @param manualBootWait    how long to wait for a person to put the unit into download mode by hand
 * @param commandTimeout    how long a plain command may take to answer
 */
public record EspRomOptions(int baud, boolean compress, Duration manualBootWait, Duration commandTimeout) {

    /** The ROM's own starting rate, and the fallback when a faster one does not work. */
    public static final int ROM_BAUD = 115_200;
    /** The rate FieldFlash switches to by default. */
    public static final int DEFAULT_BAUD = 921_600;

    public EspRomOptions {
        if (baud < 9600 || baud > 5_000_000) throw new IllegalArgumentException("baud must be between 9600 and 5000000, got " + baud);
        if (manualBootWait.isNegative() || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** 921600 baud, compressed, 60 s for a person to press the buttons, 3 s per command (as esptool). */
    public static EspRomOptions defaults() {
        return new EspRomOptions(DEFAULT_BAUD, true, Duration.ofSeconds(60), Duration.ofSeconds(3));
    }

    public EspRomOptions withBaud(int b) {
        return new EspRomOptions(b, compress, manualBootWait, commandTimeout);
    }

    public EspRomOptions withCompress(boolean c) {
        return new EspRomOptions(baud, c, manualBootWait, commandTimeout);
    }

    public EspRomOptions withManualBootWait(Duration d) {
        return new EspRomOptions(baud, compress, d, commandTimeout);
    }

    public EspRomOptions withCommandTimeout(Duration d) {
        return new EspRomOptions(baud, compress, manualBootWait, d);
    }
}
