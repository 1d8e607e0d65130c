package io.fieldflash.ui.settings;

import io.fieldflash.update.Settings;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.wifi.SoftApPatterns;
import io.fieldflash.wifi.WifiException;
import java.util.List;
import java.util.Optional;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Wi-Fi tab: the vendor's network name patterns (one regular expression per line) that mark a device's access
 * point, in addition to the built-in ones shown read-only; each checked before it is saved, the bad line named.
 */
final class WifiPane {
    private final AppContext context;
    private final SettingsFile settings;
    private final Dialogs dialogs;
    private final SimpleBooleanProperty busy = new SimpleBooleanProperty(true);
    private final SimpleStringProperty saved = new SimpleStringProperty("");
    private final ScrollPane root;

    final TextArea patterns = new TextArea();
    final TextArea defaults = new TextArea();
    final Label problem = Dialogs.wrapped("", "settings-error");
    final Label status = new Label();
    final Button save = new Button();
    final TextField tryName = new TextField();
    final Label tryResult = new Label();

    WifiPane(AppContext context, SettingsFile settings, Dialogs dialogs) {
        this.context = context;
        this.settings = settings;
        this.dialogs = dialogs;

        Label label = new Label(context.text("settings.wifi.patterns"));
        label.setMnemonicParsing(true);
        label.setLabelFor(patterns);
        patterns.setId("wifi-patterns");
        patterns.getStyleClass().add("mono");
        patterns.setPrefRowCount(6);
        patterns.setPrefColumnCount(40);
        patterns.editableProperty().bind(busy.not());
        patterns.textProperty().addListener((o, was, now) -> {
            problem.setText("");
            updateTry();
        });
        Label help = Dialogs.wrapped(context.text("settings.wifi.help"), "field-help");

        problem.setId("wifi-problem");
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        save.setText(context.text("settings.wifi.save"));
        save.setId("wifi-save");
        save.setOnAction(e -> save());
        status.setId("wifi-status");
        status.getStyleClass().add("status");
        status.setWrapText(true);
        HBox buttons = new HBox(12, save, status);
        buttons.setAlignment(Pos.CENTER_LEFT);

        Label tryLabel = new Label(context.text("settings.wifi.try"));
        tryLabel.setMnemonicParsing(true);
        tryLabel.setLabelFor(tryName);
        tryName.setId("wifi-try");
        tryName.setPrefColumnCount(20);
        tryName.textProperty().addListener((o, was, now) -> updateTry());
        tryResult.setId("wifi-try-result");
        tryResult.setWrapText(true);
        HBox tryRow = new HBox(10, tryLabel, tryName, tryResult);
        tryRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(tryResult, Priority.ALWAYS);

        Label defaultsLabel = new Label(context.text("settings.wifi.defaults"));
        defaultsLabel.setMnemonicParsing(true);
        defaultsLabel.setLabelFor(defaults);
        defaults.setId("wifi-defaults");
        defaults.getStyleClass().addAll("mono", "read-only");
        defaults.setEditable(false);
        defaults.setPrefRowCount(6);
        defaults.setText(String.join("\n", SoftApPatterns.DEFAULT_PATTERNS));
        Label defaultsHelp = Dialogs.wrapped(context.text("settings.wifi.defaultsHelp"), "field-help");

        VBox box = new VBox(10, Dialogs.wrapped(context.text("settings.wifi.intro"), "step-subtitle"), label, patterns, help,
                problem, buttons, tryRow, defaultsLabel, defaults, defaultsHelp,
                Dialogs.wrapped(context.text("settings.storedIn", settings.path()), "field-help"));
        box.setPadding(new Insets(16));
        root = new ScrollPane(box);
        root.setFitToWidth(true);
        root.getStyleClass().add("settings-scroll");
    }

    Parent root() {
        return root;
    }

    /** True when the patterns shown differ from the ones saved. */
    BooleanBinding changed() {
        return Bindings.createBooleanBinding(() -> !busy.get() && !normalised(patterns.getText()).equals(saved.get()),
                patterns.textProperty(), saved, busy);
    }

    private static String normalised(String text) {
        return String.join("\n", new Settings("", lines(text)).softApPatterns());
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\\R", -1));
    }

    void load() {
        busy.set(true);
        Task<Settings> task = new Task<>() {
            @Override
            protected Settings call() {
                return settings.load();
            }
        };
        Tasks.run(context.background(), task, s -> {
            saved.set(String.join("\n", s.softApPatterns()));
            patterns.setText(saved.get());
            busy.set(false);
        }, t -> {
            busy.set(false);
            dialogs.problem(context.text("settings.wifi.loadFailed"), t);
        }, () -> busy.set(false));
    }

    /** Checks every line, naming the first bad one; then saves the patterns in the background. */
    void save() {
        if (busy.get()) return;
        List<String> lines = lines(patterns.getText());
        Optional<Settings.InvalidSettingsException> bad = Settings.checkPatterns(lines);
        if (bad.isPresent()) {
            showProblem(bad.get());
            return;
        }
        busy.set(true);
        Task<Settings> task = new Task<>() {
            @Override
            protected Settings call() throws Exception {
                return settings.update(s -> s.withSoftApPatterns(lines));
            }
        };
        Tasks.run(context.background(), task, s -> {
            busy.set(false);
            saved.set(String.join("\n", s.softApPatterns()));
            patterns.setText(saved.get());
            status.setText(s.softApPatterns().isEmpty() ? context.text("settings.wifi.savedNone")
                    : context.text("settings.wifi.saved", s.softApPatterns().size()));
        }, t -> {
            busy.set(false);
            dialogs.problem(context.text("settings.saveFailed"), t);
        }, () -> busy.set(false));
    }

    /** Shows why a line is refused and puts the caret on it. */
    private void showProblem(Settings.InvalidSettingsException e) {
        problem.setText(e.getMessage() + " " + e.hint());
        status.setText("");
        String text = patterns.getText();
        int start = 0;
        for (int i = 1; i < e.line(); i++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) break;
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        patterns.requestFocus();
        patterns.selectRange(start, end < 0 ? text.length() : end);
    }

    /** Says whether the name typed in "Try" would be taken for a device's network with the patterns shown. */
    private void updateTry() {
        String ssid = tryName.getText();
        if (ssid.isBlank()) {
            tryResult.setText("");
            return;
        }
        List<String> lines = lines(patterns.getText());
        if (Settings.checkPatterns(lines).isPresent()) {
            tryResult.setText(context.text("settings.wifi.tryInvalid"));
            return;
        }
        try {
            boolean device = SoftApPatterns.defaults().withVendorPatterns(lines).looksLikeDevice(ssid);
            tryResult.setText(context.text(device ? "settings.wifi.tryDevice" : "settings.wifi.tryNotDevice"));
        } catch (WifiException e) {
            tryResult.setText(context.text("settings.wifi.tryInvalid"));
        }
    }
}
