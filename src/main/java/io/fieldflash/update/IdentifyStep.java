package io.fieldflash.update;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import java.time.Duration;

/**
 * Identify: asks the device who it is and what it runs, riding over a link that is still coming up
 * ({@link JobSettings#connectAttempts()} tries, within {@link JobSettings#stepTimeout()}).
 *
 * <p>Fails with the device's last {@link DeviceException} (typically {@code UNREACHABLE}, {@code PROTOCOL_ERROR}).
 */
final class IdentifyStep {
    private final JobContext c;

    IdentifyStep(JobContext c) {
        this.c = c;
    }

    DeviceInfo firstContact(DeviceSession session) throws DeviceException, InterruptedException {
        StepDeadline deadline = StepDeadline.of("identifying the device", c.settings.stepTimeout());
        int failures = 0;
        while (true) {
            c.control.checkpoint();
            try {
                return session.identify();
            } catch (DeviceException e) {
                if (!e.retryable()) throw e;
                failures++;
                if (failures >= c.settings.connectAttempts() || deadline.passed()) throw e;
                Duration d = deadline.cap(c.settings.retry().delay(failures, c.random));
                c.emit(new JobEvent.Reconnecting(failures, c.settings.connectAttempts(), d, e.getMessage()));
                c.control.sleep(d);
            }
        }
    }
}
