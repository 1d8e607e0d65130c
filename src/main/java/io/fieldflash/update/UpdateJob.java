package io.fieldflash.update;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.ImageIntegrityException;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.TransferControl;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that sequences an update:
 * verify → connect → identify → preflight → transfer (resumable) → install → reboot → wait → confirm → audit,
 * and, when the first path is gone and the job has a {@link Fallback}, connect → … again over the fallback's transport.
 * Each step is a small class of its own ({@link IdentifyStep}, {@link PreflightStep}, {@link TransferStep},
 * {@link InstallStep}, {@link RebootStep}, {@link ConfirmStep}, {@link FallbackStep}) with its own deadline and typed
 * failures; the job keeps their order, the events, pause/cancel and the audit record.
 *
 * <p>Runs on its own thread ({@link #start()}); reports {@link JobEvent}s to listeners on a separate event
 * thread; takes commands from any thread: {@link #pause()}, {@link #resume()}, {@link #cancel()},
 * {@link #cancelAndDiscard()}. Every wait has a timeout and gives way to a cancel.
 *
 * <p>Safety rules it keeps:
 * <ul>
 *   <li>Nothing that changes the device's firmware happens before the install step; a cancel or failure before it
 *       leaves the device on its old firmware, and the transfer's resume point on disk (unless discarded). Not over a
 *       serial ROM loader: there the transfer is the write into flash, and a stop mid-write leaves the firmware
 *       incomplete (the result says so).</li>
 *   <li>From the install step on, a cancel is refused: the few remaining steps are bounded by timeouts, and stopping
 *       half-way would leave an unconfirmed trial for the operator to sort out.</li>
 *   <li>A bundle is refused for a device whose counter, or whose highest counter installed from this laptop, is above
 *       the bundle's.</li>
 *   <li>The unit identified at first contact is the one sent to, installed and restarted (device id, product and
 *       hardware compared before each of these and after the restart), and it is confirmed only when it runs exactly
 *       the bundle (version, counter and, when reported, the manifest's SHA-256).</li>
 *   <li>A device found running exactly this bundle on trial (a power cut after the install was recorded starts the
 *       trial at the next boot) is confirmed as it runs, never restarted again: a restart would revert it.</li>
 *   <li>A restart refused because the install is not whole ({@code INSTALL_INCOMPLETE}) leads to the missing images
 *       being sent and installed again, at most {@value #MAX_REINSTALL_ROUNDS} times; success is never reported
 *       without the restart into the whole bundle.</li>
 *   <li>Every job, whatever its end (even {@link #interrupt()} past the install step), appends one line to the audit log.</li>
 * </ul>
 */
public final class UpdateJob {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateJob.class);

    private final BundleSource source;
    private final UpdateStores stores;
    private final JobSettings settings;
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<JobResult> done = new CompletableFuture<>();
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final TransferControl control = new Control();

    private final Object state = new Object();
    private Thread worker;
    private boolean started;
    private boolean interruptible = true;    // false from the install step on, and while the job winds up
    private boolean cancelRequested;
    private boolean stopRequested;           // interrupt() past the point of no return
    private boolean pastNoReturn;
    private boolean discardRequested;
    private final Object pauseLock = new Object();
    private volatile boolean paused;
    private volatile boolean unitConfirmed;
    private volatile Phase phase = Phase.VERIFYING;

    // Facts of this run: written by the job thread only (the steps share them through the context).
    private final JobContext run;
    private volatile AuditRecord audited;
    private String versionAfter = "";
    private final SpeedMeter speed = new SpeedMeter();
    private long lastProgressNanos;
    private long lastProgressPercent = -1;

    // The steps, in the order the job calls them.
    private final IdentifyStep identify;
    private final PreflightStep preflight;
    private final TransferStep transfer;
    private final InstallStep install;
    private final RebootStep reboot;
    private final ConfirmStep confirm;
    private final FallbackStep fallback;

    private UpdateJob(BundleSource source, Device device, Fallback fallback, UpdateStores stores, JobSettings settings) {
        this.source = source;
        this.stores = stores;
        this.settings = settings;
        this.run = new JobContext(device, settings, stores, random, control, new JobContext.Outlet() {
            @Override public void emit(JobEvent e) { UpdateJob.this.emit(e); }
            @Override public void progress(long done, long total, boolean force) { UpdateJob.this.progress(done, total, force); }
            @Override public void resetSpeed() { speed.reset(); }
        });
        this.identify = new IdentifyStep(run);
        this.preflight = new PreflightStep(run);
        this.transfer = new TransferStep(run);
        this.install = new InstallStep(run, transfer, identify);
        this.reboot = new RebootStep(run);
        this.confirm = new ConfirmStep(run);
        this.fallback = new FallbackStep(run, fallback);
    }

    /** A job that puts {@code bundle} on {@code device}; call {@link #start()} to run it. */
    public static UpdateJob create(BundleSource bundle, Device device, UpdateStores stores, JobSettings settings) {
        return new UpdateJob(bundle, device, null, stores, settings);
    }

    /**
     * A job that puts {@code bundle} on {@code device} and, should the path to it be gone
     * ({@link Fallback#takesOver(Exception)}), on the same unit over {@code fallback}'s transport.
     */
    public static UpdateJob create(BundleSource bundle, Device device, Fallback fallback, UpdateStores stores, JobSettings settings) {
        return new UpdateJob(bundle, device, Objects.requireNonNull(fallback), stores, settings);
    }

    /**
     * Records that the technician confirmed by hand that the unit is the right one, because the connection cannot
     * tell its product (a ROM bootloader); the audit record carries it. Call before {@link #start()}.
     */
    public UpdateJob unitConfirmedByOperator() {
        unitConfirmed = true;
        return this;
    }

    /** Adds a listener; add them before {@link #start()} to see every event. */
    public UpdateJob addListener(JobListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Starts the job on its own thread; returns at once. */
    public UpdateJob start() {
        synchronized (state) {
            if (started) throw new IllegalStateException("the job was started already");
            started = true;
            Thread.ofVirtual().name("fieldflash-update-events").start(this::dispatch);
            // A platform thread: a serial port's reads and writes block in native code, which would pin a virtual thread's
            // carrier; with several jobs at once (depot mode) the units would then take turns on the few carriers.
            worker = Thread.ofPlatform().daemon().name("fieldflash-update").start(this::runJob);
        }
        return this;
    }

    /** Starts the job and waits for its end (what the command line does). */
    public JobResult run() throws InterruptedException {
        start();
        return await();
    }

    /** Waits for the end; returns after every listener has received {@link JobEvent.Finished}. */
    public JobResult await() throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits at most {@code timeout} for the end. */
    public Optional<JobResult> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(done.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The job's audit record, once it has finished (what "Save report" writes out). */
    public Optional<AuditRecord> auditRecord() {
        return Optional.ofNullable(audited);
    }

    /** The step the job is in. */
    public Phase phase() {
        return phase;
    }

    /**
     * Stops the job if it has not reached the install step: the device keeps its old firmware, and the transfer's
     * resume point stays (on the device and on disk) so the same update continues later.
     *
     * @return true when the job will stop; false when it is past the point where stopping is safe (it then
     *         finishes by itself) or already ended
     */
    public boolean cancel() {
        return cancel(false);
    }

    /**
     * Stops the job now, whatever step it is in (the command line's Ctrl-C): before the install step this is
     * {@link #cancel()}; from the install step on, the job stops where it is and ends {@code FAILED} with reason
     * {@code INTERRUPTED}, saying that the device may hold or run the new firmware unconfirmed. Either way the audit
     * record is written and {@link JobEvent.Finished} is sent.
     *
     * @return false when the job has not started or has ended already
     */
    public boolean interrupt() {
        synchronized (state) {
            if (!started || done.isDone()) return false;
            if (interruptible) cancelRequested = true;
            else if (pastNoReturn) stopRequested = true;
            else return false;      // winding up: the result is being written
            if (worker != null) worker.interrupt();
        }
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
        return true;
    }

    /** Like {@link #cancel()}, and also drops the transfer on the device and the resume point on disk. */
    public boolean cancelAndDiscard() {
        return cancel(true);
    }

    private boolean cancel(boolean discard) {
        synchronized (state) {
            if (!interruptible || done.isDone()) return false;
            cancelRequested = true;
            discardRequested |= discard;
            if (worker != null) worker.interrupt();
        }
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
        return true;
    }

    /** Holds the transfer after the current chunk (other steps are short and are not paused). */
    public void pause() {
        paused = true;
    }

    /** Lets a paused transfer go on. */
    public void resume() {
        paused = false;
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void dispatch() {
        while (true) {
            JobEvent e;
            try {
                e = events.take();
            } catch (InterruptedException ie) {
                return;
            }
            for (JobListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("an update listener failed on {}", e, ex);
                }
            }
            if (e instanceof JobEvent.Finished f) {
                done.complete(f.result());
                return;
            }
        }
    }

    private void emit(JobEvent e) {
        events.add(e);
    }

    private void phase(Phase p, String detail) {
        phase = p;
        LOG.debug("phase {} {}", p, detail);
        emit(new JobEvent.PhaseChanged(p, detail));
    }

    private void say(JobEvent.Level level, String text) {
        LOG.debug("{}: {}", level, text);
        emit(new JobEvent.Message(level, text));
    }

    private void progress(long doneBytes, long total, boolean force) {
        long now = System.nanoTime();
        double bps = speed.add(doneBytes);
        long percent = total <= 0 ? 100 : doneBytes * 100 / total;
        // At most one event per progressInterval, but never skip a whole percent (plain renderers print every 10 %).
        if (!force && percent == lastProgressPercent && now - lastProgressNanos < settings.progressInterval().toNanos()) return;
        lastProgressNanos = now;
        lastProgressPercent = percent;
        emit(new JobEvent.Progress(doneBytes, total, bps, SpeedMeter.eta(total - doneBytes, bps)));
    }

    private boolean cancelled() {
        synchronized (state) {
            return cancelRequested || stopRequested;
        }
    }

    private boolean stopped() {
        synchronized (state) {
            return stopRequested;
        }
    }

    /** From here on, cancel() is refused; throws if a cancel came first. */
    private void pointOfNoReturn() throws InterruptedException {
        synchronized (state) {
            if (cancelRequested) throw new InterruptedException("cancelled");
            interruptible = false;
            pastNoReturn = true;
        }
        Thread.interrupted();        // a stray interrupt must not break the steps that follow
        if (stopped()) throw new InterruptedException("stopped");
    }

    private final class Control implements TransferControl {
        @Override
        public void checkpoint() throws InterruptedException {
            if (cancelled() || Thread.currentThread().isInterrupted()) throw new InterruptedException("cancelled");
            if (!paused) return;
            say(JobEvent.Level.INFO, "Paused. The device keeps what it has received.");
            emit(new JobEvent.PauseChanged(true));
            synchronized (pauseLock) {
                while (paused && !cancelled()) pauseLock.wait();
            }
            if (cancelled()) throw new InterruptedException("cancelled");
            emit(new JobEvent.PauseChanged(false));
            speed.reset();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            if (cancelled()) throw new InterruptedException("cancelled");
            if (d.isPositive()) Thread.sleep(d);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void runJob() {
        long t0 = System.nanoTime();
        JobResult result;
        try {
            result = execute(t0);
        } catch (InterruptedException | CancellationException e) {
            result = stopped() ? stoppedResult(t0) : cancelledResult(t0);
        } catch (BundleException | UpdateRefusedException e) {
            result = result(t0, JobResult.Outcome.REFUSED, e.code(), e.getMessage(), e.hint());
        } catch (DeviceException e) {
            JobResult.Outcome o = e.reason() == DeviceException.Reason.INSTALL_REFUSED ? JobResult.Outcome.REFUSED : JobResult.Outcome.FAILED;
            result = result(t0, o, e.code(), e.getMessage(), e.hint());
        } catch (FieldFlashException e) {
            result = result(t0, JobResult.Outcome.FAILED, e.code(), e.getMessage(), e.hint());
        } catch (ImageIntegrityException e) {
            result = result(t0, JobResult.Outcome.REFUSED, e.reason().name(), e.getMessage(), e.reason().hint());
        } catch (IOException e) {
            result = result(t0, JobResult.Outcome.FAILED, "IO_ERROR", "Reading the bundle failed: " + e.getMessage() + ".",
                    "Check that the bundle file is still there and readable (a removed USB stick?), then run the same command again.");
        } catch (RuntimeException e) {
            if (stopped()) {
                finish(stoppedResult(t0));
                return;
            }
            LOG.error("update job failed", e);
            result = result(t0, JobResult.Outcome.FAILED, "INTERNAL_ERROR", "FieldFlash failed unexpectedly: " + e + ".",
                    "This is a bug in FieldFlash; please report it with the audit log. The device was not told to install anything new "
                            + "unless the messages above say so.");
        }
        if (stopped() && !result.ok() && !result.reason().equals("INTERRUPTED")) result = stoppedResult(t0);
        finish(result);
    }

    private void finish(JobResult result) {
        synchronized (state) {
            interruptible = false;
        }
        Thread.interrupted();
        phase = Phase.DONE;
        AuditRecord record = JobAudit.record(result, source, run, fallback.firstTries(), unitConfirmed);
        audited = record;
        try {
            stores.audit().append(record);
        } catch (IOException | RuntimeException e) {
            say(JobEvent.Level.WARNING, "Could not write the audit log " + stores.audit().file() + ": " + e.getMessage());
        }
        emit(new JobEvent.PhaseChanged(Phase.DONE, result.outcome().name()));
        emit(new JobEvent.Finished(result));
    }

    private JobResult execute(long t0) throws FieldFlashException, IOException, InterruptedException {
        run.bundle = verify();
        control.checkpoint();
        try {
            return over(t0);
        } catch (DeviceException e) {
            if (cancelled() || !fallback.takesOver(e)) throw e;
            fallback.switchOver(e);
            transfer.forgetTransfer();
            JobResult r = over(t0);
            if (!r.ok()) return r;
            fallback.dropFirstResumePoints();
            return result(t0, r.outcome(), r.reason(), fallback.finishedSentence() + " " + r.message(), r.hint());
        }
    }

    /** Connects over the transport in use ({@link JobContext#device}) and updates the unit through it. */
    private JobResult over(long t0) throws FieldFlashException, IOException, InterruptedException {
        phase(Phase.CONNECTING, run.device.address());
        try (DeviceSession session = run.device.open()) {
            try {
                return update(session, t0);
            } catch (InterruptedException | CancellationException e) {
                if (!cancelled() || stopped()) throw e;
                synchronized (state) {
                    interruptible = false;
                }
                Thread.interrupted();
                if (discardRequested) transfer.discard();
                else transfer.saveLastResumePoint();
                return cancelledResult(t0);
            }
        }
    }

    private VerifiedBundle verify() throws BundleException {
        return switch (source) {
            case BundleSource.Verified v -> v.bundle();
            case BundleSource.File f -> {
                phase(Phase.VERIFYING, f.path().getFileName().toString());
                speed.reset();
                VerifiedBundle vb = new BundleReader(f.trust()).allowingExpired(f.allowExpired())
                        .read(f.path(), (d, total) -> progress(d, total, d == total));
                if (vb.expiryOverridden()) {
                    say(JobEvent.Level.WARNING, "The bundle expired on " + vb.manifest().expires()
                            + "; it is used because the operator allowed it. The audit log records this.");
                }
                yield vb;
            }
        };
    }

    private JobResult update(DeviceSession session, long t0) throws FieldFlashException, IOException, InterruptedException {
        Manifest m = run.bundle.manifest();
        String manifestSha = run.bundle.manifestSha256();
        Capabilities caps = run.device.capabilities();
        phase(Phase.IDENTIFYING, run.device.address());
        DeviceInfo info = identify.firstContact(session);
        run.first = info;
        if (caps.identity()) {
            say(JobEvent.Level.INFO, "Device " + Printable.cut(info.deviceId(), 80) + ": " + Printable.cut(info.product(), 80)
                    + " (" + Printable.cut(info.hardware(), 80) + ") runs " + info.firmware() + ".");
        }

        phase(Phase.PREFLIGHT, "");
        boolean trialOfThisBundle = false;
        if (caps.identity()) {
            Preflight.Verdict v = preflight.check(info);
            if (v instanceof Preflight.Verdict.AlreadyInstalled) return alreadyInstalled(info, m, t0);
            trialOfThisBundle = v instanceof Preflight.Verdict.ConfirmTrial;
            if (!info.firmware().reportsManifest()) {
                say(JobEvent.Level.WARNING, "The device does not report which manifest its firmware came from; FieldFlash can only "
                        + "compare the version and the security counter.");
            }
        } else {
            say(JobEvent.Level.WARNING, "This connection cannot tell the device's product or firmware; the device's own checks are all that stand "
                    + "between it and a wrong bundle.");
        }

        // The device found running exactly this bundle on trial (an earlier run, or a power cut after the install was
        // recorded, restarted it): confirmed as it runs, never restarted again (that would revert it).
        DeviceInfo onTrial = null;
        if (trialOfThisBundle) {
            say(JobEvent.Level.INFO, "The device already runs " + m.version() + " on trial (an earlier update stopped before confirming it).");
            pointOfNoReturn();
            onTrial = info;
        } else {
            session.checkImages(m.images().stream().<ImageSource>map(i -> new CheckedImage(run.bundle, i)).toList());
            onTrial = sendAndInstall(session, m.images());
            for (int round = 1; onTrial == null && caps.rebootCommand(); round++) {
                if (caps.identity()) {
                    DeviceInfo now = identify.sameDevice(session, "before the restart");
                    if (now.firmware().trial() && Preflight.runsExactly(now.firmware(), m, manifestSha)) {
                        say(JobEvent.Level.INFO, "The device restarted by itself after the install and runs " + m.version()
                                + " on trial: confirming it, without another restart.");
                        onTrial = now;
                        break;
                    }
                }
                phase(Phase.REBOOTING, "");
                try {
                    reboot.reboot(session);
                    break;
                } catch (DeviceException e) {
                    if (e.reason() != DeviceException.Reason.INSTALL_INCOMPLETE || round > MAX_REINSTALL_ROUNDS) throw e;
                    onTrial = sendAndInstall(session, missing(e, m));
                }
            }
        }

        if (!caps.identity()) {
            versionAfter = "";
            stores.resume().delete(info.deviceId());
            return result(t0, JobResult.Outcome.UPDATED, "", "The image was sent and the device accepted it.", "");
        }
        phase(Phase.WAITING, "");
        DeviceInfo back = onTrial != null ? onTrial : reboot.awaitBack(session, info);
        identify.requireSame(back, "after the restart");
        versionAfter = back.firmware().version();
        if (!Preflight.runsExactly(back.firmware(), m, manifestSha)) {
            boolean sameText = back.firmware().version().equals(m.version());
            throw new UpdateFailedException(UpdateFailedException.Reason.BOOT_FAILED,
                    "The device restarted but runs " + back.firmware()
                            + (back.firmware().reportsManifest() ? " from manifest " + Printable.cut(back.firmware().manifestSha256(), 64) : "")
                            + (sameText ? ", which is not this bundle's firmware although it carries the same version text"
                                        : ", not " + m.version() + " (security counter " + m.securityCounter() + ")")
                            + ": the new firmware did not start as installed, so it is not confirmed.",
                    "Do not use the device until it runs confirmed firmware: restart it (it returns to its previous firmware unless "
                            + "the firmware on trial is confirmed), then run the same command again; if this happens again, "
                            + "report it to the vendor with the audit log.",
                    null);
        }
        if (caps.trialBoot()) {
            // Always asked, and the answer checked: a device that says it is not on trial is not taken at its word.
            phase(Phase.CONFIRMING, "");
            back = confirm.confirm(session, m, manifestSha);
            versionAfter = back.firmware().version();
        }
        stores.counters().record(info.deviceId(), m.securityCounter(), m.version());
        stores.resume().delete(info.deviceId());
        return result(t0, JobResult.Outcome.UPDATED, "", "The device runs " + m.version() + " now"
                + (caps.trialBoot() ? ", confirmed." : "."), "");
    }

    /** How often a restart refused as incomplete ({@code INSTALL_INCOMPLETE}) leads to sending the missing images again. */
    static final int MAX_REINSTALL_ROUNDS = 2;

    /**
     * Sends and installs {@code images} in turn (each until the device holds and installs it, within bounds).
     *
     * @return what the device runs when it turned out to run this bundle on trial already (then the rest is not
     *         sent); null when every image was installed
     */
    private DeviceInfo sendAndInstall(DeviceSession session, List<ImageSpec> images)
            throws FieldFlashException, IOException, InterruptedException {
        Capabilities caps = run.device.capabilities();
        long total = images.stream().mapToLong(ImageSpec::size).sum();
        long doneBefore = 0;
        for (ImageSpec image : images) {
            for (int attempt = 1; ; attempt++) {
                control.checkpoint();
                if (caps.identity()) identify.sameDevice(session, "before sending \"" + image.name() + "\"");
                phase(Phase.TRANSFERRING, image.name());
                TransferStep.Sent sent = transfer.send(session, image, doneBefore, total);
                if (!caps.separateInstall()) {
                    pointOfNoReturn();
                    break;
                }
                if (caps.identity()) identify.sameDevice(session, "before installing \"" + image.name() + "\"");
                pointOfNoReturn();
                phase(Phase.INSTALLING, image.name());
                InstallStep.Outcome o = install.install(session, sent, image);
                if (o == InstallStep.Outcome.INSTALLED) break;
                if (o == InstallStep.Outcome.ON_TRIAL) return install.onTrial();
                if (attempt >= 3) {
                    throw new DeviceException(DeviceException.Reason.UPLOAD_GONE,
                            "The device at " + run.device.address() + " lost \"" + image.name() + "\" before installing it, " + attempt + " times.",
                            "Restart the device and run the same command again. It does not run the new firmware: FieldFlash "
                                    + "did not tell it to restart.");
                }
            }
            doneBefore += image.size();
        }
        return null;
    }

    /**
     * The bundle's images that the device, refusing to restart, says were never installed; all of them when it names
     * none (an image damaged in its slot). A name the bundle lacks is a failure: the install pending there is not ours.
     */
    private List<ImageSpec> missing(DeviceException incomplete, Manifest m) throws DeviceException {
        if (incomplete.missingImages().isEmpty()) {
            say(JobEvent.Level.WARNING, "The device refused to restart: an installed image is damaged. Sending and installing "
                    + "every image again.");
            return m.images();
        }
        List<ImageSpec> out = new ArrayList<>();
        for (String name : incomplete.missingImages()) {
            Optional<ImageSpec> spec = m.image(name);
            if (spec.isEmpty()) {
                throw new DeviceException(DeviceException.Reason.INSTALL_INCOMPLETE,
                        "The device at " + run.device.address() + " refused to restart for lack of image \"" + Printable.cut(name, 80)
                                + "\", which this bundle does not have: the install pending there is not this bundle's.",
                        "Restart the device (it keeps running its previous firmware), then run the same command again. If this "
                                + "happens again, report it to the vendor with the audit log.", incomplete);
            }
            if (!out.contains(spec.get())) out.add(spec.get());
        }
        say(JobEvent.Level.WARNING, "The device refused to restart: it lacks " + out.stream().map(i -> "\"" + i.name() + "\"")
                .collect(java.util.stream.Collectors.joining(", ")) + ". Sending and installing " + (out.size() == 1 ? "it" : "them") + " again.");
        return out;
    }

    private JobResult alreadyInstalled(DeviceInfo info, Manifest m, long t0) {
        say(JobEvent.Level.INFO, "The device already runs " + m.version() + "; nothing to do.");
        try {
            stores.resume().delete(info.deviceId());
        } catch (IOException e) {
            say(JobEvent.Level.WARNING, "Could not remove an old resume point: " + e.getMessage());
        }
        versionAfter = info.firmware().version();
        return result(t0, JobResult.Outcome.ALREADY_INSTALLED, "", "The device already runs " + m.version() + ".", "");
    }

    // ---- results and audit ----------------------------------------------------------------------------------------

    private JobResult cancelledResult(long t0) {
        if (writingOverSerial()) {
            return result(t0, JobResult.Outcome.CANCELLED, "CANCELLED", SERIAL_STOPPED, SERIAL_STOPPED_HINT);
        }
        return result(t0, JobResult.Outcome.CANCELLED, "CANCELLED",
                "Stopped by the operator before anything was installed; the device runs its old firmware.",
                discardRequested ? "" : "Run the same command again to continue the transfer where it stopped.");
    }

    /** What a cancel mid-write over a serial ROM loader leaves: the region being written is already erased. */
    static final String SERIAL_STOPPED = "Stopped by the operator while the firmware was being written over the cable: the unit's "
            + "firmware is now incomplete, and the unit does not start until it is written again. It stays in its ROM "
            + "bootloader, which cannot be damaged, ready to be written.";
    static final String SERIAL_STOPPED_HINT = "Write it again: run the same command again, or press Try again (Retry in the "
            + "depot view); it writes the firmware from the start.";

    /**
     * True while a serial ROM loader writes: there the write goes straight over the firmware in flash (each region is
     * erased first), with no second slot to fall back to. Asked by transport name, so a wrapper around the ROM device
     * (the depot's) answers the same.
     */
    private boolean writingOverSerial() {
        return phase == Phase.TRANSFERRING && io.fieldflash.device.esprom.EspRomDevice.TRANSPORT.equals(run.device.transport());
    }

    private JobResult stoppedResult(long t0) {
        return result(t0, JobResult.Outcome.FAILED, "INTERRUPTED",
                "Stopped by the operator while " + phase.label().toLowerCase(java.util.Locale.ROOT) + ". The device may hold the new "
                        + "firmware, or run it on trial, unconfirmed: unless it is confirmed, the device returns to its previous "
                        + "firmware at its next restart.",
                "Run the same command again: it confirms the new firmware if the device runs it on trial, or sends what is missing.");
    }

    private JobResult result(long t0, JobResult.Outcome outcome, String reason, String message, String hint) {
        String deviceId = run.first == null ? "" : run.first.deviceId();
        String before = run.first == null ? "" : run.first.firmware().version();
        String after = versionAfter.isEmpty() ? before : versionAfter;
        List<String> ids = new ArrayList<>(fallback.firstDeviceIds());
        if (!deviceId.isEmpty()) ids.add(deviceId);
        boolean kept = ids.stream().anyMatch(id -> stores.resume().load(id).isPresent());
        return new JobResult(outcome, reason, message, hint, deviceId, before, after, run.bytesSent, run.resumes,
                Duration.ofNanos(System.nanoTime() - t0), kept, fallback.transports());
    }
}
