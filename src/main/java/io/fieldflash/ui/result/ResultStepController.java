package io.fieldflash.ui.result;

import io.fieldflash.Printable;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.StepController;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.WizardStep;
import io.fieldflash.ui.common.Cards;
import io.fieldflash.ui.common.Format;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.report.JobReport;
import java.util.Locale;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** Step 5: how it ended, in plain words, the next step, and the record of it. */
public final class ResultStepController implements StepController {
    private final AppContext context;
    private final WizardModel model;
    private final SimpleBooleanProperty never = new SimpleBooleanProperty(false);

    @FXML VBox card;
    @FXML Label icon;
    @FXML Label title;
    @FXML Label text;
    @FXML Label hint;
    @FXML GridPane details;
    @FXML Button retryButton;
    @FXML Button saveButton;
    @FXML Button anotherButton;
    @FXML Label savedLabel;
    @FXML VBox usbFallback;
    @FXML Button usbFallbackButton;

    private final java.util.function.Supplier<java.util.List<String>> logLines;

    /** @param logLines the update page's log, for the report */
    public ResultStepController(AppContext context, WizardModel model, java.util.function.Supplier<java.util.List<String>> logLines) {
        this.context = context;
        this.model = model;
        this.logLines = logLines;
    }

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
        JobResult r = model.result().orElseThrow();
        String outcome = r.outcome().name().toLowerCase(Locale.ROOT);
        // The versions and the id are the device's own text, escaped here; the result's message and hint are already.
        String rawBefore = r.versionBefore().isEmpty() ? "?" : r.versionBefore();
        String rawAfter = r.versionAfter().isEmpty() ? rawBefore : r.versionAfter();
        String before = Printable.of(rawBefore);
        String after = Printable.of(rawAfter);
        // a refusal or failure in plain words; the job's own sentence and its code behind Details
        io.fieldflash.ui.common.Problems.Problem problem = io.fieldflash.ui.common.Problems.of(context,
                r.reasonCode().orElse(io.fieldflash.ui.common.Problems.UNKNOWN), r.message(), r.hint(),
                java.util.Map.of("running", rawBefore, "bundle", model.bundle().map(b -> b.manifest().version()).orElse(rawAfter)));
        // a cable write stopped part-way leaves the unit's firmware incomplete (its ROM bootloader stays intact)
        boolean cableCut = r.outcome() == JobResult.Outcome.CANCELLED && r.bytesSent() > 0 && model.overCable();
        String body = switch (r.outcome()) {
            case UPDATED -> model.overCable()
                    ? context.text("usb.updatedText", model.bundle().map(b -> Printable.of(b.manifest().version())).orElse(after),
                            Printable.of(r.deviceId()))
                    : model.connection().map(c -> c.device().capabilities().identity()).orElse(true)
                    ? context.text("result.updatedText", Printable.of(r.deviceId()), after, before)
                    // a stock updater page reports nothing back after its restart: say what is known, and no more
                    : context.text("result.updatedUnconfirmedText", model.bundle().map(b -> Printable.of(b.manifest().version())).orElse(after));
            case ALREADY_INSTALLED -> context.text("result.alreadyText", after);
            case CANCELLED -> cableCut ? context.text("result.cancelledSerialText") : context.text("result.cancelledText", before);
            case REFUSED, FAILED -> problem.title();
        };
        String next = switch (r.outcome()) {
            case UPDATED, ALREADY_INSTALLED -> context.text("result.doneHint");
            case CANCELLED -> context.text(cableCut ? "result.cancelledSerialHint" : "result.cancelledHint");
            case REFUSED -> problem.action();
            case FAILED -> problem.action() + (r.resumeKept() ? " " + context.text("result.resumeKept") : "");
        };
        Cards.show(card, icon, title, text, hint, switch (r.outcome()) {
            case UPDATED -> Cards.Tone.OK;
            case ALREADY_INSTALLED, CANCELLED -> Cards.Tone.INFO;
            case REFUSED, FAILED -> Cards.Tone.BAD;
        }, context.text("result." + outcome), body, next.strip());
        io.fieldflash.ui.common.Details technical = io.fieldflash.ui.common.Details.in(context, card).clear();
        if (!r.ok() && r.outcome() != JobResult.Outcome.CANCELLED) technical.text(problem.details());
        details.getChildren().clear();
        int row = 0;
        if (!r.deviceId().isEmpty()) row = Cards.detail(context, details, row, "field.deviceId", r.deviceId());
        row = Cards.detail(context, details, row, "field.versions", rawBefore + "  →  " + rawAfter);
        row = Cards.detail(context, details, row, "field.sent", context.text("result.sent", Format.bytes(r.bytesSent(), context.locale()), r.resumes()));
        Cards.detail(context, details, row, "field.duration", String.format(context.locale(), "%.1f s", r.elapsed().toMillis() / 1000.0));
        boolean canRetry = r.outcome() == JobResult.Outcome.FAILED || r.outcome() == JobResult.Outcome.CANCELLED;
        retryButton.setVisible(canRetry);
        retryButton.setManaged(canRetry);
        savedLabel.setText("");
        boolean offerUsb = offersUsb(r);
        usbFallback.setVisible(offerUsb);
        usbFallback.setManaged(offerUsb);
        javafx.application.Platform.runLater(() -> (canRetry ? retryButton : anotherButton).requestFocus());
    }

    /**
     * The network path failed because the unit stopped answering (not a refusal): the same verified bundle can go
     * over a USB cable, when the bundle says where its images go in flash.
     */
    private boolean offersUsb(JobResult r) {
        if (r.outcome() != JobResult.Outcome.FAILED || model.demo().isPresent()) return false;
        if (!r.reason().equals("UNREACHABLE") && !r.reason().equals("NOT_BACK")) return false;
        if (model.connection().isEmpty() || model.overCable()) return false;
        return model.bundle().map(b -> {
            try {
                io.fieldflash.device.esprom.SerialPlan.of(b.manifest());
                return true;
            } catch (io.fieldflash.device.esprom.SerialPlan.NotForSerial e) {
                return false;
            }
        }).orElse(false);
    }

    /** Switches Connect to the USB cable, keeping the verified bundle. */
    @FXML
    void useUsb() {
        model.clearJob();
        model.connectionProperty().set(null);
        model.usbChosenProperty().set(true);
        model.goTo(WizardStep.CONNECT);
    }

    /** Runs the same update again at once: the transfer continues where it stopped (over a cable: Connect finds the unit again first). */
    @FXML
    void retry() {
        if (model.overCable()) {
            // over a cable the unit is found again first, so that the page can ask for the buttons if it has to
            useUsb();
            return;
        }
        model.clearJob();
        model.goTo(WizardStep.FLASH);
    }

    /** Same bundle, next device: the Connect page starts afresh. */
    @FXML
    void another() {
        model.nextDevice();
        model.goTo(WizardStep.CONNECT);
    }

    /** Writes this update's record as a readable HTML file where the technician chooses. */
    @FXML
    void saveReport() {
        io.fieldflash.update.UpdateJob job = model.job().orElse(null);
        JobResult r = model.result().orElse(null);
        if (job == null || r == null || job.auditRecord().isEmpty()) return;
        io.fieldflash.update.AuditRecord record = job.auditRecord().get();
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle(context.text("report.save.chooserTitle"));
        chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter(context.text("report.save.chooserFilter"), "*.html"));
        chooser.setInitialFileName(JobReport.fileName(record));
        java.io.File f = chooser.showSaveDialog(card.getScene().getWindow());
        if (f != null) saveReportTo(f.toPath());
    }

    /** Writes the report to {@code out} in the background (the Save button after its file chooser; tests). */
    public void saveReportTo(java.nio.file.Path out) {
        io.fieldflash.update.UpdateJob job = model.job().orElseThrow();
        JobResult r = model.result().orElseThrow();
        java.util.List<String> log = logLines.get();
        java.util.Map<String, String> names = model.bundle().map(b -> JobReport.signerNames(b.signers())).orElse(java.util.Map.of());
        javafx.concurrent.Task<Void> t = new javafx.concurrent.Task<>() {
            @Override
            protected Void call() throws Exception {
                JobReport.of(job.auditRecord().orElseThrow(), r, log).withSignerNames(names).write(out, context.messages());
                return null;
            }
        };
        io.fieldflash.ui.common.Tasks.run(context.background(), t,
                v -> savedLabel.setText(context.text("report.save.done", out)),
                e -> savedLabel.setText(context.text("report.save.failed", out, String.valueOf(e.getMessage()))), () -> {});
    }

}
