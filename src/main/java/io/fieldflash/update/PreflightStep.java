package io.fieldflash.update;

import io.fieldflash.bundle.Manifest;
import io.fieldflash.device.DeviceInfo;

/**
 * Preflight: whether the bundle may go to the device (see {@link Preflight}); pure, so it needs no deadline of its own.
 * Fails with {@link UpdateRefusedException} (also for an older version the operator did not confirm); otherwise says
 * what to do.
 */
final class PreflightStep {
    private final JobContext c;

    PreflightStep(JobContext c) {
        this.c = c;
    }

    /** The verdict, never {@link Preflight.Verdict.Refused} (that is thrown). */
    Preflight.Verdict check(DeviceInfo info) throws UpdateRefusedException {
        Manifest m = c.bundle.manifest();
        Preflight.Verdict v = Preflight.check(info, m, c.bundle.manifestSha256(), c.stores.counters().highest(info.deviceId()));
        if (v instanceof Preflight.Verdict.Refused r) throw r.why();
        if (v instanceof Preflight.Verdict.OlderVersion o) {
            if (!c.settings.allowDowngrade()) throw Preflight.olderVersionRefused(o);
            c.downgradeConfirmed = true;
            c.emit(new JobEvent.Message(JobEvent.Level.WARNING, "Installing " + io.fieldflash.Printable.cut(o.bundle(), 80)
                    + ", older than the " + io.fieldflash.Printable.cut(o.running(), 80)
                    + " the device runs, as the operator confirmed. The audit log records this."));
        }
        return v;
    }
}
