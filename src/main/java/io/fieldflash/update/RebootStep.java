package io.fieldflash.update;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;

/**
 * Reboot and wait: tells the device to restart into what was installed and waits, within
 * {@link JobSettings#rebootTimeout()}, until it answers again (the job then checks that the same unit answers, and what
 * it runs). Fails with {@link DeviceException} ({@code NOT_BACK} when the time is up).
 */
final class RebootStep {
    private final JobContext c;

    RebootStep(JobContext c) {
        this.c = c;
    }

    void reboot(DeviceSession session) throws DeviceException, InterruptedException {
        try {
            session.reboot();
        } catch (DeviceException e) {
            if (!e.retryable()) throw e;
            c.say(JobEvent.Level.INFO, "The device stopped answering as it was told to restart; waiting for it.");
        }
    }

    DeviceInfo awaitBack(DeviceSession session, DeviceInfo before) throws DeviceException, InterruptedException {
        long start = System.nanoTime();
        StepDeadline deadline = StepDeadline.of("waiting for the device", c.settings.rebootTimeout());
        boolean seenDown = false;
        DeviceException last = null;
        while (true) {
            Thread.sleep(c.settings.pollInterval());
            try {
                DeviceInfo now = session.identify();
                boolean changed = !now.firmware().equals(before.firmware());
                if (changed || seenDown || System.nanoTime() - start >= c.settings.rebootSettle().toNanos()) {
                    c.say(JobEvent.Level.INFO, "The device is back and runs " + now.firmware() + ".");
                    return now;
                }
            } catch (DeviceException e) {
                if (!e.retryable()) throw e;
                seenDown = true;
                last = e;
            }
            if (deadline.passed()) {
                throw new DeviceException(DeviceException.Reason.NOT_BACK,
                        "The device at " + c.device.address() + " did not answer within " + c.settings.rebootTimeout().toSeconds()
                                + " s after restarting" + (last == null ? "." : " (" + last.getMessage() + ")."),
                        "Check that the device is powered and that the laptop is back on its Wi-Fi (some laptops leave a network "
                                + "that disappears). Then run the same command again: if the new firmware runs on trial it is "
                                + "confirmed then; if not, the device returns to its previous firmware by itself.", last);
            }
        }
    }
}
