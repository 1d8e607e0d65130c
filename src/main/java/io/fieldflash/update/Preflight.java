package io.fieldflash.update;

import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.ReasonCode;
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

        /** The bundle must not go to this device; the exception says why and what to do. */
        record Refused(UpdateRefusedException why) implements Verdict {}
    }

    /**
     * @param laptopMemory the highest security counter this laptop installed on this device, if any
     */
    public static Verdict check(DeviceInfo info, Manifest m, Optional<InstalledCounters.Entry> laptopMemory) {
        if (!info.product().equals(m.product())) {
            return refused(UpdateRefusedException.Reason.WRONG_PRODUCT,
                    "The bundle is for \"" + m.product() + "\" but the device is a \"" + info.product() + "\".",
                    "Pick the bundle made for this product.");
        }
        if (!m.hardware().contains(info.hardware())) {
            return refused(UpdateRefusedException.Reason.INCOMPATIBLE_HARDWARE,
                    "The bundle is for hardware " + String.join(", ", m.hardware()) + " but the device is " + info.hardware() + ".",
                    ReasonCode.INCOMPATIBLE_HARDWARE.hint());
        }
        DeviceInfo.Firmware fw = info.firmware();
        if (fw.trial()) {
            if (fw.version().equals(m.version())) return new Verdict.ConfirmTrial();
            return refused(UpdateRefusedException.Reason.TRIAL_PENDING,
                    "The device runs " + fw.version() + " on trial (not yet confirmed), so its previous firmware is its only fallback.",
                    "Restart the device to return to its confirmed firmware, or confirm " + fw.version()
                            + " by flashing that bundle again; then flash this one.");
        }
        if (fw.version().equals(m.version()) && fw.securityCounter() == m.securityCounter()) {
            return new Verdict.AlreadyInstalled();
        }
        if (m.securityCounter() < fw.securityCounter()) {
            return refused(UpdateRefusedException.Reason.DOWNGRADE,
                    "The bundle's security counter (" + m.securityCounter() + ", version " + m.version()
                            + ") is below the device's (" + fw.securityCounter() + ", running " + fw.version() + ").",
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
        return new Verdict.Proceed();
    }

    private static Verdict refused(UpdateRefusedException.Reason reason, String message, String hint) {
        return new Verdict.Refused(new UpdateRefusedException(reason, message, hint));
    }
}
