package io.fieldflash.testing;

import io.fieldflash.device.esprom.Chip;
import io.fieldflash.sim.esprom.RomFaults;
import io.fieldflash.sim.esprom.RomSimConfig;
import io.fieldflash.sim.esprom.SimulatedRom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** A pty pair with a simulated ROM on its far end, for one test; closes both. */
public final class RomBench implements AutoCloseable {
    public final Path dir;
    public final PtyPair pty;
    public final SimulatedRom rom;

    private RomBench(Path dir, PtyPair pty, SimulatedRom rom) {
        this.dir = dir;
        this.pty = pty;
        this.rom = rom;
    }

    public static RomBench start(Path dir, Chip chip, String faults) throws Exception {
        return start(dir, chip, faults, null);
    }

    /** @param flashImage bytes to put into flash.bin before power-on (null: a new, erased unit) */
    public static RomBench start(Path dir, Chip chip, String faults, byte[] flashImage) throws Exception {
        PtyPair pty = PtyPair.open(dir);
        Path state = dir.resolve("unit");
        if (flashImage != null) {
            Files.createDirectories(state);
            Files.write(state.resolve("flash.bin"), flashImage);
        }
        RomSimConfig cfg = RomSimConfig.of(pty.b(), state, chip).withFaults(RomFaults.parse(faults));
        try {
            return new RomBench(dir, pty, SimulatedRom.start(cfg));
        } catch (Exception e) {
            pty.close();
            throw e;
        }
    }

    public Path flashFile() {
        return dir.resolve("unit").resolve("flash.bin");
    }

    public byte[] flash(long offset, int len) throws IOException {
        byte[] all = Files.readAllBytes(flashFile());
        return Arrays.copyOfRange(all, (int) offset, (int) offset + len);
    }

    public static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        if ((b[0] & 0xFF) == 0xE9) b[0] = 0;   // not an app image: esptool would check its header
        return b;
    }

    @Override
    public void close() throws Exception {
        rom.stop();
        pty.close();
    }
}
