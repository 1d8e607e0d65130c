package io.fieldflash.ui.common;

import io.fieldflash.Printable;
import io.fieldflash.ui.AppContext;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** The verdict card the steps share: an icon, a title, a sentence, the next step, and details. */
public final class Cards {
    private Cards() {}

    /** Shows {@code card} as good ({@code ok}) or bad, with its texts; an empty hint is hidden. */
    public static void show(VBox card, Label icon, Label title, Label text, Label hint, boolean ok,
                            String titleText, String body, String hintText) {
        card.getStyleClass().removeAll("ok", "bad");
        card.getStyleClass().add(ok ? "ok" : "bad");
        icon.setText(ok ? "✔" : "✖");
        title.setText(titleText);
        text.setText(body);
        text.setVisible(!body.isEmpty());
        text.setManaged(!body.isEmpty());
        hint.setText(hintText);
        hint.setVisible(!hintText.isEmpty());
        hint.setManaged(!hintText.isEmpty());
        card.setVisible(true);
        card.setManaged(true);
    }

    public static void hide(VBox card) {
        card.setVisible(false);
        card.setManaged(false);
    }

    /**
     * Adds a "key: value" row to a details grid; the value label gets the id {@code detail-<name>}. The value is shown
     * escaped ({@link Printable#of}): pass it as the bundle or the device gave it.
     */
    public static int detail(AppContext context, GridPane grid, int row, String key, String value) {
        return row(context, grid, row, key, Printable.of(value));
    }

    /** Like {@link #detail}, for multi-line text (release notes): line breaks stay, everything else is escaped. */
    public static int detailLines(AppContext context, GridPane grid, int row, String key, String value) {
        return row(context, grid, row, key, Printable.lines(value));
    }

    private static int row(AppContext context, GridPane grid, int row, String key, String shown) {
        Label k = new Label(context.text(key));
        k.getStyleClass().add("key");
        Label v = new Label(shown);
        v.setWrapText(true);
        v.setId("detail-" + key.substring(key.indexOf('.') + 1));
        grid.addRow(row, k, v);
        return row + 1;
    }
}
