package io.fieldflash.ui.common;

import io.fieldflash.Printable;
import io.fieldflash.ui.AppContext;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** The verdict card the steps share: an icon, a title, a sentence, the next step, and details. */
public final class Cards {
    private Cards() {}

    /** How a card reads: good news, neutral information (nothing wrong, nothing to do), or a problem. */
    public enum Tone {
        OK("ok", "✔"), INFO("info", "ℹ"), BAD("bad", "✖");

        final String style;
        final String icon;

        Tone(String style, String icon) {
            this.style = style;
            this.icon = icon;
        }
    }

    /** Shows {@code card} as good ({@code ok}) or bad, with its texts; an empty hint is hidden. */
    public static void show(VBox card, Label icon, Label title, Label text, Label hint, boolean ok,
                            String titleText, String body, String hintText) {
        show(card, icon, title, text, hint, ok ? Tone.OK : Tone.BAD, titleText, body, hintText);
    }

    /**
     * Shows {@code card} in {@code tone}, with its texts; an empty body or hint is hidden, and the card's Details
     * disclosure (if it has one) is emptied: fill it afterwards with {@link Details#in}.
     */
    public static void show(VBox card, Label icon, Label title, Label text, Label hint, Tone tone,
                            String titleText, String body, String hintText) {
        card.getStyleClass().removeAll("ok", "bad", "info");
        card.getStyleClass().add(tone.style);
        icon.setText(tone.icon);
        Details.reset(card);
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

    /**
     * Shows {@code p} on {@code card}: its plain title, {@code body} (what the page adds, may be empty), its "what to
     * do" sentence as the hint, and its technical text behind Details.
     */
    public static Details problem(AppContext context, VBox card, Label icon, Label title, Label text, Label hint,
                                  Problems.Problem p, String body) {
        show(card, icon, title, text, hint, Tone.BAD, p.title(), body, p.action());
        return Details.in(context, card).clear().text(p.details());
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
