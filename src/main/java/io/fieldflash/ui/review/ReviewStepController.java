package io.fieldflash.ui.review;

import io.fieldflash.Printable;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.StepController;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.common.Cards;
import io.fieldflash.ui.common.Details;
import io.fieldflash.ui.common.Problems;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.update.Preflight;
import java.util.Optional;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.concurrent.Task;
import javafx.fxml.FXML;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/**
 * Step 3: what will happen — the version now and after — and whether it may happen at all. The verdict is
 * {@link Preflight}'s, the same the update job applies: same version, wrong hardware, downgrade and the like
 * block the update here, with why.
 */
public final class ReviewStepController implements StepController {
    private final AppContext context;
    private final WizardModel model;
    private final BooleanProperty mayStart = new SimpleBooleanProperty(false);

    @FXML Label subtitle;
    @FXML Label fromVersion;
    @FXML Label toVersion;
    @FXML VBox verdictCard;
    @FXML Label verdictIcon;
    @FXML Label verdictTitle;
    @FXML Label verdictText;
    @FXML Label verdictHint;
    @FXML GridPane details;
    @FXML CheckBox downgradeBox;

    public ReviewStepController(AppContext context, WizardModel model) {
        this.context = context;
        this.model = model;
    }

    @Override
    public ObservableBooleanValue canProceed() {
        return mayStart;
    }

    @Override
    public Optional<String> nextText() {
        return Optional.of(context.text("review.start"));
    }

    @Override
    public void entered() {
        mayStart.unbind();
        mayStart.set(false);
        model.downgradeConfirmedProperty().unbind();
        model.downgradeConfirmedProperty().set(false);
        downgradeBox.setSelected(false);
        downgradeBox.setVisible(false);
        downgradeBox.setManaged(false);
        Cards.hide(verdictCard);
        VerifiedBundle vb = model.bundle().orElseThrow();
        WizardModel.Connection c = model.connection().orElseThrow();
        Manifest m = vb.manifest();
        DeviceInfo info = c.info();
        subtitle.setText(c.device().capabilities().identity()
                ? context.text("review.subtitle", Printable.of(info.product()), Printable.of(info.deviceId()), c.device().address())
                : context.text("review.subtitleUnidentified", Printable.of(c.device().transport()), c.device().address()));
        fromVersion.setText(Printable.of(info.firmware().version()));
        toVersion.setText(Printable.of(m.version()));
        details.getChildren().clear();
        int row = 0;
        row = Cards.detail(context, details, row, "field.deviceId", info.deviceId());
        row = Cards.detail(context, details, row, "field.hardware.device", info.hardware());
        row = Cards.detail(context, details, row, "field.vendor", m.vendor());
        row = Cards.detail(context, details, row, "field.signer",
                vb.signers().stream().map(TrustedKey::label).collect(Collectors.joining(", ")));
        if (!m.releaseNotes().isEmpty()) Cards.detailLines(context, details, row, "field.notes", m.releaseNotes());

        if (!c.device().capabilities().identity()) {
            // a stock updater page does not say what it is: nothing to check against, the person was told on Connect
            fromVersion.setText(context.text("review.unknownVersion"));
            mayStart.set(true);
            Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, true, context.text("review.ready"),
                    context.text("review.readyUnidentified", Printable.of(m.version())),
                    c.device().capabilities().resumable() ? "" : context.text("connect.noResume"));
            return;
        }
        Task<Preflight.Verdict> check = new Task<>() {
            @Override
            protected Preflight.Verdict call() {
                return Preflight.check(info, m, vb.manifestSha256(), model.stores().counters().highest(info.deviceId()));
            }
        };
        Tasks.run(context.background(), check, v -> {
            show(v, info, m);
            Details.in(context, verdictCard).row("details.field.counters", context.text("review.counters",
                    info.firmware().securityCounter(), m.securityCounter()));
        }, e -> Cards.problem(context, verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint,
                Problems.of(context, e), ""), () -> {});
    }

    private void show(Preflight.Verdict v, DeviceInfo info, Manifest m) {
        String now = Printable.of(info.firmware().version());
        switch (v) {
            case Preflight.Verdict.Proceed p -> {
                mayStart.set(true);
                Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, true,
                        context.text("review.ready"), context.text("review.readyText", now), "");
            }
            case Preflight.Verdict.ConfirmTrial t -> {
                mayStart.set(true);
                Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, true,
                        context.text("review.confirmTrial"), context.text("review.confirmTrialText", Printable.of(m.version())), "");
            }
            // nothing wrong and nothing to do: information, not an error
            case Preflight.Verdict.AlreadyInstalled a -> Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText,
                    verdictHint, Cards.Tone.INFO, context.text("review.already"), context.text("review.alreadyText", Printable.of(m.version())),
                    context.text("review.alreadyHint"));
            case Preflight.Verdict.OlderVersion o -> {
                // allowed by the device's security counter, but going back needs the technician's explicit yes
                Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, Cards.Tone.INFO,
                        context.text("review.downgrade"), context.text("review.downgradeText", now, Printable.of(m.version())), "");
                downgradeBox.setText(context.text("review.downgradeConfirm", now, Printable.of(m.version())));
                downgradeBox.setVisible(true);
                downgradeBox.setManaged(true);
                mayStart.bind(downgradeBox.selectedProperty());
                model.downgradeConfirmedProperty().bind(downgradeBox.selectedProperty());
                javafx.application.Platform.runLater(downgradeBox::requestFocus);
            }
            case Preflight.Verdict.Refused r -> Cards.problem(context, verdictCard, verdictIcon, verdictTitle, verdictText,
                    verdictHint, Problems.of(context, r.why(), java.util.Map.of("running", info.firmware().version(),
                            "bundle", m.version())), "");
        }
    }
}
