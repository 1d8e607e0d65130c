package io.fieldflash.update;

import io.fieldflash.Printable;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.ReasonCode;
import io.fieldflash.bundle.SemVer;
import io.fieldflash.device.DeviceInfo;
import java.util.Optional;

/**
 * Whether a bundle may go to a device, as a pure function of the manifest, what the device reports, and what
 * this laptop once installed on it. {@link UpdateJob} acts on it; the wizard's review page shows it first.
 */
public final class Preflight {
    private Preflight() {}

    /** The verdict. */
    public sealed interface Verdict {
        /** Send the bundle. */
        record Proceed() implements Verdict {}

        /** The device runs exactly this bundle's firmware on trial (an earlier run stopped after the restart): confirm it. */
        record ConfirmTrial() implements Verdict {}

        /** The device already runs exactly this firmware: nothing to send. */
        record AlreadyInstalled() implements Verdict {}

        /**
         * The bundle holds an older version than the device runs, at a security counter the device still accepts
         * (e.g. 2.4.1 → 2.4.0): it goes only when the operator confirms the downgrade, and the audit log records that.
         *
         * @param running what the device runs (its own text)
         * @param bundle  the bundle's version
         */
        record OlderVersion(String running, String bundle) implements Verdict {}

        /** The bundle must not go to this device; the exception says why and what to do. */
        record Refused(UpdateRefusedException why) implements Verdict {}
    }

    /**
     * Whether the device runs exactly the bundle whose manifest.json has SHA-256 {@code manifestSha256}: version and
     * security counter as the manifest says, and, when the device reports it, that very manifest (the version text
     * alone is no identity; older devices that do not report the manifest are judged by version and counter).
     */
    public static boolean runsExactly(DeviceInfo.Firmware fw, Manifest m, String manifestSha256) {
        if (!fw.version().equals(m.version()) || fw.securityCounter() != m.securityCounter()) return false;
        return !fw.reportsManifest() || fw.manifestSha256().equalsIgnoreCase(manifestSha256);
    }

    /**
     * @param manifestSha256 the SHA-256 of the bundle's manifest.json (its identity)
     * @param laptopMemory   the highest security counter this laptop installed on this device, if any
     */
    public static Verdict check(DeviceInfo info, Manifest m, String manifestSha256, Optional<InstalledCounters.Entry> laptopMemory) {
        if (!info.product().equals(m.product())) {
            return refused(UpdateRefusedException.Reason.WRONG_PRODUCT,
                    "The bundle is for \"" + m.product() + "\" but the device is a \"" + Printable.cut(info.product(), 80) + "\".",
                    "Pick the bundle made for this product.");
        }
        if (!m.hardware().contains(info.hardware())) {
            return refused(UpdateRefusedException.Reason.INCOMPATIBLE_HARDWARE,
                    "The bundle is for hardware " + String.join(", ", m.hardware()) + " but the device is " + Printable.cut(info.hardware(), 80) + ".",
                    ReasonCode.INCOMPATIBLE_HARDWARE.hint());
        }
        DeviceInfo.Firmware fw = info.firmware();
        String runs = Printable.cut(fw.version(), 80);
        if (fw.trial()) {
            if (runsExactly(fw, m, manifestSha256)) return new Verdict.ConfirmTrial();
            boolean sameText = fw.version().equals(m.version());
            return refused(UpdateRefusedException.Reason.TRIAL_PENDING,
                    "The device runs " + runs + (sameText ? " (another build than this bundle's)" : "")
                            + " on trial (not yet confirmed), so its previous firmware is its only fallback.",
                    "Restart the device to return to its confirmed firmware, then flash this bundle. Confirm the firmware on trial "
                            + "only with the very bundle it was installed from.");
        }
        if (runsExactly(fw, m, manifestSha256)) {
            return new Verdict.AlreadyInstalled();
        }
        if (m.securityCounter() < fw.securityCounter()) {
            return refused(UpdateRefusedException.Reason.DOWNGRADE,
                    "The bundle's security counter (" + m.securityCounter() + ", version " + m.version()
                            + ") is below the device's (" + fw.securityCounter() + ", running " + runs + ").",
                    ReasonCode.DOWNGRADE.hint());
        }
        if (laptopMemory.isPresent() && m.securityCounter() < laptopMemory.get().securityCounter()) {
            InstalledCounters.Entry e = laptopMemory.get();
            return refused(UpdateRefusedException.Reason.DOWNGRADE,
                    "This laptop installed " + e.version() + " (security counter " + e.securityCounter() + ") on device "
                            + info.deviceId() + " on " + e.installed() + "; the bundle's counter is only " + m.securityCounter()
                            + ". The device now reports " + fw.securityCounter() + ": it may have been rolled back or replaced.",
                    "Use a bundle with security counter " + e.securityCounter() + " or higher, and find out why the device went back.");
        }
        for (ImageSpec i : m.images()) {
            if (info.maxImageSize() > 0 && i.size() > info.maxImageSize()) {
                return refused(UpdateRefusedException.Reason.IMAGE_TOO_LARGE,
                        "Image \"" + i.name() + "\" has " + i.size() + " bytes; the device accepts at most " + info.maxImageSize() + ".",
                        "Check that the bundle is meant for this device.");
            }
        }
        if (olderVersion(fw.version(), m.version())) return new Verdict.OlderVersion(fw.version(), m.version());
        return new Verdict.Proceed();
    }

    /**
     * True when {@code bundle} is a lower SemVer than {@code running}. A device version that is not SemVer cannot be
     * ordered, so it is never taken as newer (the security counter still guards against rollback).
     */
    static boolean olderVersion(String running, String bundle) {
        if (!SemVer.isValid(running) || !SemVer.isValid(bundle)) return false;
        return SemVer.parse(bundle).compareTo(SemVer.parse(running)) < 0;
    }

    /** The refusal for {@link Verdict.OlderVersion} when the operator did not confirm it (the command line's words). */
    public static UpdateRefusedException olderVersionRefused(Verdict.OlderVersion o) {
        return new UpdateRefusedException(UpdateRefusedException.Reason.OLDER_VERSION,
                "The bundle's version " + Printable.cut(o.bundle(), 80) + " is older than the version the device runs ("
                        + Printable.cut(o.running(), 80) + "), at a security counter the device still accepts.",
                "To install the older version on purpose, add --allow-downgrade; the audit log records it. Otherwise use a bundle "
                        + "with the same or a newer version.");
    }

    private static Verdict refused(UpdateRefusedException.Reason reason, String message, String hint) {
        return new Verdict.Refused(new UpdateRefusedException(reason, message, hint));
    }
}
