package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.ReasonCode;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceException.Reason;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the job leaves the network path for the fallback, and when it must not. */
class FallbackTest {

    static DeviceException failure(Reason r) {
        return new DeviceException(r, "x", "");
    }

    @Test
    void onlyAPathThatIsGoneFallsBack() {
        Set<Reason> gone = EnumSet.of(Reason.UNREACHABLE, Reason.DEVICE_ERROR, Reason.NOT_BACK, Reason.UPLOAD_GONE,
                Reason.TRANSFER_STALLED, Reason.CHECKSUM_REJECTED, Reason.NO_CONNECTION_BACK);
        for (Reason r : Reason.values()) {
            assertThat(Fallback.takesOver(failure(r))).as(r.name()).isEqualTo(gone.contains(r));
        }
    }

    /** A refusal is the device's (or the bundle's) answer: going round it over a cable would defeat the check. */
    @Test
    void refusalsNeverFallBack() {
        for (Reason r : EnumSet.of(Reason.AUTH_FAILED, Reason.LOCKED_OUT, Reason.INSTALL_REFUSED, Reason.OTHER_DEVICE,
                Reason.CERTIFICATE_UNTRUSTED)) {
            assertThat(Fallback.takesOver(failure(r))).as(r.name()).isFalse();
        }
        for (UpdateRefusedException.Reason r : UpdateRefusedException.Reason.values()) {     // wrong product, downgrade, ...
            assertThat(Fallback.takesOver(new UpdateRefusedException(r, "x", ""))).as(r.name()).isFalse();
        }
        assertThat(Fallback.takesOver(new BundleException(ReasonCode.values()[0], "x"))).isFalse();
        assertThat(Fallback.takesOver(new IOException("disk"))).isFalse();
    }
}
