package io.fieldflash.ui;

import io.fieldflash.AppInfo;
import io.fieldflash.ui.common.Reveal;
import io.fieldflash.ui.settings.OsUserName;
import io.fieldflash.ui.settings.WizardPrefs;
import java.util.EnumMap;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;

/** The main window: header with the step bar, the current step, and Back/Next. Navigation only; no business logic. */
public final class MainController {
    static final double MIN_FONT = WizardPrefs.MIN_TEXT, MAX_FONT = WizardPrefs.MAX_TEXT, DEFAULT_FONT = WizardPrefs.DEFAULT_TEXT;
    /** The largest text size of the step bar and of Back/Next. */
    static final double CHROME_MAX_FONT = 18;
    /** The header's fixed text size: its buttons stay where they are when the page's text grows. */
    private static final String HEADER_FONT = "-fx-font-size: " + DEFAULT_FONT + "px;";

    private final AppContext context;
    private final WizardModel model;
    private final Map<WizardStep, java.util.function.Supplier<Views.Loaded<? extends StepController>>> factories = new EnumMap<>(WizardStep.class);
    private final Map<WizardStep, Views.Loaded<? extends StepController>> steps = new EnumMap<>(WizardStep.class);
    private final Map<WizardStep, Label> chips = new EnumMap<>(WizardStep.class);
    private double fontSize = DEFAULT_FONT;
    private final java.util.concurrent.atomic.AtomicReference<WizardPrefs> prefs = new java.util.concurrent.atomic.AtomicReference<>();
    private ObservableBooleanValue readyWatched;
    private javafx.beans.value.ChangeListener<Boolean> readyListener;

