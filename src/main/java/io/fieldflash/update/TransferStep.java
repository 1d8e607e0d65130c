package io.fieldflash.update;

import io.fieldflash.FieldFlashException;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.device.ChunkSender;
import io.fieldflash.device.ChunkedTransfer;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.StreamedTransfer;
import io.fieldflash.device.TransferListener;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Transfer: moves one image onto the device, continuing what the device (or the resume point on disk) holds, riding
 * over breaks, and keeping the resume point on disk up to date.
 *
 * <p>Its bound is the retry policy (consecutive failures without progress) and the device's own answers; fails with
 * {@link DeviceException}, or {@link IOException} when the bundle cannot be read or stops matching its manifest.
 */
final class TransferStep {
    private final JobContext c;
    private ResumePoint lastResume;
    private ImageTransfer current;

    /**
     * An image the device holds whole.
     *
     * @param transfer what to install
     * @param image    the image as this run read it; {@link CheckedImage#verified()} is true
     */
    record Sent(ImageTransfer transfer, CheckedImage image) {}

    TransferStep(JobContext c) {
        this.c = c;
    }

    Sent send(DeviceSession session, ImageSpec spec, long doneBefore, long total)
            throws FieldFlashException, IOException, InterruptedException {
        CheckedImage src = new CheckedImage(c.bundle, spec);
        String deviceId = c.first.deviceId();
        String hint = c.stores.resume().load(deviceId)
                .filter(rp -> rp.matches(c.bundle.manifestSha256(), spec.name(), spec.sha256()) && rp.deviceAddress().equals(c.device.address()))
                .map(ResumePoint::handle).orElse("");
        StepDeadline open = StepDeadline.of("starting the transfer of \"" + spec.name() + "\"", c.settings.stepTimeout());
        int restarts = 0;
        while (true) {
            String h = hint;
            ImageTransfer t = c.withRetries(() -> session.openTransfer(src, h), open);
            current = t;
            try {
                switch (t) {
                    case ChunkedTransfer ct -> sendChunked(ct, spec, doneBefore, total);
                    case StreamedTransfer st -> sendStreamed(st, doneBefore, total);
                }
                // The device held the bytes already (an earlier run sent them): check the bundle's copy here, so that
                // the install never follows bytes this run has not seen match the manifest.
                if (!src.verified()) src.verifyLocally();
                return new Sent(t, src);
            } catch (DeviceException e) {
                if (e.reason() != DeviceException.Reason.UPLOAD_GONE || restarts >= 2) throw e;
                restarts++;
                c.say(JobEvent.Level.WARNING, "The device no longer holds the transfer (it may have expired); sending the image anew.");
                hint = "";
            }
        }
    }

    private void sendChunked(ChunkedTransfer ct, ImageSpec spec, long doneBefore, long total) throws FieldFlashException, IOException, InterruptedException {
        ResumePoint base = new ResumePoint(c.first.deviceId(), c.device.address(), c.device.transport(), c.bundle.manifestSha256(),
                spec.name(), spec.sha256(), ct.handle(), 0, spec.size(), Instant.now(), c.bundle.path().toString());
        boolean keep = !ct.handle().isEmpty() && c.device.capabilities().resumable();
        if (keep) saveResume(base);
        long[] lastSave = {System.nanoTime()};
        long[] at = {0};
        c.resetSpeed();
        TransferListener listener = new TransferListener() {
            @Override
            public void progress(long offset, long length) {
                at[0] = offset;
                c.progress(doneBefore + offset, total, offset == length);
                if (keep && System.nanoTime() - lastSave[0] >= c.settings.resumeSaveInterval().toNanos()) {
                    lastSave[0] = System.nanoTime();
                    saveResume(base.at(offset));
                }
            }

            @Override
            public void sent(long n) {
                c.bytesSent += n;
            }

            @Override
            public void retrying(int failures, Duration delay, DeviceException cause) {
                c.emit(new JobEvent.Reconnecting(failures, c.settings.retry().maxAttempts(), delay, cause.getMessage()));
            }

            @Override
            public void resumed(long offset) {
                c.resumes++;
                if (offset > 0) {
                    c.say(JobEvent.Level.INFO, "Continuing \"" + spec.name() + "\" at byte " + offset + " of " + spec.size()
                            + " (" + offset * 100 / Math.max(1, spec.size()) + " %).");
                }
            }
        };
        try {
            new ChunkSender(c.settings.retry(), c.control, listener, c.random).send(ct);
        } finally {
            lastResume = keep ? base.at(at[0]) : null;
        }
        if (keep) saveResume(base.at(spec.size()));
    }

