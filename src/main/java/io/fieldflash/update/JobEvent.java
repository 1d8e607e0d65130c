package io.fieldflash.update;

import java.time.Duration;

/**
 * What an {@link UpdateJob} reports while it runs. Delivered in order, on one event thread that is never the job's
 * own (a slow listener cannot stall an update); a GUI hands them to its UI thread.
 */
public sealed interface JobEvent {

    /** A new step began; {@code detail} names what it works on (e.g. the image), or is empty. */
    record PhaseChanged(Phase phase, String detail) implements JobEvent {}

    /**
     * Bytes confirmed by the device (or, while {@link Phase#VERIFYING}, bytes of the bundle checked).
     *
     * @param bytesDone      bytes done so far, over all images
     * @param bytesTotal     bytes in all
     * @param bytesPerSecond recent speed; 0 while unknown
     * @param eta            time left at the recent speed; {@link Duration#ZERO} while unknown (see {@link #etaKnown()})
     */
    record Progress(long bytesDone, long bytesTotal, double bytesPerSecond, Duration eta) implements JobEvent {
        public boolean etaKnown() {
            return bytesPerSecond > 0;
        }

        /** 0..100. */
        public double percent() {
            return bytesTotal <= 0 ? 100 : 100.0 * bytesDone / bytesTotal;
        }
    }

    /** A line for the operator. */
    record Message(Level level, String text) implements JobEvent {}

    /**
     * The link broke or the device stumbled: after {@code failures} failed attempts in a row (the job gives up at
     * {@code maxAttempts}), it tries again after {@code delay}. {@code reason} is the last failure, for people.
     */
    record Reconnecting(int failures, int maxAttempts, Duration delay, String reason) implements JobEvent {}

    /** The transfer was paused ({@code true}) or goes on again ({@code false}). */
    record PauseChanged(boolean paused) implements JobEvent {}

    /** The last event of every job. */
    record Finished(JobResult result) implements JobEvent {}

    /** How much a message matters. */
    enum Level { INFO, WARNING, ERROR }
}