    @FXML BorderPane mainRoot;
    @FXML HBox titleBar;
    @FXML HBox navBar;
    @FXML Pane stepBar;
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
        titleBar.setStyle(HEADER_FONT);
        // Enter presses the button that has the keyboard (as Space does); elsewhere it goes to the default button, Next
        mainRoot.addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && !e.isShortcutDown() && !e.isAltDown()
                    && e.getTarget() instanceof javafx.scene.control.ButtonBase b && b != nextButton && !b.isDisabled()) {
                b.fire();
                e.consume();
            }
        });
        WizardPrefs p = WizardPrefs.load(settingsFile());
        prefs.set(p);
        applyFontSize(p.textSize());
        contrastToggle.setSelected(p.highContrast());
        applyContrast();
        // whenever the page changes its height (a result appears, the text grows), its primary part is brought into view
        content.layoutBoundsProperty().addListener((o, was, now) -> {
            if (was.getHeight() != now.getHeight()) javafx.application.Platform.runLater(this::revealPrimary);
        });
        contentScroll.viewportBoundsProperty().addListener((o, was, now) -> {
            if (was.getHeight() != now.getHeight()) javafx.application.Platform.runLater(this::revealPrimary);
        });
    }

    private java.nio.file.Path settingsFile() {
        return io.fieldflash.update.Settings.file(context.dirs().user());
    }

    /**
     * Scrolls the page so that its primary button and its result (style class {@code primary-result}) are on screen
     * together: the answer to an action appears where the person is looking.
     */
    void revealPrimary() {
        if (content.getChildren().isEmpty()) return;
        Node page = content.getChildren().getFirst();
        java.util.List<Node> nodes = new java.util.ArrayList<>();
        page.lookupAll(".button.primary").stream().filter(Reveal::shown).findFirst().ifPresent(nodes::add);
        page.lookupAll(".primary-result").stream().filter(Reveal::shown).forEach(nodes::add);
        contentScroll.layout();
        Reveal.inView(contentScroll, nodes);
    }

    /** Never "…": buttons keep the width of their text, labels wrap (run on each page as it is shown). */
    static void noEllipsis(Node node) {
        if (node instanceof javafx.scene.control.ButtonBase b && !b.isWrapText()) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        } else if (node instanceof javafx.scene.control.Label l && !l.isWrapText() && l.getGraphic() == null) {
            l.setMinWidth(Region.USE_PREF_SIZE);
        }
        if (node instanceof javafx.scene.Parent p && !(node instanceof javafx.scene.control.ListView<?>)
                && !(node instanceof javafx.scene.control.TableView<?>)) {
            p.getChildrenUnmodifiable().forEach(MainController::noEllipsis);
        }
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
        noEllipsis(view.root());
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
        javafx.application.Platform.runLater(this::revealPrimary);
    }

    /** The page of a step, for tests that look inside it. */
    javafx.scene.Parent page(WizardStep step) {
        return view(step).root();
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
        boolean serial = model.overCable();
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
        // Enter keeps the update running: stopping it takes a deliberate choice
        ((Button) ask.getDialogPane().lookupButton(keep)).setDefaultButton(true);
        ((Button) ask.getDialogPane().lookupButton(stop)).setDefaultButton(false);
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

    /** Sets the page's text size (the header keeps its own) and remembers it for the next launch. */
    void setFontSize(double size) {
        applyFontSize(size);
        remember(prefs.get().withTextSize(fontSize));
    }

    double fontSize() {
        return fontSize;
    }

    private void applyFontSize(double size) {
        fontSize = Math.clamp(size, MIN_FONT, MAX_FONT);
        mainRoot.setStyle("-fx-font-size: " + fontSize + "px;");
        // the step bar and Back/Next grow less than the page, so that the page keeps room for its result
        String chrome = "-fx-font-size: " + Math.min(fontSize, CHROME_MAX_FONT) + "px;";
        stepBar.setStyle(chrome);
        navBar.setStyle(chrome);
        if (!content.getChildren().isEmpty()) noEllipsis(content.getChildren().getFirst());
    }

    /** Saves the newest preferences in the background; each write takes the newest, so the last one wins. */
    private void remember(WizardPrefs next) {
        prefs.set(next);
        context.background().execute(() -> {
            synchronized (prefs) {
                try {
                    prefs.get().save(settingsFile());
                } catch (java.io.IOException e) {
                    org.slf4j.LoggerFactory.getLogger(MainController.class).warn("Could not save the wizard settings: {}", e.getMessage());
                }
            }
        });
    }

    /** For the documentation tour: flips the high-contrast theme as the toggle does (without remembering it). */
    void toggleContrastForTour() {
        contrastToggle.setSelected(!contrastToggle.isSelected());
        applyContrast();
    }

    @FXML
    void toggleContrast() {
        applyContrast();
        remember(prefs.get().withHighContrast(contrastToggle.isSelected()));
    }

    boolean highContrast() {
        return contrastToggle.isSelected();
    }

    private void applyContrast() {
        String hc = FieldFlashApp.stylesheet("high-contrast.css");
        mainRoot.getStylesheets().remove(hc);
        if (contrastToggle.isSelected()) mainRoot.getStylesheets().add(hc);
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

    /**
     * On the first launch for this laptop user (no operator name saved yet, never asked): asks for the name the
     * update log records, offering the system's full name for the user. Asked once; Settings changes it later.
     * Returns true when it asked.
     */
    public boolean askOperatorIfNeeded() {
        java.nio.file.Path file = settingsFile();
        if (prefs.get().operatorAsked() || WizardPrefs.operatorSaved(file)) return false;
        javafx.scene.control.TextInputDialog ask = new javafx.scene.control.TextInputDialog(OsUserName.suggestion());
        ask.initOwner(mainRoot.getScene().getWindow());
        ask.setTitle(context.text("flow.operator.title"));
        ask.setHeaderText(context.text("flow.operator.header"));
        ask.setContentText(context.text("flow.operator.label"));
        ask.getEditor().setId("operator-ask");
        ask.getEditor().setPrefColumnCount(24);
        Button ok = (Button) ask.getDialogPane().lookupButton(javafx.scene.control.ButtonType.OK);
        ok.addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            try {
                io.fieldflash.update.Settings.checkOperator(ask.getEditor().getText());
            } catch (io.fieldflash.update.Settings.InvalidSettingsException bad) {
                ask.setHeaderText(context.text("flow.operator.header") + "\n" + bad.getMessage());
                e.consume();
            }
        });
        java.util.Optional<String> name = ask.showAndWait().map(String::strip).filter(n -> !n.isEmpty());
        remember(prefs.get().withOperatorAsked());
        name.ifPresent(n -> context.background().execute(() -> {
            synchronized (prefs) {
                try {
                    io.fieldflash.update.Settings.load(file).withOperator(n).save(file);
                } catch (java.io.IOException | io.fieldflash.update.Settings.InvalidSettingsException e) {
                    org.slf4j.LoggerFactory.getLogger(MainController.class).warn("Could not save the operator name: {}", e.getMessage());
                }
            }
        }));
        return true;
    }

    /** The label at the bottom left, for short status lines. */
    Label status() {
        return statusLabel;
    }
}