    private void sendStreamed(StreamedTransfer st, long doneBefore, long total) throws FieldFlashException, IOException, InterruptedException {
        int failures = 0;
        while (true) {
            c.control.checkpoint();
            try {
                c.resetSpeed();
                long[] sent = {0};     // this attempt's bytes: a stream that broke starts again at 0
                st.send(n -> {
                    c.bytesSent += n;
                    sent[0] += n;
                    c.progress(doneBefore + Math.min(sent[0], st.image().size()), total, false);
                });
                c.progress(doneBefore + st.image().size(), total, true);
                return;
            } catch (DeviceException e) {
                if (!e.retryable()) throw e;
                failures++;
                if (c.settings.retry().exhausted(failures)) throw e;
                if (failures == 1) {
                    c.say(JobEvent.Level.WARNING, "This device's update protocol cannot resume a broken transfer: \"" + st.image().name()
                            + "\" is sent again from its first byte (at most " + (c.settings.retry().maxAttempts() - 1) + " more times).");
                }
                Duration d = c.settings.retry().delay(failures, c.random);
                c.emit(new JobEvent.Reconnecting(failures, c.settings.retry().maxAttempts(), d,
                        e.getMessage() + " (this device cannot resume: starting over)"));
                c.control.sleep(d);
            }
        }
    }

    private void saveResume(ResumePoint p) {
        try {
            c.stores.resume().save(p);
        } catch (IOException e) {
            c.say(JobEvent.Level.WARNING, "Could not save the resume point (" + e.getMessage() + "); the device's own record is used to continue.");
        }
    }

    /** The job went over to another transport: the open transfer belongs to the first one's device, which is gone. */
    void forgetTransfer() {
        current = null;
    }

    /** After a cancel: writes where the transfer stood, so the next run continues there. */
    void saveLastResumePoint() {
        if (lastResume != null) saveResume(lastResume);
    }

    /** After a cancel-and-discard: drops the transfer on the device and the resume point on disk. */
    void discard() {
        if (current instanceof ChunkedTransfer ct) {
            try {
                ct.discard();
                c.say(JobEvent.Level.INFO, "The partial transfer was removed from the device.");
            } catch (DeviceException e) {
                c.say(JobEvent.Level.WARNING, "Could not remove the partial transfer from the device (" + e.getMessage()
                        + "); it expires there by itself.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (c.first != null) {
            try {
                c.stores.resume().delete(c.first.deviceId());
            } catch (IOException e) {
                c.say(JobEvent.Level.WARNING, "Could not remove the resume point: " + e.getMessage());
            }
        }
    }

    /**
     * Drops {@code t} on the device and the resume point on disk (after the device refused a whole but damaged
     * upload: resuming it would be refused again). True when both are gone.
     */
    boolean drop(ImageTransfer t) throws InterruptedException {
        boolean gone = true;
        if (t instanceof ChunkedTransfer ct) {
            try {
                ct.discard();
            } catch (DeviceException e) {
                gone = false;
                c.say(JobEvent.Level.WARNING, "Could not remove the refused transfer from the device (" + e.getMessage() + ").");
            }
        }
        lastResume = null;
        try {
            c.stores.resume().delete(c.first.deviceId());
        } catch (IOException e) {
            gone = false;
            c.say(JobEvent.Level.WARNING, "Could not remove the resume point: " + e.getMessage());
        }
        return gone;
    }
}
