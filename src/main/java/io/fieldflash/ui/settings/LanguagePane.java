package io.fieldflash.ui.settings;

import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.Language;
import io.fieldflash.ui.common.Tasks;
import java.nio.file.Path;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** The language tab: the laptop's language, English or German; used from the next start of FieldFlash. */
final class LanguagePane {
    private final AppContext context;
    private final Path file;
    private final Dialogs dialogs;
    private final VBox root;

    final ComboBox<Language> choice = new ComboBox<>();
    final Button save = new Button();
    final Label status = new Label();

    LanguagePane(AppContext context, Path settingsFile, Dialogs dialogs) {
        this.context = context;
        this.file = settingsFile;
        this.dialogs = dialogs;
        Label label = new Label(context.text("settings.language.choice"));
        label.setMnemonicParsing(true);
        label.setLabelFor(choice);
        choice.getItems().setAll(Language.values());
        choice.setId("language-choice");
        choice.setCellFactory(v -> cell());
        choice.setButtonCell(cell());
        save.setText(context.text("settings.language.save"));
        save.setId("language-save");
        save.setOnAction(e -> save());
        status.setId("language-status");
        status.getStyleClass().add("status");
        status.setWrapText(true);
        HBox row = new HBox(12, label, choice, save);
        row.setAlignment(Pos.CENTER_LEFT);
        root = new VBox(12, Dialogs.wrapped(context.text("settings.language.intro"), "intro"), row, status);
        root.setPadding(new Insets(16));
    }

    private ListCell<Language> cell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(Language l, boolean empty) {
                super.updateItem(l, empty);
                setText(empty || l == null ? null : context.text("settings.language." + l.code()));
            }
        };
    }

    Parent root() {
        return root;
    }

    /** Shows the stored choice. */
    void load() {
        choice.getSelectionModel().select(Language.load(file));
        status.setText("");
    }

    void save() {
        Language l = choice.getValue();
        if (l == null) return;
        Task<Void> t = new Task<>() {
            @Override
            protected Void call() throws Exception {
                l.save(file);
                return null;
            }
        };
        Tasks.run(context.background(), t, v -> status.setText(context.text("settings.language.saved")),
                e -> dialogs.problem(context.text("settings.saveFailed"), e), () -> {});
    }
}
