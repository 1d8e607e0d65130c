package io.fieldflash.testing;

import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.sim.Slot;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Starting the project's simulated device for client tests. */
public final class Sim {
    private Sim() {}

    public static final String TOKEN = "s3cret-token";

    public static SimulatorConfig.Builder config(Path stateDir) {
        return SimulatorConfig.builder(stateDir).token(TOKEN).deviceId("3b0021001747353236343033").logRequests(false);
    }

    public static SimulatedDevice start(Path stateDir, String faults) throws IOException {
        return SimulatedDevice.start(config(stateDir).faults(FaultSpec.parse(faults)).build());
    }

    /** The address a person would type: {@code http://127.0.0.1:PORT}. */
    public static URI address(SimulatedDevice d) {
        return URI.create("http://127.0.0.1:" + d.port());
    }

    /** The file of the slot that runs now. */
    public static Path activeSlotFile(SimulatedDevice d) {
        return d.slotFile(d.state().active());
    }

    public static Path slotFile(SimulatedDevice d, Slot s) {
        return d.slotFile(s);
    }
}
