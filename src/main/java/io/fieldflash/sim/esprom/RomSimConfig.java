package io.fieldflash.sim.esprom;

import io.fieldflash.device.esprom.Chip;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to run a simulated ROM.
 *
 * @param port     the serial port (one end of a pseudo-terminal pair) to answer on
 * @param stateDir the unit's folder: {@code flash.bin} and {@code unit.json}
 * @param chip     the chip of a new unit (a folder that holds a unit keeps its own); empty: ESP32
 * @param mac      the MAC of a new unit; empty: an Espressif prefix and random rest
 * @param baud     the line rate at power-on (the ROM follows the host's rate; a pseudo-terminal cannot tell, so this sets the pace)
 * @param faults   what goes wrong
 */
public record RomSimConfig(String port, Path stateDir, Optional<Chip> chip, Optional<byte[]> mac, int baud, RomFaults faults) {

    public RomSimConfig {
        if (baud < 1200 || baud > 5_000_000) throw new IllegalArgumentException("baud must be between 1200 and 5000000, got " + baud);
        if (mac.isPresent() && mac.get().length != 6) throw new IllegalArgumentException("a MAC has 6 bytes");
    }

    public static RomSimConfig of(String port, Path stateDir, Chip chip) {
        return new RomSimConfig(port, stateDir, Optional.of(chip), Optional.empty(), 115_200, RomFaults.none());
    }

    public RomSimConfig withFaults(RomFaults f) {
        return new RomSimConfig(port, stateDir, chip, mac, baud, f);
    }

    public RomSimConfig withBaud(int b) {
        return new RomSimConfig(port, stateDir, chip, mac, b, faults);
    }
}
