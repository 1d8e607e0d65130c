package io.fieldflash.update;

import io.fieldflash.bundle.Manifest;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;

/**
 * Confirm: makes the firmware on trial permanent and checks that the device says so, within
 * {@link JobSettings#stepTimeout()}. Fails with {@link UpdateFailedException} ({@code CONFIRM_FAILED}).
 */
final class ConfirmStep {
    private final JobContext c;

    ConfirmStep(JobContext c) {
        this.c = c;
    }

    /**
     * Sends the confirmation (always: a device that says it is not on trial is asked too), then checks that the device
     * runs exactly the bundle, no longer on trial.
     */
    DeviceInfo confirm(DeviceSession session, Manifest m, String manifestSha256) throws UpdateFailedException, InterruptedException {
        StepDeadline deadline = StepDeadline.of("confirming", c.settings.stepTimeout());
        String expected = m.version();
        try {
            c.withRetries(() -> {
                session.confirm();
                return null;
            }, deadline);
            DeviceInfo after = c.withRetries(session::identify, deadline);
            if (after.firmware().trial() || !Preflight.runsExactly(after.firmware(), m, manifestSha256)
                    || !after.deviceId().equals(c.first.deviceId())) {
                throw new UpdateFailedException(UpdateFailedException.Reason.CONFIRM_FAILED,
                        "The device accepted the confirmation but reports " + after.firmware() + ".",
                        "Run the same command again; if it persists, report it to the vendor.", null);
            }
            c.say(JobEvent.Level.INFO, "Confirmed: " + expected + " is permanent.");
            return after;
        } catch (DeviceException e) {
            throw new UpdateFailedException(UpdateFailedException.Reason.CONFIRM_FAILED,
                    "The new firmware " + expected + " runs on trial but could not be confirmed: " + e.getMessage()
                            + " Unless confirmed, the device returns to its previous firmware at its next restart.",
                    "Run the same command again soon: it confirms the new firmware without sending it again.", e);
        }
    }
}
