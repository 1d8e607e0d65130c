package io.fieldflash.update;

import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.TransferControl;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What the steps of one {@link UpdateJob} share: the device, the settings and stores, the way out to the job's events,
 * and the facts of this run (written by the job's thread only).
 */
final class JobContext {

    /** The job's outlets, as the steps see them. */
    interface Outlet {
        void emit(JobEvent e);

        /** A progress event, rate-limited unless {@code force}. */
        void progress(long done, long total, boolean force);

        /** The speed meter starts again (a new transfer, a pause). */
        void resetSpeed();
    }

    /** One exchange with the device. */
    @FunctionalInterface
    interface DeviceCall<T> {
        T call() throws DeviceException, InterruptedException;
    }

    /** The transport in use: the job's device, or the {@link Fallback}'s after the first path failed. */
    Device device;
    final JobSettings settings;
    final UpdateStores stores;
    final RandomGenerator random;
    final TransferControl control;
    private final Outlet outlet;

    // Facts of this run.
    VerifiedBundle bundle;
    DeviceInfo first;
    long bytesSent;
    int resumes;
    /** The operator's confirmation of an older version was used (the bundle is a version downgrade). */
    boolean downgradeConfirmed;

    JobContext(Device device, JobSettings settings, UpdateStores stores, RandomGenerator random, TransferControl control, Outlet outlet) {
        this.device = device;
        this.settings = settings;
        this.stores = stores;
        this.random = random;
        this.control = control;
        this.outlet = outlet;
    }

    void emit(JobEvent e) {
        outlet.emit(e);
    }

    void say(JobEvent.Level level, String text) {
        outlet.emit(new JobEvent.Message(level, text));
    }

    void progress(long done, long total, boolean force) {
        outlet.progress(done, total, force);
    }

    void resetSpeed() {
        outlet.resetSpeed();
    }

    /**
     * Runs {@code call}, retrying retryable failures with backoff as the retry policy allows, and not past
     * {@code deadline} (then the last failure stands).
     */
    <T> T withRetries(DeviceCall<T> call, StepDeadline deadline) throws DeviceException, InterruptedException {
        int failures = 0;
        while (true) {
            try {
                return call.call();
            } catch (DeviceException e) {
                if (!e.retryable()) throw e;
                failures++;
                if (settings.retry().exhausted(failures) || deadline.passed()) throw e;
                Duration d = deadline.cap(settings.retry().delay(failures, random));
                emit(new JobEvent.Reconnecting(failures, settings.retry().maxAttempts(), d, e.getMessage()));
                control.sleep(d);
            }
        }
    }
}
