package io.fieldflash.ui.settings;

import io.fieldflash.update.Settings;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.common.Tasks;
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
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** The operator tab: the name written to every audit record, kept in settings.json. */
final class OperatorPane {
    private final AppContext context;
    private final SettingsFile settings;
    private final Dialogs dialogs;
    private final SimpleBooleanProperty busy = new SimpleBooleanProperty(true);
    private final SimpleStringProperty saved = new SimpleStringProperty("");
    private final VBox root;

    final TextField name = new TextField();
    final Label problem = Dialogs.wrapped("", "settings-error");
    final Label status = new Label();
    final Button save = new Button();

    OperatorPane(AppContext context, SettingsFile settings, Dialogs dialogs) {
        this.context = context;
        this.settings = settings;
        this.dialogs = dialogs;

        Label label = new Label(context.text("settings.operator.name"));
        label.setMnemonicParsing(true);
        label.setLabelFor(name);
        name.setId("operator-name");
        name.setPrefColumnCount(28);
        // not disabled while busy: a disabled field loses the keyboard focus
        name.editableProperty().bind(busy.not());
        name.textProperty().addListener((o, was, now) -> problem.setText(""));
        Label help = Dialogs.wrapped(context.text("settings.operator.help"), "field-help");
        Label where = Dialogs.wrapped(context.text("settings.storedIn", settings.path()), "field-help");

        problem.setId("operator-problem");
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        save.setText(context.text("settings.operator.save"));
        save.setId("operator-save");
        save.setOnAction(e -> save());
        status.setId("operator-status");
        status.getStyleClass().add("status");
        status.setWrapText(true);
        HBox buttons = new HBox(12, save, status);
        buttons.setAlignment(Pos.CENTER_LEFT);

        root = new VBox(10, Dialogs.wrapped(context.text("settings.operator.intro"), "step-subtitle"), label, name, help,
                problem, buttons, where);
        root.setPadding(new Insets(16));
        root.setMaxWidth(48 * 14);
    }

    Parent root() {
        return root;
    }

    /** True when the name shown differs from the one saved. */
    BooleanBinding changed() {
        return Bindings.createBooleanBinding(() -> !busy.get() && !name.getText().strip().equals(saved.get()),
                name.textProperty(), saved, busy);
    }

    /** Reads the saved name in the background and shows it. */
    void load() {
        busy.set(true);
        Task<Settings> task = new Task<>() {
            @Override
            protected Settings call() {
                return settings.load();
            }
        };
        Tasks.run(context.background(), task, s -> {
            saved.set(s.operator());
            name.setText(s.operator());
            busy.set(false);
        }, t -> {
            busy.set(false);
            dialogs.problem(context.text("settings.operator.loadFailed"), t);
        }, () -> busy.set(false));
    }

    /** Checks the name, then saves it in the background. */
    void save() {
        if (busy.get()) return;
        String value = name.getText().strip();
        try {
            Settings.checkOperator(value);
        } catch (Settings.InvalidSettingsException e) {
            problem.setText(e.getMessage() + " " + e.hint());
            name.requestFocus();
            return;
        }
        busy.set(true);
        Task<Settings> task = new Task<>() {
            @Override
            protected Settings call() throws Exception {
                return settings.update(s -> s.withOperator(value));
            }
        };
        Tasks.run(context.background(), task, s -> {
            busy.set(false);
            saved.set(s.operator());
            name.setText(s.operator());
            status.setText(context.text("settings.operator.saved", s.operator()));
        }, t -> {
            busy.set(false);
            dialogs.problem(context.text("settings.saveFailed"), t);
        }, () -> busy.set(false));
    }
}
