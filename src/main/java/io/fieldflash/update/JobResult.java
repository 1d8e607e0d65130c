package io.fieldflash.update;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How an update ended.
 *
 * @param outcome        what happened
 * @param reason         a stable code when it did not update (e.g. {@code AUTH_FAILED}, {@code DOWNGRADE}); empty otherwise
 * @param message        a sentence for people
 * @param hint           what to do next; may be empty
 * @param deviceId       the device's id; empty when it never answered
 * @param versionBefore  what the device ran before; empty when unknown
 * @param versionAfter   what it runs now; empty when unknown
 * @param bytesSent      payload bytes put on the wire, retransmissions included
 * @param resumes        times the transfer continued from the device's offset (after a break, or from an earlier run)
 * @param elapsed        how long the job took
 * @param resumeKept     true when a resume point stays on disk, so the same command continues the transfer
 * @param transports     the transports of the job in order: the one it started on, then, after a {@link Fallback}, the
 *                       one that took over (the last one finished the job, or failed last); empty when it never got as
 *                       far as a device
 */
public record JobResult(Outcome outcome, String reason, String message, String hint, String deviceId,
                        String versionBefore, String versionAfter, long bytesSent, int resumes, Duration elapsed,
                        boolean resumeKept, List<String> transports) {

    public JobResult {
        transports = List.copyOf(transports);
    }

    /** A result without the transports (a job that never reached a device, a report read back). */
    public JobResult(Outcome outcome, String reason, String message, String hint, String deviceId, String versionBefore,
                     String versionAfter, long bytesSent, int resumes, Duration elapsed, boolean resumeKept) {
        this(outcome, reason, message, hint, deviceId, versionBefore, versionAfter, bytesSent, resumes, elapsed, resumeKept, List.of());
    }

    /** True when the job went over to a second transport after the first one's path failed. */
    public boolean fellBack() {
        return transports.size() > 1;
    }

    /** How a job ended. */
    public enum Outcome {
        /** The device runs the new firmware, confirmed. */
        UPDATED,
        /** The device already ran exactly this firmware; nothing was sent. */
        ALREADY_INSTALLED,
        /** The bundle or the device said no (invalid bundle, wrong hardware, downgrade, refused install). Nothing changed. */
        REFUSED,
        /** Something failed (link, token, timeout). The device runs its old firmware unless the message says otherwise. */
        FAILED,
        /**
         * The operator stopped the job before anything was installed. Over a network transport the device runs its old
         * firmware. Over a serial ROM loader ({@code esp-rom}) stopped while writing, it does not: the ROM erases each
         * region before writing it, so the unit's firmware is incomplete until it is written again (the message says
         * which case it is; the unit stays in its ROM bootloader, which cannot be damaged).
         */
        CANCELLED
    }

    /** True when the device runs the bundle's firmware at the end. */
    public boolean ok() {
        return outcome == Outcome.UPDATED || outcome == Outcome.ALREADY_INSTALLED;
    }

    /** The reason code, when there is one. */
    public Optional<String> reasonCode() {
        return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }
}
