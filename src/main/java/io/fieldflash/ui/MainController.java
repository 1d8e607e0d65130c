package io.fieldflash.ui;

import io.fieldflash.AppInfo;
import java.util.EnumMap;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;

/** The main window: header with the step bar, the current step, and Back/Next. Navigation only; no business logic. */
public final class MainController {
    static final double MIN_FONT = 11, MAX_FONT = 26, DEFAULT_FONT = 14;

    private final AppContext context;
    private final WizardModel model;
    private final Map<WizardStep, java.util.function.Supplier<Views.Loaded<? extends StepController>>> factories = new EnumMap<>(WizardStep.class);
    private final Map<WizardStep, Views.Loaded<? extends StepController>> steps = new EnumMap<>(WizardStep.class);
    private final Map<WizardStep, Label> chips = new EnumMap<>(WizardStep.class);
    private double fontSize = DEFAULT_FONT;
    private ObservableBooleanValue readyWatched;
    private javafx.beans.value.ChangeListener<Boolean> readyListener;

    @FXML HBox stepBar;
    @FXML StackPane content;
    @FXML ScrollPane contentScroll;
    @FXML Button backButton;
    @FXML Button nextButton;
    @FXML Label statusLabel;
    @FXML ToggleButton contrastToggle;

    public MainController(AppContext context, WizardModel model) {
        this.context = context;
        this.model = model;
    }

    @FXML
    void initialize() {
        for (WizardStep s : WizardStep.values()) {
            Label chip = new Label(context.text(s.titleKey()));
            chip.getStyleClass().add("step-chip");
            chips.put(s, chip);
            stepBar.getChildren().add(chip);
        }
        model.stepProperty().addListener((obs, old, now) -> show(now));
    }

    /**
     * Registers how to load a step's view (once per step at start-up, before {@link #begin()}). A view is loaded
     * when first needed, so the window appears sooner.
     */
    void addStep(WizardStep step, java.util.function.Supplier<Views.Loaded<? extends StepController>> view) {
        factories.put(step, view);
    }

    private Views.Loaded<? extends StepController> view(WizardStep step) {
        return steps.computeIfAbsent(step, s -> factories.get(s).get());
    }

    /** True once the step's view has been loaded. */
    boolean loaded(WizardStep step) {
        return steps.containsKey(step);
    }

    /** Shows the first step, once every step is registered. */
    void begin() {
        show(model.step());
    }

    private void show(WizardStep step) {
        if (!factories.containsKey(step)) return;
        Views.Loaded<? extends StepController> view = view(step);
        content.getChildren().setAll(view.root());
        contentScroll.setVvalue(0);
        chips.forEach((s, chip) -> {
            chip.getStyleClass().removeAll("current", "done");
            if (s == step) chip.getStyleClass().add("current");
            else if (s.ordinal() < step.ordinal()) chip.getStyleClass().add("done");
        });
        StepController c = view.controller();
        ObservableBooleanValue can = c.canProceed();
        boolean hasNext = step.ordinal() + 1 < WizardStep.values().length && factories.containsKey(WizardStep.values()[step.ordinal() + 1]);
        nextButton.disableProperty().bind(Bindings.createBooleanBinding(() -> !can.get() || !hasNext, can));
        // When a step becomes ready, the keyboard is on Next: Enter (or Space) goes on.
        if (readyListener != null && readyWatched != null) readyWatched.removeListener(readyListener);
        readyWatched = can;
        readyListener = (obs, was, now) -> {
            if (now && hasNext) javafx.application.Platform.runLater(nextButton::requestFocus);
        };
        can.addListener(readyListener);
        nextButton.setText(c.nextText().orElse(context.text("nav.next")));
        boolean last = step == WizardStep.RESULT || step == WizardStep.FLASH;
        nextButton.setVisible(!last);
        nextButton.setManaged(!last);
        backButton.setDisable(step == WizardStep.BUNDLE || !c.allowsBack());
        c.entered();
    }

    /** The controller of a step, for tests and for steps that hand over to each other. */
    @SuppressWarnings("unchecked")
    <C extends StepController> C controller(WizardStep step) {
        return (C) view(step).controller();
    }

    @FXML
    void next() {
        WizardStep s = model.step();
        if (s.ordinal() + 1 < WizardStep.values().length) model.goTo(WizardStep.values()[s.ordinal() + 1]);
    }

