package io.fieldflash.ui.review;

import io.fieldflash.Printable;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.EspRomDevice;
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
    @FXML javafx.scene.control.Button configureButton;
    @FXML CheckBox downgradeBox;
    @FXML CheckBox confirmUnit;

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

    @FXML
    void initialize() {
        confirmUnit.selectedProperty().addListener((o, was, now) -> {
            if (confirmUnit.isVisible()) {
                model.unitConfirmedProperty().set(now);
                mayStart.set(now);
            }
        });
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
        confirmUnit.setVisible(false);
        confirmUnit.setManaged(false);
        VerifiedBundle vb = model.bundle().orElseThrow();
        WizardModel.Connection c = model.connection().orElseThrow();
        Manifest m = vb.manifest();
        DeviceInfo info = c.info();
        boolean configurable = io.fieldflash.device.http.SettingsSession.offers(c.device(), info);
        configureButton.setVisible(configurable);
        configureButton.setManaged(configurable);
        if (c.device() instanceof EspRomDevice rom) {
            enteredUsb(rom, info, vb);
            return;
        }
        subtitle.setText(c.device().capabilities().identity()
                ? context.text("review.subtitle", Printable.of(info.product()), Printable.of(info.deviceId()))
                : context.text("review.subtitleUnidentified", Printable.of(c.device().transport())));
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
            Details.in(context, verdictCard).row("details.field.address", c.device().address());
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
                    info.firmware().securityCounter(), m.securityCounter()))
                    .row("details.field.address", c.device().address());
        }, e -> Cards.problem(context, verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint,
                Problems.of(context, e), ""), () -> {});
    }

    /**
     * A unit found over USB: its ROM tells chip and MAC only. The checks that could not be made are listed, and the
     * update may start only once the technician ticked that this is the right unit (recorded in the audit log).
     */
    private void enteredUsb(EspRomDevice rom, DeviceInfo info, VerifiedBundle vb) {
        Manifest m = vb.manifest();
        String chip = Chip.parse(info.hardware()).map(Chip::displayName).orElse(Printable.of(info.hardware()));
        String mac = Printable.of(info.deviceId());
        subtitle.setText(context.text("usb.reviewSubtitle", chip, mac));
        fromVersion.setText(context.text("review.unknownVersion"));
        toVersion.setText(Printable.of(m.version()));
        StringBuilder notChecked = new StringBuilder(context.text("usb.notCheckedText"));
        java.util.List<String> checks = new java.util.ArrayList<>(java.util.List.of(
                context.text("usb.check.product", Printable.of(m.product())),
                context.text("usb.check.version", Printable.of(m.version())),
                context.text("usb.check.counter")));
        if (Chip.parse(info.hardware()).map(ch -> !ch.esp32Family()).orElse(false)) checks.add(context.text("usb.check.wholeImage"));
        for (String check : checks) notChecked.append("\n  •  ").append(check);
        Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, true, context.text("usb.notChecked"),
                notChecked.toString(), rom.expectedChip().map(x -> context.text("usb.checked", x.displayName())).orElse(""));
        confirmUnit.setText(context.text("usb.confirm", chip, mac, Printable.of(m.product())));
        confirmUnit.setSelected(false);
        confirmUnit.setVisible(true);
        confirmUnit.setManaged(true);
        model.unitConfirmedProperty().set(false);
        details.getChildren().clear();
        int row = 0;
        row = Cards.detail(context, details, row, "field.deviceId", info.deviceId());
        row = Cards.detail(context, details, row, "field.vendor", m.vendor());
        row = Cards.detail(context, details, row, "field.signer",
                vb.signers().stream().map(TrustedKey::label).collect(Collectors.joining(", ")));
        if (!m.releaseNotes().isEmpty()) Cards.detailLines(context, details, row, "field.notes", m.releaseNotes());
        javafx.application.Platform.runLater(confirmUnit::requestFocus);
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

    /** Opens the settings form of the connected device in its own window. */
    @FXML
    void configure() {
        model.connection().ifPresent(c -> new io.fieldflash.ui.configure.ConfigureWindow(context, configureButton.getScene().getWindow(),
                configureButton.getScene().getStylesheets(), c.device(), model.stores()).show());
    }
}
