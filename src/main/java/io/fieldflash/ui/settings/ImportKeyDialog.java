package io.fieldflash.ui.settings;

import io.fieldflash.bundle.VerificationKey;
import io.fieldflash.ui.AppContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Asks how to trust a vendor's key before it is added: a name for people, the products it may sign for (none: any),
 * an optional last day of validity, and whether it is a root key. Shows the key's full keyid so that it can be
 * compared with what the vendor published.
 */
final class ImportKeyDialog extends Dialog<ImportKeyDialog.Request> {

    /**
     * What to add.
     *
     * @param name     a person's name for the key, not blank
     * @param products the products it may sign for; empty means any
     * @param notAfter the end of its validity; {@link Instant#MAX} when it has none
     * @param root     whether it may sign trust updates
     */
    record Request(String name, List<String> products, Instant notAfter, boolean root) {
        Request {
            products = List.copyOf(products);
        }
    }

    final TextField name = new TextField();
    final TextField products = new TextField();
    final DatePicker validUntil = new DatePicker();
    final CheckBox root;
    final ButtonType importType;

    ImportKeyDialog(AppContext context, VerificationKey key, String defaultName, LocalDate today) {
        setTitle(context.text("settings.import.title"));
        setHeaderText(context.text("settings.import.header"));
        importType = new ButtonType(context.text("settings.import.ok"), ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().setAll(importType,
                new ButtonType(context.text("common.cancel"), ButtonBar.ButtonData.CANCEL_CLOSE));

        Label keyidLabel = new Label(context.text("settings.import.keyid"));
        Label keyid = Dialogs.wrapped(key.keyid(), "mono");
        keyid.setId("import-keyid");
        Label algLabel = new Label(context.text("settings.import.algorithm"));
        Label alg = new Label(key.alg().id());
        Label compare = Dialogs.wrapped(context.text("settings.import.compare"), "field-help");

        name.setText(defaultName);
        name.setId("import-name");
        products.setId("import-products");
        products.setPromptText(context.text("settings.import.productsPrompt"));
        validUntil.setId("import-valid-until");
        validUntil.setPromptText(context.text("settings.import.validUntilPrompt"));
        root = new CheckBox(context.text("settings.import.root"));
        root.setId("import-root");
        root.setMnemonicParsing(true);

        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(8);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        grid.getColumnConstraints().addAll(labels, grow());
        int row = 0;
        grid.addRow(row++, keyidLabel, keyid);
        grid.add(compare, 1, row++);
        grid.addRow(row++, algLabel, alg);
        grid.addRow(row++, label(context, "settings.import.name", name), name);
        grid.addRow(row++, label(context, "settings.import.products", products), products);
        grid.add(Dialogs.wrapped(context.text("settings.import.productsHelp"), "field-help"), 1, row++);
        grid.addRow(row++, label(context, "settings.import.validUntil", validUntil), validUntil);
        grid.add(Dialogs.wrapped(context.text("settings.import.validUntilHelp"), "field-help"), 1, row++);
        grid.add(root, 1, row++);
        grid.add(Dialogs.wrapped(context.text("settings.import.rootHelp"), "field-help"), 1, row++);

        Label problem = Dialogs.wrapped("", "settings-error");
        problem.setId("import-problem");
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        VBox content = new VBox(10, grid, problem);
        getDialogPane().setContent(content);

        Node ok = getDialogPane().lookupButton(importType);
        problem.textProperty().bind(Bindings.createStringBinding(() -> {
            if (name.getText().isBlank()) return context.text("settings.import.nameBlank");
            LocalDate d;
            try {
                d = typedDate();
            } catch (DateTimeParseException e) {
                return context.text("settings.import.validUntilBad", validUntil.getConverter().toString(today.plusYears(2)));
            }
            if (d != null && d.isBefore(today)) return context.text("settings.import.validUntilPast");
            return "";
        }, name.textProperty(), validUntil.valueProperty(), validUntil.getEditor().textProperty()));
        ok.disableProperty().bind(problem.textProperty().isNotEmpty());

        setResultConverter(b -> b == importType ? new Request(name.getText().strip(), productList(products.getText()),
                endOf(typedDate()), root.isSelected()) : null);
        setOnShown(e -> Platform.runLater(name::requestFocus));
    }

    /**
     * The date as typed (a DatePicker commits typed text only when it loses focus, and a mnemonic does not move the
     * focus), or null when the field is empty.
     */
    private LocalDate typedDate() {
        String text = validUntil.getEditor().getText();
        if (text == null || text.isBlank()) return null;
        return validUntil.getConverter().fromString(text.strip());
    }

    /** The end of {@code day} in UTC (the key is valid through that day), or {@link Instant#MAX} for none. */
    static Instant endOf(LocalDate day) {
        return day == null ? Instant.MAX : day.atTime(LocalTime.MAX).withNano(0).toInstant(ZoneOffset.UTC);
    }

    /** A comma-separated list: entries stripped, blank and repeated ones dropped. */
    static List<String> productList(String text) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String p : text.split(",")) {
            if (!p.isBlank()) out.add(p.strip());
        }
        return new ArrayList<>(out);
    }

    private static Label label(AppContext context, String key, Node target) {
        Label l = new Label(context.text(key));
        l.setMnemonicParsing(true);
        l.setLabelFor(target);
        return l;
    }

    private static ColumnConstraints grow() {
        ColumnConstraints c = new ColumnConstraints();
        c.setHgrow(Priority.ALWAYS);
        c.setFillWidth(true);
        return c;
    }
}
