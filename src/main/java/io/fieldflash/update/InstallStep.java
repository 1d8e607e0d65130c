package io.fieldflash.update;

import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import java.time.Duration;

/**
 * Install: asks the device to check one transferred image and write it to its inactive slot, within
 * {@link JobSettings#stepTimeout()}. Fails with {@link DeviceException} ({@code INSTALL_REFUSED} with the device's code).
 */
final class InstallStep {
    private final JobContext c;

    InstallStep(JobContext c) {
        this.c = c;
    }

    void install(DeviceSession session, ImageTransfer t, ImageSpec spec) throws DeviceException, InterruptedException {
        InstallRequest req = new InstallRequest(spec.name(), spec.sha256(), c.bundle.manifestBytes(), c.bundle.signaturesBytes());
        StepDeadline deadline = StepDeadline.of("the install of \"" + spec.name() + "\"", c.settings.stepTimeout());
        int failures = 0;
        boolean answerLost = false;
        while (true) {
            try {
                session.install(t, req);
                c.say(JobEvent.Level.INFO, "The device accepted \"" + spec.name() + "\" and wrote it to its inactive slot.");
                return;
            } catch (DeviceException e) {
                if (answerLost && e.reason() == DeviceException.Reason.UPLOAD_GONE) {
                    // The first attempt reached the device, which installed and consumed the upload, but its answer was lost.
                    // The version check after the restart tells whether it really took.
                    c.say(JobEvent.Level.WARNING, "The device's answer to the install was lost; going on (the restart shows whether it took).");
                    return;
                }
                if (!e.retryable()) throw e;
                answerLost = true;
                failures++;
                if (c.settings.retry().exhausted(failures) || deadline.passed()) throw e;
                Duration d = deadline.cap(c.settings.retry().delay(failures, c.random));
                c.emit(new JobEvent.Reconnecting(failures, c.settings.retry().maxAttempts(), d, e.getMessage()));
                Thread.sleep(d);
            }
        }
    }
}
