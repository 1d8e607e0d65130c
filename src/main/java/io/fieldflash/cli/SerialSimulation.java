package io.fieldflash.cli;

import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.serial.SerialException;
import io.fieldflash.sim.esprom.RomFaults;
import io.fieldflash.sim.esprom.RomSimConfig;
import io.fieldflash.sim.esprom.SimulatedRom;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/** {@code fieldflash simulate --serial PORT}: a simulated ESP chip in its ROM download mode until stopped (Ctrl-C). */
final class SerialSimulation {
    private final CommandLine.Model.CommandSpec spec;
    private final String port;
    private final Path state;
    private final String chip;
    private final int baud;
    private final String faults;
    private final boolean tcpPortGiven;

    SerialSimulation(CommandLine.Model.CommandSpec spec, String port, Path state, String chip, int baud, String faults, boolean tcpPortGiven) {
        this.spec = spec;
        this.port = port;
        this.state = state;
        this.chip = chip;
        this.baud = baud;
        this.faults = faults;
        this.tcpPortGiven = tcpPortGiven;
    }

    int run() {
        RomSimConfig cfg = configure();
        io.fieldflash.log.RunLog.echoTo(System.err);
        PrintWriter out = spec.commandLine().getOut();
        SimulatedRom rom;
        try {
            rom = SimulatedRom.start(cfg);
        } catch (IOException | SerialException e) {
            io.fieldflash.log.RunLog.echoTo(null);
            spec.commandLine().getErr().println("fieldflash simulate: the unit could not start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        }
        try {
            SimulateCommand.runUntilStopped(out, "Simulated " + rom.describe() + " in ROM download mode at " + cfg.baud()
                    + " baud (state " + cfg.stateDir() + ")", rom::awaitStopped, rom::stop);
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
        }
        return 0;
    }

    private RomSimConfig configure() {
        if (tcpPortGiven) throw usage("give either --port (a network device) or --serial (a serial one), not both");
        Optional<Chip> c = Optional.empty();
        if (chip != null) {
            c = Chip.parse(chip);
            if (c.isEmpty()) throw usage("--chip must be esp32, esp32s3, esp32c3 or esp8266, got '" + io.fieldflash.Printable.of(chip) + "'");
        }
        RomFaults f;
        try {
            f = RomFaults.parse(faults);
        } catch (IllegalArgumentException e) {
            throw usage("--faults: " + e.getMessage());
        }
        try {
            return new RomSimConfig(port, state.toAbsolutePath().normalize(), c, Optional.empty(), baud, f);
        } catch (IllegalArgumentException e) {
            throw usage("--baud: " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
