package io.fieldflash.ui.common;

import io.fieldflash.Printable;
import io.fieldflash.ui.AppContext;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;

/**
 * The "Details" disclosure: technical facts (the exception's own sentence, reason codes, hashes, key ids, addresses,
 * counters) kept out of the main text, collapsed until a person opens it. One per container, added at its end the
 * first time it is needed; hidden while it holds nothing.
 */
public final class Details {
    private static final String STYLE = "details-disclosure";

    private final AppContext context;
    private final TitledPane pane;
    private final Label text;
    private final GridPane grid;
    private int rows;

    private Details(AppContext context, TitledPane pane) {
        this.context = context;
        this.pane = pane;
        VBox box = (VBox) pane.getContent();
        this.text = (Label) box.getChildren().get(0);
        this.grid = (GridPane) box.getChildren().get(1);
        this.rows = grid.getRowCount();
    }

    /** The disclosure at the end of {@code container}, made on first use. */
    public static Details in(AppContext context, Pane container) {
        for (var n : container.getChildren()) {
            if (n instanceof TitledPane t && t.getStyleClass().contains(STYLE)) return new Details(context, t);
        }
        Label text = new Label();
        text.setWrapText(true);
        text.getStyleClass().add("details-text");
        GridPane grid = new GridPane();
        grid.setHgap(16);
        grid.setVgap(6);
        grid.getStyleClass().add("details");
        VBox box = new VBox(8, text, grid);
        TitledPane pane = new TitledPane(context.text("common.details"), box);
        pane.getStyleClass().add(STYLE);
        pane.setExpanded(false);
        pane.setAnimated(false);
        pane.setMaxWidth(Double.MAX_VALUE);
        String id = container.getId();
        pane.setId(id == null ? "details" : id + "-details");
        container.getChildren().add(pane);
        Details d = new Details(context, pane);
        d.clear();
        return d;
    }

    /** Empties, collapses and hides the disclosure of {@code container}, if it has one (a card shown afresh). */
    public static void reset(Pane container) {
        for (var n : container.getChildren()) {
            if (n instanceof TitledPane t && t.getStyleClass().contains(STYLE) && t.getContent() instanceof VBox box) {
                ((Label) box.getChildren().get(0)).setText("");
                box.getChildren().get(0).setVisible(false);
                box.getChildren().get(0).setManaged(false);
                ((GridPane) box.getChildren().get(1)).getChildren().clear();
                t.setExpanded(false);
                t.setVisible(false);
                t.setManaged(false);
            }
        }
    }

    /** Empties, collapses and hides it. */
    public Details clear() {
        text.setText("");
        text.setVisible(false);
        text.setManaged(false);
        grid.getChildren().clear();
        rows = 0;
        pane.setExpanded(false);
        show();
        return this;
    }

    /** Adds technical text (several calls make paragraphs); it is shown escaped, line breaks kept. */
    public Details text(String technical) {
        if (technical == null || technical.isBlank()) return this;
        String shown = Printable.lines(technical.strip());
        text.setText(text.getText().isEmpty() ? shown : text.getText() + "\n\n" + shown);
        text.setVisible(true);
        text.setManaged(true);
        show();
        return this;
    }

    /** Adds a "key: value" row; the value label gets the id {@code detail-<name>} and is shown escaped. */
    public Details row(String key, String value) {
        Label k = new Label(context.text(key));
        k.getStyleClass().add("key");
        Label v = new Label(Printable.of(value));
        v.setWrapText(true);
        v.setId("detail-" + key.substring(key.lastIndexOf('.') + 1));
        grid.addRow(rows++, k, v);
        show();
        return this;
    }

    private void show() {
        boolean any = text.isVisible() || rows > 0;
        pane.setVisible(any);
        pane.setManaged(any);
    }

    public TitledPane pane() {
        return pane;
    }
}
