package io.fieldflash.ui;

import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.ui.demo.DemoSession;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;

/** The state the wizard's steps share; changed only on the FX thread. */
public final class WizardModel {
    /** The device found in step 2: how to reach it and what it said about itself. */
    public record Connection(Device device, DeviceInfo info) {}

    private final AppContext context;
    private final ReadOnlyObjectWrapper<WizardStep> step = new ReadOnlyObjectWrapper<>(WizardStep.BUNDLE);
    private final ObjectProperty<VerifiedBundle> bundle = new SimpleObjectProperty<>();
    private final ObjectProperty<Connection> connection = new SimpleObjectProperty<>();
    private final ObjectProperty<UpdateJob> job = new SimpleObjectProperty<>();
    private final ObjectProperty<JobResult> result = new SimpleObjectProperty<>();
    private final ObjectProperty<DemoSession> demo = new SimpleObjectProperty<>();
    private final javafx.beans.property.BooleanProperty downgradeConfirmed = new javafx.beans.property.SimpleBooleanProperty(false);
    private final javafx.beans.property.StringProperty resumeAddress = new javafx.beans.property.SimpleStringProperty("");
    private final javafx.beans.property.BooleanProperty resuming = new javafx.beans.property.SimpleBooleanProperty(false);
    private final javafx.beans.property.IntegerProperty deviceRound = new javafx.beans.property.SimpleIntegerProperty(0);
    private String rememberedToken = "";
    /** How long a page that succeeded stays on screen before the next one is shown: long enough to see the tick. */
    public static final javafx.util.Duration MOVE_ON_DELAY = javafx.util.Duration.millis(700);
    private final javafx.beans.property.BooleanProperty usbChosen = new javafx.beans.property.SimpleBooleanProperty(false);
    private final javafx.beans.property.BooleanProperty unitConfirmed = new javafx.beans.property.SimpleBooleanProperty(false);

    public WizardModel(AppContext context) {
        this.context = context;
        // A unit found over USB keeps its port open (in its bootloader) until the update takes it: let go of it when
        // the connection is forgotten or replaced.
        connection.addListener((o, before, now) -> {
            if (before != null && before.device() instanceof io.fieldflash.device.esprom.EspRomDevice d
                    && (now == null || now.device() != d)) {
                d.release();
            }
            unitConfirmed.set(false);
        });
        // a unit found over USB was found for the bundle's flash layout and chip: another bundle needs it found again
        bundle.addListener((o, before, now) -> {
            Connection c = connection.get();
            if (now != before && c != null && c.device() instanceof io.fieldflash.device.esprom.EspRomDevice && !updating()) {
                connection.set(null);
            }
        });
    }

    /** True when Connect shows the USB cable path (the technician chose it, or the result page offered it). */
    public javafx.beans.property.BooleanProperty usbChosenProperty() {
        return usbChosen;
    }

    /**
     * True when the technician ticked, on Review, that the unit found over USB is the right one (the cable cannot
     * tell its product); the update's audit record carries it. Cleared whenever the connection changes.
     */
    public javafx.beans.property.BooleanProperty unitConfirmedProperty() {
        return unitConfirmed;
    }

    public ReadOnlyObjectProperty<WizardStep> stepProperty() {
        return step.getReadOnlyProperty();
    }

    public WizardStep step() {
        return step.get();
    }

    /** Shows {@code s}. Steps call this to hand over (e.g. the update page to the result page). */
    public void goTo(WizardStep s) {
        step.set(s);
    }

    /** The verified bundle chosen in step 1; empty until one passed verification. */
    public ObjectProperty<VerifiedBundle> bundleProperty() {
        return bundle;
    }

    public Optional<VerifiedBundle> bundle() {
        return Optional.ofNullable(bundle.get());
    }

    public ObjectProperty<Connection> connectionProperty() {
        return connection;
    }

    public Optional<Connection> connection() {
        return Optional.ofNullable(connection.get());
    }

    /** True when the connection is a unit's ROM bootloader over a USB-serial cable (false with no connection). */
    public boolean overCable() {
        return connection().map(c -> io.fieldflash.device.esprom.EspRomDevice.TRANSPORT.equals(c.device().transport())).orElse(false);
    }

    /** The update running or last run. */
    public ObjectProperty<UpdateJob> jobProperty() {
        return job;
    }

    public Optional<UpdateJob> job() {
        return Optional.ofNullable(job.get());
    }

    /** True while an update runs. */
    public boolean updating() {
        return job.get() != null && result.get() == null;
    }

    public ObjectProperty<JobResult> resultProperty() {
        return result;
    }

    public Optional<JobResult> result() {
        return Optional.ofNullable(result.get());
    }

    /** The demo, while one runs: its simulated device, demo bundle and demo trust store. */
    public ObjectProperty<DemoSession> demoProperty() {
        return demo;
    }

    public Optional<DemoSession> demo() {
        return Optional.ofNullable(demo.get());
    }

    /** The trust store bundles are checked against: the demo's during the demo, else the laptop's. */
    public TrustStore trustStore() throws io.fieldflash.bundle.TrustStoreException {
        DemoSession d = demo.get();
        return d != null ? d.trust() : context.trustStore();
    }

    /** Where jobs keep resume points, counters and the audit log: the demo's own folder during the demo. */
    public UpdateStores stores() {
        DemoSession d = demo.get();
        return d != null ? d.stores() : UpdateStores.in(context.dirs().user());
    }

    /**
     * The technician confirmed, on the Review page, installing an older version than the device runs; the update job
     * is allowed the downgrade and the audit log records it.
     */
    public javafx.beans.property.BooleanProperty downgradeConfirmedProperty() {
        return downgradeConfirmed;
    }

    /** The device address of an interrupted update the technician chose to continue; empty otherwise. */
    public javafx.beans.property.StringProperty resumeAddressProperty() {
        return resumeAddress;
    }

    /**
     * A page that succeeded moves on by itself: after {@link #MOVE_ON_DELAY}, when the person is still on {@code from}
     * and {@code stillGood} still holds, {@code to} is shown. Back returns to {@code from}, which then stays.
     */
    public void moveOn(WizardStep from, WizardStep to, java.util.function.BooleanSupplier stillGood) {
        javafx.animation.PauseTransition wait = new javafx.animation.PauseTransition(MOVE_ON_DELAY);
        wait.setOnFinished(e -> {
            if (step.get() == from && stillGood.getAsBoolean()) goTo(to);
        });
        wait.play();
    }

    /**
     * True while an interrupted update the technician chose to continue is being set up: once the device is
     * reached, the update starts without the review page in between.
     */
    public javafx.beans.property.BooleanProperty resumingProperty() {
        return resuming;
    }

    /** Counts "Update another device": the Connect page starts afresh when it changes. */
    public javafx.beans.property.ReadOnlyIntegerProperty deviceRoundProperty() {
        return deviceRound;
    }

    /** Same bundle, next device: forgets the device, the job and what the Connect page showed for it. */
    public void nextDevice() {
        clearJob();
        connection.set(null);
        resuming.set(false);
        deviceRound.set(deviceRound.get() + 1);
    }

    /** The access token the technician let FieldFlash remember until it closes (never written to disk); "" if none. */
    public String rememberedToken() {
        return rememberedToken;
    }

    public void rememberToken(String token) {
        rememberedToken = token == null ? "" : token;
    }

    /** Forgets the device and the last job (to update another device, or after going back). */
    public void clearJob() {
        job.set(null);
        result.set(null);
    }
}
