package io.fieldflash.update;

import io.fieldflash.Printable;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.InstallRequest;
import java.time.Duration;

/**
 * Install: asks the device to check one transferred image and write it to its inactive slot, within
 * {@link JobSettings#stepTimeout()}. Only an image this run has seen match its manifest to the end is installed.
 *
 * <p>An install may be repeated (the protocol makes it idempotent), so a missing answer or a device failure (5xx) is
 * tried again. A {@code 404} means the device holds no such upload, whatever happened before: the answer is
 * {@link Outcome#SEND_AGAIN}, never "installed". A device that refuses a whole upload as damaged or incomplete gets
 * that upload deleted, with the resume point, so the next run sends it anew.
 *
 * <p>A device that lost power after it recorded the install has started the trial of it at the next boot (the
 * protocol's rule 5), and refuses the install's retry with {@code TRIAL_UNCONFIRMED}. The step then asks the device
 * what it runs: exactly this bundle on trial, on the same unit, is {@link Outcome#ON_TRIAL} (to be confirmed, not
 * restarted: a restart would revert it); anything else fails with {@code TRIAL_UNCONFIRMED} and what to do.
 * Fails with {@link DeviceException} ({@code INSTALL_REFUSED} with the device's code).
 */
final class InstallStep {

    /** What the job does next. */
    enum Outcome {
        /** The device wrote the image to its inactive slot. */
        INSTALLED,
        /** The device no longer holds the upload: send the image again, then install it. */
        SEND_AGAIN,
        /** The device already runs this very bundle on trial (it restarted by itself after the install): confirm it. */
        ON_TRIAL
    }

    private final JobContext c;
    private final TransferStep transfer;
    private final IdentifyStep identify;
    private DeviceInfo onTrial;

    InstallStep(JobContext c, TransferStep transfer, IdentifyStep identify) {
        this.c = c;
        this.transfer = transfer;
        this.identify = identify;
    }

    /** After {@link Outcome#ON_TRIAL}: what the device said it runs. */
    DeviceInfo onTrial() {
        return onTrial;
    }

    Outcome install(DeviceSession session, TransferStep.Sent sent, ImageSpec spec) throws DeviceException, InterruptedException {
        if (!sent.image().verified()) {
            throw new IllegalStateException("image \"" + spec.name() + "\" was not checked against its manifest in this run");
        }
        InstallRequest req = new InstallRequest(spec.name(), spec.sha256(), c.bundle.manifestBytes(), c.bundle.signaturesBytes());
        StepDeadline deadline = StepDeadline.of("the install of \"" + spec.name() + "\"", c.settings.stepTimeout());
        int failures = 0;
        while (true) {
            try {
                session.install(sent.transfer(), req);
                c.say(JobEvent.Level.INFO, "The device accepted \"" + spec.name() + "\" and wrote it to its inactive slot.");
                return Outcome.INSTALLED;
            } catch (DeviceException e) {
                if (e.reason() == DeviceException.Reason.UPLOAD_GONE) {
                    c.say(JobEvent.Level.WARNING, "The device no longer holds \"" + spec.name() + "\"; sending it again.");
                    return Outcome.SEND_AGAIN;
                }
                if (e.reason() == DeviceException.Reason.INSTALL_REFUSED) throw refused(sent, e);
                if (e.reason() == DeviceException.Reason.TRIAL_UNCONFIRMED) return onTrial(session, spec, deadline, e);
                if (!e.retryable()) throw e;
                failures++;
                if (c.settings.retry().exhausted(failures) || deadline.passed()) throw e;
                Duration d = deadline.cap(c.settings.retry().delay(failures, c.random));
                c.emit(new JobEvent.Reconnecting(failures, c.settings.retry().maxAttempts(), d, e.getMessage()));
                Thread.sleep(d);
            }
        }
    }

    /** The install was refused because a trial runs: {@link Outcome#ON_TRIAL} if it is this bundle's, else the failure. */
    private Outcome onTrial(DeviceSession session, ImageSpec spec, StepDeadline deadline, DeviceException refusal)
            throws DeviceException, InterruptedException {
        DeviceInfo now = c.withRetries(session::identify, deadline);
        identify.requireSame(now, "after it refused to install \"" + Printable.of(spec.name()) + "\"");
        DeviceInfo.Firmware fw = now.firmware();
        if (fw.trial() && Preflight.runsExactly(fw, c.bundle.manifest(), c.bundle.manifestSha256())) {
            c.say(JobEvent.Level.INFO, "The device restarted by itself after the install (a power cut?) and runs "
                    + Printable.of(c.bundle.manifest().version()) + " on trial: confirming it, without another restart (that would "
                    + "return it to its previous firmware).");
            onTrial = now;
            return Outcome.ON_TRIAL;
        }
        throw new DeviceException(DeviceException.Reason.TRIAL_UNCONFIRMED,
                "The device at " + c.device.address() + " refused to install \"" + Printable.of(spec.name()) + "\": it runs " + fw
                        + (fw.trial() ? "" : " (it says: not on trial)") + ", which is not this bundle's firmware ("
                        + Printable.of(c.bundle.manifest().version()) + ", security counter " + c.bundle.manifest().securityCounter()
                        + "), and it installs nothing while a firmware is on trial.",
                "Restart the device: it returns to its confirmed firmware (a firmware on trial is reverted at a restart). Then "
                        + "run the same command again. If it refuses again, report it to the vendor with the audit log.",
                refusal, 409, "TRIAL_UNCONFIRMED", Duration.ZERO);
    }

    /** A refusal; a whole but damaged (or incomplete) upload is removed first, so that the hint holds. */
    private DeviceException refused(TransferStep.Sent sent, DeviceException e) throws InterruptedException {
        String code = e.deviceCode().orElse("");
        if (!code.equals("HASH_MISMATCH") && !code.equals("INCOMPLETE")) return e;
        if (transfer.drop(sent.transfer())) {
            c.say(JobEvent.Level.INFO, "The refused transfer was removed from the device; the next run sends the image anew.");
            return e;
        }
        return new DeviceException(e.reason(), e.getMessage(),
                "The refused transfer could not be removed from the device. Restart the device (or wait until the transfer "
                        + "expires there, about 10 minutes), then run the same command again. It still runs its old firmware.",
                e, e.httpStatus().orElse(0), code, java.time.Duration.ZERO);
    }
}
