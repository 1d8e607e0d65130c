package io.fieldflash.device.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.Sim;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wizard checks the token when it connects, before anything is sent. */
class CheckAccessTest {
    @TempDir
    Path tmp;

    @Test
    void rightTokenPassesWrongTokenIsRefusedAndNothingChanges() throws Exception {
        try (SimulatedDevice sim = Sim.start(tmp.resolve("dev"), "")) {
            try (DeviceSession s = new HttpDevice(Sim.address(sim), Sim.TOKEN, HttpSettings.DEFAULT).open()) {
                s.checkAccess();
            }
            try (DeviceSession s = new HttpDevice(Sim.address(sim), "wrong", HttpSettings.DEFAULT).open()) {
                assertThatThrownBy(s::checkAccess).isInstanceOfSatisfying(DeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.AUTH_FAILED));
            }
            assertThat(sim.state().version()).isEqualTo("2.4.0");
            assertThat(sim.stats().patches()).isZero();
        }
    }
}
