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

    /**
     * Asks again and checks that the unit identified at first contact answers (device id, product, hardware): a
     * different unit at the address (same site token) must not be sent, installed or restarted.
     */
    DeviceInfo sameDevice(DeviceSession session, String when) throws DeviceException, InterruptedException {
        DeviceInfo now = c.withRetries(session::identify, StepDeadline.of("identifying the device " + when, c.settings.stepTimeout()));
        requireSame(now, when);
        return now;
    }

    /** Throws {@code OTHER_DEVICE} unless {@code now} is the unit of the first contact. */
    void requireSame(DeviceInfo now, String when) throws DeviceException {
        if (!DeviceException.sameUnit(now, c.first)) throw DeviceException.otherDevice(c.device.address(), when, now, c.first);
    }
}
