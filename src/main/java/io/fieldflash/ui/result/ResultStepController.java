package io.fieldflash.ui.result;

import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.StepController;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.WizardStep;
import io.fieldflash.ui.common.Cards;
import io.fieldflash.update.JobResult;
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

    public ResultStepController(AppContext context, WizardModel model) {
        this.context = context;
        this.model = model;
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
        String before = r.versionBefore().isEmpty() ? "?" : r.versionBefore();
        String after = r.versionAfter().isEmpty() ? before : r.versionAfter();
        String body = switch (r.outcome()) {
            case UPDATED -> context.text("result.updatedText", r.deviceId(), after, before);
            case ALREADY_INSTALLED -> context.text("result.alreadyText", after);
            case CANCELLED -> context.text("result.cancelledText", before);
            case REFUSED, FAILED -> r.message();
        };
        String next = switch (r.outcome()) {
            case UPDATED, ALREADY_INSTALLED -> context.text("result.doneHint");
            case CANCELLED -> context.text("result.cancelledHint");
            case REFUSED -> r.hint().isEmpty() ? context.text("result.refusedHint") : r.hint();
            case FAILED -> (r.hint().isEmpty() ? "" : r.hint() + " ") + (r.resumeKept() ? context.text("result.resumeKept") : "");
        };
        Cards.show(card, icon, title, text, hint, r.ok(), context.text("result." + outcome), body, next.strip());
        details.getChildren().clear();
        int row = 0;
        if (!r.deviceId().isEmpty()) row = Cards.detail(context, details, row, "field.deviceId", r.deviceId());
        row = Cards.detail(context, details, row, "field.versions", before + "  →  " + after);
        row = Cards.detail(context, details, row, "field.sent", context.text("result.sent", human(r.bytesSent()), r.resumes()));
        row = Cards.detail(context, details, row, "field.duration", String.format(Locale.ROOT, "%.1f s", r.elapsed().toMillis() / 1000.0));
        if (r.reasonCode().isPresent()) Cards.detail(context, details, row, "field.reason", r.reasonCode().get());
        boolean canRetry = r.outcome() == JobResult.Outcome.FAILED || r.outcome() == JobResult.Outcome.CANCELLED;
        retryButton.setVisible(canRetry);
        retryButton.setManaged(canRetry);
        savedLabel.setText("");
        javafx.application.Platform.runLater(() -> (canRetry ? retryButton : anotherButton).requestFocus());
    }

    /** Tries the same update again: the transfer continues where it stopped. */
    @FXML
    void retry() {
        model.clearJob();
        model.goTo(WizardStep.REVIEW);
    }

    /** Same bundle, next device. */
    @FXML
    void another() {
        model.clearJob();
        model.connectionProperty().set(null);
        model.goTo(WizardStep.CONNECT);
    }

    @FXML
    void saveReport() {
        savedLabel.setText(context.text("result.reportInAudit", model.stores().audit().file()));
    }

    private static String human(long n) {
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
