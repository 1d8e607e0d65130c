package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.device.DeviceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The preflight's verdict on versions: an older version at a counter the device accepts needs the operator's yes. */
class PreflightTest {
    private static final String SHA = "a".repeat(64);

    private static Manifest bundle(String version, long counter) {
        return new Manifest("Acme", "crossing-controller", List.of("ccx-rev-b"), version, counter, Instant.EPOCH,
                Instant.parse("2099-01-01T00:00:00Z"), "", List.of(new ImageSpec("app", "app.bin", 1000, "b".repeat(64), 0)));
    }

    private static DeviceInfo device(String version, long counter) {
        return new DeviceInfo("fieldflash-http/1", "crossing-controller", "ccx-rev-b", "ccx-1",
                new DeviceInfo.Firmware(version, counter, false), 1 << 20, 1 << 16, DeviceInfo.UploadState.NONE);
    }

    private static Preflight.Verdict check(String running, long deviceCounter, String version, long counter) {
        return Preflight.check(device(running, deviceCounter), bundle(version, counter), SHA, Optional.empty());
    }

    @Test
    void anOlderVersionAtTheSameCounterIsADowngradeToConfirm() {
        assertThat(check("2.4.1", 6, "2.4.0", 6)).isEqualTo(new Preflight.Verdict.OlderVersion("2.4.1", "2.4.0"));
        assertThat(check("2.4.0", 6, "2.4.0-rc.1", 6)).as("a pre-release is older than its release")
                .isEqualTo(new Preflight.Verdict.OlderVersion("2.4.0", "2.4.0-rc.1"));
        assertThat(check("2.4.1", 6, "2.3.0", 7)).as("older even with a higher counter")
                .isInstanceOf(Preflight.Verdict.OlderVersion.class);
    }

    @Test
    void newerOrUnorderableVersionsProceedAndALowerCounterIsRefusedWhateverTheOperatorSays() {
        assertThat(check("2.4.0", 6, "2.4.1", 6)).isInstanceOf(Preflight.Verdict.Proceed.class);
        assertThat(check("factory-build-7", 6, "2.4.0", 6)).as("a device version that is not SemVer cannot be ordered")
                .isInstanceOf(Preflight.Verdict.Proceed.class);
        Preflight.Verdict v = check("2.4.1", 7, "2.4.0", 6);
        assertThat(v).isInstanceOf(Preflight.Verdict.Refused.class);
        assertThat(((Preflight.Verdict.Refused) v).why().reason()).isEqualTo(UpdateRefusedException.Reason.DOWNGRADE);
    }

    @Test
    void theRefusalWithoutConfirmationSaysHowToGiveIt() {
        UpdateRefusedException e = Preflight.olderVersionRefused(new Preflight.Verdict.OlderVersion("2.4.1", "2.4.0"));
        assertThat(e.code()).isEqualTo("OLDER_VERSION");
        assertThat(e.getMessage()).isEqualTo("The bundle's version 2.4.0 is older than the version the device runs (2.4.1), "
                + "at a security counter the device still accepts.");
        assertThat(e.hint()).contains("--allow-downgrade");
    }
}
