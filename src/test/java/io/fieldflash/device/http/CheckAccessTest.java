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

    @Test
    void aDeviceBoundToALocalAddressIsReachedFromIt() throws Exception {
        try (SimulatedDevice sim = Sim.start(tmp.resolve("dev2"), "")) {
            HttpDevice bound = new HttpDevice(Sim.address(sim), Sim.TOKEN, HttpSettings.DEFAULT)
                    .bindTo(java.net.InetAddress.getByName("127.0.0.1"));
            try (DeviceSession s = bound.open()) {
                assertThat(s.identify().product()).isEqualTo("crossing-controller");
            }
            HttpDevice unroutable = new HttpDevice(Sim.address(sim), Sim.TOKEN,
                    HttpSettings.DEFAULT.withTimeouts(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(2)))
                    .bindTo(java.net.InetAddress.getByName("192.0.2.1"));   // TEST-NET: not an address of this laptop
            try (DeviceSession s = unroutable.open()) {
                assertThatThrownBy(s::identify).isInstanceOf(DeviceException.class);
            }
        }
    }
}
