package io.fieldflash.ui.flash;

import io.fieldflash.Printable;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.StepController;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.WizardStep;
import io.fieldflash.ui.common.Format;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.Phase;
import io.fieldflash.update.UpdateJob;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.application.Platform;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.fxml.FXML;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.VBox;

/**
 * Step 4: the update runs. This page only renders the job's events (phases, bytes, speed, time left,
 * reconnecting, messages) and sends it commands (pause, resume, cancel); the job decides everything.
 */
public final class FlashStepController implements StepController {
    /** The rows of the phase list, each covering some of the job's phases. */
    enum Row {
        CHECK("flash.phase.check"), UPLOAD("flash.phase.upload"), INSTALL("flash.phase.install"),
        RESTART("flash.phase.restart"), CONFIRM("flash.phase.confirm");

        final String key;

        Row(String key) {
            this.key = key;
        }

        static Row of(Phase p) {
            return switch (p) {
                case VERIFYING, CONNECTING, IDENTIFYING, PREFLIGHT -> CHECK;
                case TRANSFERRING -> UPLOAD;
                case INSTALLING -> INSTALL;
                case REBOOTING, WAITING -> RESTART;
                case CONFIRMING, DONE -> CONFIRM;
            };
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int MAX_LOG = 2000;

    private final AppContext context;
    private final WizardModel model;
    private final Map<Row, Label> rows = new EnumMap<>(Row.class);
    private final SimpleBooleanProperty never = new SimpleBooleanProperty(false);
    private Row current = Row.CHECK;
    private boolean paused;
    private boolean reconnecting;
    private String phaseText = "";
    private String lastDone = "", lastTotal = "";

    @FXML Label subtitle;
    @FXML VBox phases;
    @FXML ProgressBar progress;
    @FXML Label progressText;
    @FXML Label stateText;
    @FXML Button pauseButton;
    @FXML Button cancelButton;
    @FXML ListView<String> log;

    public FlashStepController(AppContext context, WizardModel model) {
        this.context = context;
        this.model = model;
    }

    @FXML
    void initialize() {
        for (Row r : Row.values()) {
            Label l = new Label();
            l.getStyleClass().add("phase");
            l.setId("phase-" + r.name().toLowerCase(Locale.ROOT));
            rows.put(r, l);
            phases.getChildren().add(l);
        }
        renderRows(false);
        // long lines wrap instead of scrolling sideways
        log.setCellFactory(v -> new javafx.scene.control.ListCell<>() {
            {
                setWrapText(true);
                prefWidthProperty().bind(v.widthProperty().subtract(28));
                setMaxWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }
        });
    }

    /** The user moves on only when the job has finished, and the page hands over to the result by itself. */
    @Override
    public ObservableBooleanValue canProceed() {
        return never;
    }

    @Override
    public boolean allowsBack() {
        return false;
    }

    @Override
    public void entered() {
        if (model.job().isPresent()) return;   // already running (e.g. the window was re-shown)
        VerifiedBundle vb = model.bundle().orElseThrow();
        WizardModel.Connection c = model.connection().orElseThrow();
        if (c.device() instanceof io.fieldflash.device.esprom.EspRomDevice) {
            subtitle.setText(context.text("usb.flashSubtitle", io.fieldflash.device.esprom.Chip.parse(c.info().hardware())
                    .map(io.fieldflash.device.esprom.Chip::displayName).orElse(Printable.of(c.info().hardware())),
                    Printable.of(c.info().deviceId()), Printable.of(vb.manifest().version())));
        } else subtitle.setText(c.device().capabilities().identity()
                ? context.text("flash.subtitle", Printable.of(c.info().product()), Printable.of(c.info().deviceId()),
                        Printable.of(c.info().firmware().version()), Printable.of(vb.manifest().version()))
                : context.text("flash.subtitleUnidentified", Printable.of(c.device().transport()), c.device().address(),
                        Printable.of(vb.manifest().version())));
        log.getItems().clear();
        lastDone = "";
        lastTotal = "";
        progress.setProgress(0);
        progressText.setText("");
        stateText.setText(context.text("flash.keepNear"));
        current = Row.CHECK;
        paused = false;
        pauseButton.setText(context.text("flash.pause"));
        pauseButton.setDisable(false);
        cancelButton.setDisable(false);
        renderRows(false);
        UpdateJob job = UpdateJob.create(new BundleSource.Verified(vb), c.device(), model.stores(),
                JobSettings.DEFAULT.withDowngradeAllowed(model.downgradeConfirmedProperty().get()));
        if (model.unitConfirmedProperty().get()) job.unitConfirmedByOperator();
        job.addListener(this::fromJob);
        model.jobProperty().set(job);
        job.start();
        Platform.runLater(pauseButton::requestFocus);
    }

    // Events arrive on the job's event thread; they are handed to the FX thread in order, in batches.
    private final List<JobEvent> pending = new ArrayList<>();

    private void fromJob(JobEvent e) {
        boolean schedule;
        synchronized (pending) {
            schedule = pending.isEmpty();
            pending.add(e);
        }
        if (schedule) Platform.runLater(this::drain);
    }

    private void drain() {
        List<JobEvent> batch;
        synchronized (pending) {
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        batch.forEach(this::render);
    }

    void render(JobEvent e) {
        switch (e) {
            case JobEvent.PhaseChanged p -> {
                if (p.phase() != Phase.DONE) {
                    current = Row.of(p.phase());
                    renderRows(false);
                    // the image being sent or installed is worth saying; the address a phase works on is for the log
                    boolean image = p.phase() == Phase.TRANSFERRING || p.phase() == Phase.INSTALLING;
                    phaseText = phaseLabel(p.phase()) + (p.detail().isEmpty() || !image ? "" : " (" + Printable.of(p.detail()) + ")") + "…";
                    stateText.setText(phaseText);
                    if (p.phase() == Phase.INSTALLING) {
                        cancelButton.setDisable(true);
                        pauseButton.setDisable(true);
                    }
                }
                addLog(phaseLabel(p.phase()) + (p.detail().isEmpty() ? "" : ": " + Printable.of(p.detail())));
            }
            case JobEvent.Progress p -> {
                if (reconnecting && !paused) {
                    reconnecting = false;
                    stateText.setText(phaseText);
                }
                progress.setProgress(p.bytesTotal() <= 0 ? 0 : (double) p.bytesDone() / p.bytesTotal());
                lastDone = Format.bytes(p.bytesDone(), context.locale());
                lastTotal = Format.bytes(p.bytesTotal(), context.locale());
                progressText.setText(context.text("flash.progress", Format.bytes(p.bytesDone(), context.locale()), Format.bytes(p.bytesTotal(), context.locale()),
                        p.bytesPerSecond() > 0 ? Format.bytes((long) p.bytesPerSecond(), context.locale()) + "/s" : "…",
                        p.etaKnown() ? duration(p.eta()) : "…"));
            }
            case JobEvent.Message m -> addLog((m.level() == JobEvent.Level.INFO ? "" : m.level() + ": ") + m.text());
            case JobEvent.Reconnecting r -> {
                reconnecting = true;
                stateText.setText(context.text("flash.reconnecting", r.failures(), r.maxAttempts()));
                // no speed and no time left while the link is down: say so rather than show the last figures frozen
                if (!lastTotal.isEmpty()) {
                    progressText.setText(context.text("flow.flash.progressReconnecting", lastDone, lastTotal));
                }
                addLog(context.text("flash.reconnectingLog", duration(r.delay())));
                org.slf4j.LoggerFactory.getLogger(FlashStepController.class).info("Link lost ({}); trying again", r.reason());
            }
            case JobEvent.PauseChanged p -> {
                paused = p.paused();
                pauseButton.setText(context.text(paused ? "flash.resume" : "flash.pause"));
                stateText.setText(context.text(paused ? "flash.paused" : "flash.resumed"));
                addLog(context.text(paused ? "flash.paused" : "flash.resumed"));
            }
            case JobEvent.Finished f -> {
                renderRows(f.result().ok());
                pauseButton.setDisable(true);
                cancelButton.setDisable(true);
                addLog(f.result().message());
                model.resultProperty().set(f.result());
                model.goTo(WizardStep.RESULT);
            }
        }
    }

    private String phaseLabel(Phase p) {
        return context.text("phase." + p.name());
    }

    private void renderRows(boolean allDone) {
        for (Row r : Row.values()) {
            Label l = rows.get(r);
            boolean done = allDone || r.ordinal() < current.ordinal();
            boolean now = !allDone && r == current;
            l.setText((done ? "✔  " : now ? "▶  " : "○  ") + context.text(r.key));
            l.getStyleClass().removeAll("done", "current");
            if (done) l.getStyleClass().add("done");
            if (now) l.getStyleClass().add("current");
        }
    }

    private void addLog(String line) {
        log.getItems().add(TIME.format(LocalTime.now()) + "  " + line);
        if (log.getItems().size() > MAX_LOG) log.getItems().remove(0);
        log.scrollTo(log.getItems().size() - 1);
    }

    /** The lines of "What is happening", for the job report. */
    public List<String> logLines() {
        return List.copyOf(log.getItems());
    }

    @FXML
    void togglePause() {
        model.job().ifPresent(j -> {
            if (j.isPaused()) j.resume();
            else j.pause();
        });
    }

    /**
     * Asks, then stops the update. Over a network the device keeps its old firmware and the part sent is kept for next
     * time; over a cable the ROM writes over the firmware, so the question says a stop leaves it incomplete.
     */
    @FXML
    void cancel() {
        UpdateJob job = model.job().orElse(null);
        if (job == null) return;
        boolean serial = model.overCable();
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, serial ? context.text("flash.cancelTextSerial") : context.text("flash.cancelText",
                model.connection().map(c -> Printable.of(c.info().firmware().version())).orElse("?")));
        ask.initOwner(log.getScene().getWindow());
        ask.setTitle(context.text("flash.cancelTitle"));
        ask.setHeaderText(context.text("flash.cancelTitle"));
        ButtonType stop = new ButtonType(context.text("flash.cancelYes"), ButtonBar.ButtonData.OK_DONE);
        ButtonType keep = new ButtonType(context.text("flash.cancelNo"), ButtonBar.ButtonData.CANCEL_CLOSE);
        ask.getButtonTypes().setAll(keep, stop);
        ((Button) ask.getDialogPane().lookupButton(keep)).setDefaultButton(true);
        ((Button) ask.getDialogPane().lookupButton(stop)).setDefaultButton(false);
        ask.showAndWait().filter(stop::equals).ifPresent(b -> stopJob());
    }

    /** Stops the job without asking (the confirmation was given); false when it is past the point of stopping. */
    public boolean stopJob() {
        UpdateJob job = model.job().orElse(null);
        if (job == null) return true;
        boolean stopped = job.cancel();
        if (!stopped) stateText.setText(context.text("flash.tooLateToCancel"));
        else stateText.setText(context.text("flash.stopping"));
        return stopped;
    }


    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : (s / 60) + " min " + (s % 60) + " s";
    }
}
