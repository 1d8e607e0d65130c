package io.fieldflash.sim;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What every simulator test has: a state folder of its own, and a device that is stopped after the test. */
abstract class SimulatorTest {
    @TempDir
    Path dir;

    SimHarness sim;

    @AfterEach
    void stopSimulator() {
        if (sim != null) sim.close();
    }
}
