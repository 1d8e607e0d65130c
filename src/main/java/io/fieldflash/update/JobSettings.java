package io.fieldflash.update;

import io.fieldflash.device.RetryPolicy;
import java.time.Duration;

/**
 * How patient an {@link UpdateJob} is.
 *
 * @param retry            backoff for transfer, install and confirm exchanges (consecutive failures without progress)
 * @param connectAttempts  tries to reach the device at first contact before saying it does not answer
 * @param rebootTimeout    longest wait for the device to answer again after a restart
 * @param rebootSettle     after this long, a device that answers with unchanged firmware is taken as having
 *                         restarted (into its old firmware) even if it was never seen down
 * @param pollInterval     how often to ask a restarting device
 * @param progressInterval least time between two {@link JobEvent.Progress} events
 * @param resumeSaveInterval least time between two writes of the resume point during a transfer
 * @param stepTimeout      longest time for each short step: identify, the install of one image, confirm (each has
 *                         its own; retries stop when it is up)
 * @param allowDowngrade   the operator confirmed installing an older version than the device runs (at a security
 *                         counter the device accepts); the audit record says so. Without it such a bundle is refused.
 */
public record JobSettings(RetryPolicy retry, int connectAttempts, Duration rebootTimeout, Duration rebootSettle,
                          Duration pollInterval, Duration progressInterval, Duration resumeSaveInterval,
                          Duration stepTimeout, boolean allowDowngrade) {

    public static final JobSettings DEFAULT = new JobSettings(RetryPolicy.DEFAULT, 3, Duration.ofMinutes(3), Duration.ofSeconds(20),
            Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(2), false);

    public JobSettings {
        if (connectAttempts < 1) throw new IllegalArgumentException("connectAttempts must be at least 1");
        if (!rebootTimeout.isPositive() || !pollInterval.isPositive() || !stepTimeout.isPositive()) throw new IllegalArgumentException("durations must be positive");
    }

    public JobSettings withRetry(RetryPolicy retry) {
        return new JobSettings(retry, connectAttempts, rebootTimeout, rebootSettle, pollInterval, progressInterval, resumeSaveInterval, stepTimeout, allowDowngrade);
    }

    public JobSettings withReboot(Duration timeout, Duration settle, Duration poll) {
        return new JobSettings(retry, connectAttempts, timeout, settle, poll, progressInterval, resumeSaveInterval, stepTimeout, allowDowngrade);
    }

    public JobSettings withConnectAttempts(int attempts) {
        return new JobSettings(retry, attempts, rebootTimeout, rebootSettle, pollInterval, progressInterval, resumeSaveInterval, stepTimeout, allowDowngrade);
    }

    public JobSettings withStepTimeout(Duration timeout) {
        return new JobSettings(retry, connectAttempts, rebootTimeout, rebootSettle, pollInterval, progressInterval, resumeSaveInterval, timeout, allowDowngrade);
    }

    /** The same settings, with the operator's confirmation of a version downgrade given or withdrawn. */
    public JobSettings withDowngradeAllowed(boolean allowed) {
        return new JobSettings(retry, connectAttempts, rebootTimeout, rebootSettle, pollInterval, progressInterval, resumeSaveInterval,
                stepTimeout, allowed);
    }
}
