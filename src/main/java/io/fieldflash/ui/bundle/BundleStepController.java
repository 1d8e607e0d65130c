package io.fieldflash.ui.bundle;

import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.inner.InnerSummary;
import io.fieldflash.bundle.inner.InnerVerdict;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.StepController;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.common.Cards;
import io.fieldflash.ui.common.Details;
import io.fieldflash.ui.common.Problems;
import io.fieldflash.ui.common.Format;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.ui.demo.DemoSession;
import io.fieldflash.update.ResumePoint;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.value.ObservableBooleanValue;
import javafx.concurrent.Task;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/** Step 1: the technician picks a bundle; it is verified in the background and the verdict is shown in words. */
public final class BundleStepController implements StepController {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BundleStepController.class);
    private final AppContext context;
    private final WizardModel model;
    private final ReadOnlyBooleanWrapper verifying = new ReadOnlyBooleanWrapper(false);
    private Task<VerifiedBundle> running;
    /** The bundle file last checked (to check again when the trust store changes); null for none or the demo's. */
    private Path checked;

    @FXML StackPane dropZone;
    @FXML Button chooseButton;
    @FXML Button demoButton;
    @FXML VBox resumeCard;
    @FXML Label resumeText;
    @FXML Button resumeButton;
    private ResumePoint interrupted;
    @FXML Label fileLabel;
    @FXML HBox progressRow;
    @FXML ProgressBar progressBar;
    @FXML Label progressLabel;
    @FXML VBox verdictCard;
    @FXML Label verdictIcon;
    @FXML Label verdictTitle;
    @FXML Label verdictText;
    @FXML Label verdictHint;
    @FXML GridPane details;
    @FXML Button importKeyButton;

    public BundleStepController(AppContext context, WizardModel model) {
        this.context = context;
        this.model = model;
    }

    @FXML
    void initialize() {
        progressRow.visibleProperty().bind(verifying.getReadOnlyProperty());
        progressRow.managedProperty().bind(verifying.getReadOnlyProperty());
        chooseButton.disableProperty().bind(verifying.getReadOnlyProperty());
        demoButton.disableProperty().bind(verifying.getReadOnlyProperty());
        dropZone.setOnDragOver(this::dragOver);
        dropZone.setOnDragExited(e -> dropZone.getStyleClass().remove("drag-over"));
        dropZone.setOnDragDropped(this::dropped);
        // a key imported or removed, here or in Settings: the verdict may have changed, so check again
        context.trustRevision().addListener((o, was, now) -> recheck());
    }

    private void recheck() {
        if (checked == null || model.demo().isPresent()) return;
        LOG.info("The trust store changed: checking {} again", checked);
        verify(checked);
    }

    /** "Import vendor key…": the settings' import, on its trust page; the bundle is checked again once a key is added. */
    @FXML
    void importKey() {
        importKey(null);
    }

    /** Imports the vendor's key from {@code keyFile} (a chooser when null); tests give the file. */
    public void importKey(Path keyFile) {
        new io.fieldflash.ui.settings.SettingsWindow(context, dropZone.getScene().getWindow(),
                dropZone.getScene().getStylesheets()).showImportKey(keyFile);
    }

    @Override
    public void entered() {
        javafx.application.Platform.runLater(chooseButton::requestFocus);
        if (model.demo().isEmpty() && model.bundle().isEmpty()) offerInterrupted();
    }

    /** Looks for an update that stopped before it finished (a closed window, a crash) and offers to continue it. */
    private void offerInterrupted() {
        Task<java.util.Optional<ResumePoint>> t = new Task<>() {
            @Override
            protected java.util.Optional<ResumePoint> call() {
                return model.stores().resume().list().stream()
                        .filter(p -> !p.bundleFile().isEmpty() && java.nio.file.Files.isRegularFile(Path.of(p.bundleFile())))
                        .findFirst();
            }
        };
        Tasks.run(context.background(), t, found -> {
            interrupted = found.orElse(null);
            resumeCard.setVisible(found.isPresent());
            resumeCard.setManaged(found.isPresent());
            found.ifPresent(p -> resumeText.setText(context.text("resume.text", Printable.of(p.deviceId()), Printable.of(p.deviceAddress()),
                    p.length() == 0 ? 0 : 100 * p.offset() / p.length(), Printable.of(Path.of(p.bundleFile()).getFileName().toString()),
                    context.dateTime(p.updated()))));
        }, e -> {}, () -> {});
    }

    @FXML
    void continueInterrupted() {
        ResumePoint p = interrupted;
        if (p == null) return;
        hideResume();
        model.resumeAddressProperty().set(p.deviceAddress());
        model.resumingProperty().set(true);
        verify(Path.of(p.bundleFile()));
    }

    @FXML
    void discardInterrupted() {
        ResumePoint p = interrupted;
        hideResume();
        if (p == null) return;
        Task<Void> t = new Task<>() {
            @Override
            protected Void call() throws Exception {
                model.stores().resume().delete(p.deviceId());
                return null;
            }
        };
        Tasks.run(context.background(), t, v -> {}, e -> {}, () -> {});
    }

    private void hideResume() {
        interrupted = null;
        resumeCard.setVisible(false);
        resumeCard.setManaged(false);
    }

    /** Starts the demo: a simulated device on this laptop and a demo bundle signed for it. */
    @FXML
    void demo() {
        hideResume();
        verifying.set(true);
        progressLabel.textProperty().unbind();
        progressLabel.setText(context.text("bundle.demoStarting"));
        progressBar.progressProperty().unbind();
        progressBar.setProgress(-1);
        Task<DemoSession> t = new Task<>() {
            @Override
            protected DemoSession call() throws Exception {
                return DemoSession.start(context.dirs().user().resolve("demo"));
            }
        };
        Tasks.run(context.background(), t, d -> {
            verifying.set(false);
            model.demo().ifPresent(DemoSession::close);
            model.demoProperty().set(d);
            verify(d.bundle());
        }, e -> {
            verifying.set(false);
            Problems.Problem p = Problems.of(context, e);
            Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, Cards.Tone.BAD,
                    context.text("bundle.demoFailed"), p.title(), p.action());
            Details.in(context, verdictCard).text(p.details());
        }, () -> verifying.set(false));
    }

    @Override
    public ObservableBooleanValue canProceed() {
        return Bindings.createBooleanBinding(() -> model.bundle().isPresent() && !verifying.get(),
                model.bundleProperty(), verifying.getReadOnlyProperty());
    }

    private void dragOver(DragEvent e) {
        if (!verifying.get() && e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1) {
            e.acceptTransferModes(TransferMode.COPY);
            if (!dropZone.getStyleClass().contains("drag-over")) dropZone.getStyleClass().add("drag-over");
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        List<File> files = e.getDragboard().getFiles();
        boolean ok = files.size() == 1;
        if (ok) verify(files.getFirst().toPath());
        e.setDropCompleted(ok);
        e.consume();
    }

    @FXML
    void choose() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(context.text("bundle.chooserTitle"));
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(context.text("bundle.chooserFilter"), "*.fwb"));
        Path settings = io.fieldflash.update.Settings.file(context.dirs().user());
        // a USB stick with a bundle on it comes first; else where the last bundle came from
        BundleFolders.initialFolder(BundleFolders.removableDrives(System.getProperty("os.name", ""), System.getProperty("user.name", "")),
                io.fieldflash.ui.settings.WizardPrefs.lastBundleFolder(settings)).ifPresent(d -> chooser.setInitialDirectory(d.toFile()));
        File f = chooser.showOpenDialog(dropZone.getScene().getWindow());
        if (f == null) return;
        Path folder = f.toPath().toAbsolutePath().getParent();
        if (folder != null) context.background().execute(() -> {
            try {
                io.fieldflash.ui.settings.WizardPrefs.saveLastBundleFolder(settings, folder);
            } catch (java.io.IOException e) {
                org.slf4j.LoggerFactory.getLogger(BundleStepController.class).warn("Could not remember the bundle folder: {}", e.getMessage());
            }
        });
        verify(f.toPath());
    }

    /** Verifies {@code file} in the background and shows the verdict. */
    public void verify(Path file) {
        if (running != null) running.cancel(true);
        model.bundleProperty().set(null);
        checked = model.demo().isPresent() ? null : file;
        showImportKey(false);
        verdictCard.setVisible(false);
        verdictCard.setManaged(false);
        fileLabel.setText(Printable.of(file.toAbsolutePath().toString()));
        verifying.set(true);
        Task<VerifiedBundle> task = new Task<>() {
            @Override
            protected VerifiedBundle call() throws Exception {
                return new BundleReader(model.trustStore()).read(file, (done, total) -> {
                    updateProgress(done, total);
                    updateMessage(context.text("bundle.checking", total == 0 ? "" : (100 * done / total) + " %"));
                });
            }
        };
        progressBar.progressProperty().bind(task.progressProperty());
        progressLabel.textProperty().bind(task.messageProperty());
        running = Tasks.run(context.background(), task, this::showValid, this::showRefused, this::showCancelled);
    }

    /** Opens "Set up a device's Wi-Fi", which needs no bundle. */
    @FXML
    void provisionWifi() {
        openProvisioning();
    }

    /** Opens the Wi-Fi set-up window over the wizard and returns it. */
    public io.fieldflash.ui.provision.ProvisionWindow openProvisioning() {
        javafx.stage.Window owner = dropZone.getScene().getWindow();
        io.fieldflash.ui.provision.ProvisionWindow w = new io.fieldflash.ui.provision.ProvisionWindow(context, owner,
                dropZone.getScene().getStylesheets(), () -> io.fieldflash.ui.common.LaptopWifi.adapter(context));
        w.show();
        return w;
    }

    /** Opens "Configure the device" without a bundle: the technician reaches the device there, then its settings form. */
    @FXML
    void configureDevice() {
        javafx.scene.Scene scene = dropZone.getScene();
        io.fieldflash.ui.configure.ConfigureWindow.toConnect(context, scene.getWindow(), scene.getStylesheets(), model.stores(),
                () -> io.fieldflash.ui.common.LaptopWifi.adapter(context)).show();
    }

    @FXML
    void cancel() {
        if (running != null) running.cancel(true);
    }

    private void finished() {
        progressBar.progressProperty().unbind();
        progressLabel.textProperty().unbind();
        verifying.set(false);
        running = null;
    }

    private void showValid(VerifiedBundle vb) {
        finished();
        model.bundleProperty().set(vb);
        // a good bundle: on to the device by itself (Back returns here)
        model.moveOn(io.fieldflash.ui.WizardStep.BUNDLE, io.fieldflash.ui.WizardStep.CONNECT, () -> model.bundle().orElse(null) == vb);
        Manifest m = vb.manifest();
        card(true, context.text("bundle.valid"), context.text("bundle.validText"),
                vb.expiryOverridden() ? context.text("bundle.expiredAccepted") : "");
        details.getChildren().clear();
        int row = 0;
        row = detail(row, "field.vendor", m.vendor());
        row = detail(row, "field.product", m.product());
        row = detail(row, "field.version", m.version());
        row = detail(row, "field.hardware", String.join(", ", m.hardware()));
        row = detail(row, "field.signer", vb.signers().stream().map(TrustedKey::label).collect(Collectors.joining(", ")));
        row = detail(row, "field.expires", context.dateTime(m.expires()));
        row = detail(row, "field.images", m.images().stream()
                .map(i -> i.name() + " (" + Format.bytes(i.size(), context.locale()) + ")").collect(Collectors.joining(", ")));
        String inside = insideLine(vb);
        if (!inside.isEmpty()) row = Cards.detailLines(context, details, row, "field.inside", inside);
        if (!m.releaseNotes().isEmpty()) Cards.detailLines(context, details, row, "field.notes", m.releaseNotes());
        // what only support needs: behind Details
        Details.in(context, verdictCard).row("details.field.counter", Long.toString(m.securityCounter()))
                .row("details.field.manifest", vb.manifestSha256())
                .row("details.field.signerKeys", vb.signers().stream().map(TrustedKey::keyid).collect(Collectors.joining(", ")));
    }

    /**
     * What was found inside the images of a known format, one compact line each (there is no Details disclosure
     * on this page); empty when every image is raw. Shown through {@link Cards#detailLines}, which escapes it.
     */
    private static String insideLine(VerifiedBundle vb) {
        return vb.manifest().images().stream()
                .flatMap(i -> vb.innerVerdict(i).map(v -> i.name() + ": " + InnerSummary.line(v)).stream())
                .collect(Collectors.joining("\n"));
    }

    private void showRefused(Throwable t) {
        finished();
        model.resumingProperty().set(false);
        javafx.application.Platform.runLater(chooseButton::requestFocus);
        details.getChildren().clear();
        Problems.Problem p = Problems.of(context, t);
        if (t instanceof BundleException be && be.innerVerdict().isPresent()) {
            // an image inside: what is wrong in plain words, and what the vendor must fix; the exact finding in Details
            InnerVerdict v = be.innerVerdict().get();
            Details d = Cards.problem(context, verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, p,
                    context.text("inner." + v.reason().code()));
            if (!InnerSummary.facts(v.facts()).isEmpty()) d.row("field.inside", InnerSummary.line(v));
        } else {
            Cards.problem(context, verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, p, "");
        }
        showImportKey(t instanceof BundleException be && be.reason() == io.fieldflash.bundle.ReasonCode.UNTRUSTED_KEY
                && model.demo().isEmpty());
    }

    private void showImportKey(boolean show) {
        importKeyButton.setVisible(show);
        importKeyButton.setManaged(show);
        if (show) javafx.application.Platform.runLater(importKeyButton::requestFocus);
    }

    private void showCancelled() {
        finished();
        details.getChildren().clear();
        card(false, context.text("bundle.invalid"), context.text("bundle.cancelled"), "");
        checked = null;
    }

    private void card(boolean ok, String title, String text, String hint) {
        Cards.show(verdictCard, verdictIcon, verdictTitle, verdictText, verdictHint, ok, title, text, hint);
    }

    private int detail(int row, String key, String value) {
        return Cards.detail(context, details, row, key, value);
    }

}