    /**
     * Asked when the window is about to close: while an update runs, the technician confirms, and the update
     * stops where it safely can (over a network the device keeps its old firmware and the part sent is kept for next
     * time; over a cable a stop mid-write leaves the firmware incomplete, and the question says so).
     * Returns false to keep the window open.
     */
    public boolean confirmClose() {
        if (!model.updating()) return true;
        boolean serial = model.connection().map(c -> io.fieldflash.device.esprom.EspRomDevice.TRANSPORT.equals(c.device().transport()))
                .orElse(false);
        javafx.scene.control.Alert ask = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                context.text(serial ? "close.textSerial" : "close.text"));
        ask.initOwner(stepBar.getScene().getWindow());
        ask.setTitle(context.text("close.title"));
        ask.setHeaderText(context.text("close.title"));
        javafx.scene.control.ButtonType stop = new javafx.scene.control.ButtonType(context.text("close.yes"),
                javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        javafx.scene.control.ButtonType keep = new javafx.scene.control.ButtonType(context.text("close.no"),
                javafx.scene.control.ButtonBar.ButtonData.CANCEL_CLOSE);
        ask.getButtonTypes().setAll(keep, stop);
        if (ask.showAndWait().filter(stop::equals).isEmpty()) return false;
        io.fieldflash.update.UpdateJob job = model.job().orElseThrow();
        if (!job.cancel()) {
            javafx.scene.control.Alert wait = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.WARNING,
                    context.text("close.tooLate"));
            wait.initOwner(stepBar.getScene().getWindow());
            wait.showAndWait();
            return false;
        }
        // The job stops at its next checkpoint and writes its audit record; the window closes when it has.
        javafx.stage.Window window = stepBar.getScene().getWindow();
        statusLabel.setText(context.text("flash.stopping"));
        model.resultProperty().addListener((obs, was, now) -> {
            if (now != null && window instanceof javafx.stage.Stage stage) stage.close();
        });
        return false;
    }

    @FXML
    void back() {
        WizardStep s = model.step();
        if (s.ordinal() > 0) model.goTo(WizardStep.values()[s.ordinal() - 1]);
    }

    @FXML
    void smaller() {
        setFontSize(fontSize - 2);
    }

    @FXML
    void larger() {
        setFontSize(fontSize + 2);
    }

    void setFontSize(double size) {
        fontSize = Math.clamp(size, MIN_FONT, MAX_FONT);
        root().setStyle("-fx-font-size: " + fontSize + "px;");
    }

    /** For the documentation tour: flips the high-contrast theme as the toggle does. */
    void toggleContrastForTour() {
        contrastToggle.setSelected(!contrastToggle.isSelected());
        toggleContrast();
    }

    @FXML
    void toggleContrast() {
        String hc = FieldFlashApp.stylesheet("high-contrast.css");
        if (contrastToggle.isSelected()) root().getStylesheets().add(hc);
        else root().getStylesheets().remove(hc);
    }

    private Parent root() {
        return stepBar.getScene().getRoot();
    }

    @FXML
    void showLog() {
        new io.fieldflash.ui.log.LogWindow(context, stepBar.getScene().getWindow(), root().getScene().getStylesheets()).show();
    }

    /** For the documentation tour: the settings window on its trust store page, at the window's top left. */
    void openSettingsForTour() {
        io.fieldflash.ui.settings.SettingsWindow w = new io.fieldflash.ui.settings.SettingsWindow(context,
                stepBar.getScene().getWindow(), root().getScene().getStylesheets());
        w.show(io.fieldflash.ui.settings.SettingsWindow.Page.TRUST);
    }

    @FXML
    void showSettings() {
        new io.fieldflash.ui.settings.SettingsWindow(context, stepBar.getScene().getWindow(), root().getScene().getStylesheets()).show();
    }

    @FXML
    void showAbout() {
        Alert about = new Alert(Alert.AlertType.INFORMATION);
        about.initOwner(stepBar.getScene().getWindow());
        about.setTitle(context.text("main.about").replace("_", ""));
        about.setHeaderText("FieldFlash " + AppInfo.version());
        java.util.List<javafx.scene.image.Image> icons = FieldFlashApp.icons();
        if (!icons.isEmpty()) {
            javafx.scene.image.ImageView logo = new javafx.scene.image.ImageView(icons.get(icons.size() - 2));
            logo.setFitWidth(64);
            logo.setFitHeight(64);
            about.setGraphic(logo);
            if (about.getDialogPane().getScene().getWindow() instanceof javafx.stage.Stage s) s.getIcons().setAll(icons);
        }
        about.setContentText(context.text("about.text", Runtime.version().toString(),
                System.getProperty("javafx.runtime.version", "?"), trustFingerprint()));
        about.showAndWait();
    }

    private String trustFingerprint() {
        try {
            return new io.fieldflash.bundle.LaptopTrust(context.dirs()).fingerprint().map(f -> "sha256 " + f)
                    .orElse(context.text("about.noTrust"));
        } catch (io.fieldflash.bundle.TrustStoreException e) {
            return context.text("about.noTrust") + " " + e.getMessage();
        }
    }

    /** The label at the bottom left, for short status lines. */
    Label status() {
        return statusLabel;
    }
}
