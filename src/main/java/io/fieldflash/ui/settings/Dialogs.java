package io.fieldflash.ui.settings;

import io.fieldflash.FieldFlashException;
import io.fieldflash.ui.AppContext;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings window's dialogs: styled like the window (stylesheets, high contrast, font size), owned by it, and
 * never blocking: each is shown with {@code show()} and its answer handed to a callback.
 */
final class Dialogs {
    private static final Logger LOG = LoggerFactory.getLogger(Dialogs.class);

    private final AppContext context;
    private final Stage owner;

    Dialogs(AppContext context, Stage owner) {
        this.context = context;
        this.owner = owner;
    }

    /** What went wrong, for a person: what, what to do next, and a stable code for support calls. */
    record Problem(String message, String hint, String code) {}

    /**
     * The problem {@code t} describes. A {@link FieldFlashException} keeps its message and hint, except that a hint
     * written for the command line is replaced by the {@code settings.hint.<CODE>} text when there is one.
     */
    Problem problemOf(Throwable t) {
        return switch (t) {
            case FieldFlashException fe -> new Problem(fe.getMessage(), hintFor(fe), fe.code());
            case IOException io -> new Problem(context.text("settings.error.io", String.valueOf(io.getMessage())),
                    context.text("settings.error.ioHint"), "IO_ERROR");
            default -> new Problem(context.text("error.internal", String.valueOf(t)), "", "INTERNAL_ERROR");
        };
    }

    private String hintFor(FieldFlashException e) {
        String key = "settings.hint." + e.code();
        return context.messages().containsKey(key) ? context.text(key) : e.hint();
    }

    /** An error alert: {@code header} in words, then the problem's message, its next step and its code. */
    void problem(String header, Throwable t) {
        if (!(t instanceof FieldFlashException)) LOG.warn("{}: {}", header, t.toString(), t);
        problem(header, problemOf(t));
    }

    void problem(String header, Problem p) {
        LOG.info("{}: {} [{}]", header, p.message(), p.code());
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.setTitle(context.text("settings.title"));
        alert.setHeaderText(header);
        alert.getDialogPane().setContent(problemBox(p));
        show(alert, r -> {});
    }

    private VBox problemBox(Problem p) {
        Label message = wrapped(p.message(), "problem-message");
        VBox box = new VBox(10, message);
        if (!p.hint().isEmpty()) box.getChildren().add(wrapped(p.hint(), "hint"));
        if (!p.code().isEmpty()) {
            // the code is for support calls: behind Details, not in the main text
            io.fieldflash.ui.common.Details d = io.fieldflash.ui.common.Details.in(context, box)
                    .text(context.text("details.settings.error.code", p.code()));
            d.pane().getContent().lookup(".details-text").getStyleClass().add("problem-code");
        }
        box.setMaxWidth(Double.MAX_VALUE);
        return box;
    }

    /** An information alert with lines of text. */
    void info(String header, List<String> lines) {
        Alert alert = new Alert(Alert.AlertType.INFORMATION);
        alert.setTitle(context.text("settings.title"));
        alert.setHeaderText(header);
        VBox box = new VBox(6);
        lines.forEach(l -> box.getChildren().add(wrapped(l, "info-line")));
        alert.getDialogPane().setContent(box);
        show(alert, r -> {});
    }

    /** Asks; {@code onYes} runs only when the person chose {@code yesText} (Esc and Cancel say no). */
    void confirm(String header, String text, String yesText, Runnable onYes) {
        ButtonType yes = new ButtonType(yesText, ButtonBar.ButtonData.OK_DONE);
        ButtonType no = new ButtonType(context.text("common.cancel"), ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "", yes, no);
        alert.setTitle(context.text("settings.title"));
        alert.setHeaderText(header);
        alert.getDialogPane().setContent(wrapped(text, "confirm-text"));
        // a destructive action is never the default: Enter on the dialog cancels
        ((Button) alert.getDialogPane().lookupButton(yes)).setDefaultButton(false);
        ((Button) alert.getDialogPane().lookupButton(no)).setDefaultButton(true);
        show(alert, r -> {
            if (r == yes) onYes.run();
        });
    }

    /** Shows {@code dialog} owned by and styled like the settings window; {@code onResult} gets its result, if any. */
    <R> void show(Dialog<R> dialog, Consumer<R> onResult) {
        dialog.initOwner(owner);
        style(dialog.getDialogPane());
        dialog.setResizable(true);
        dialog.setOnHidden(e -> {
            R r = dialog.getResult();
            if (r != null) onResult.accept(r);
        });
        dialog.show();
    }

    /** Gives {@code pane} the window's stylesheets and font size. */
    void style(DialogPane pane) {
        if (owner.getScene() == null) return;
        Parent root = owner.getScene().getRoot();
        pane.getStylesheets().addAll(owner.getScene().getStylesheets());
        pane.getStylesheets().addAll(root.getStylesheets());
        pane.setStyle(root.getStyle());
        pane.getStyleClass().add("settings-dialog");
        pane.setMinWidth(30 * fontSize(root));
        pane.setPrefWidth(38 * fontSize(root));
        pane.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    }

    private static final java.util.regex.Pattern FONT_SIZE = java.util.regex.Pattern.compile("-fx-font-size:\\s*([0-9.]+)px");

    /** The font size in px that {@code root}'s inline style sets (the wizard's A−/A+), else the default 14. */
    static double fontSize(Parent root) {
        java.util.regex.Matcher m = FONT_SIZE.matcher(root.getStyle() == null ? "" : root.getStyle());
        return m.find() ? Double.parseDouble(m.group(1)) : 14;
    }

    static Label wrapped(String text, String styleClass) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMaxWidth(Double.MAX_VALUE);
        l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        l.getStyleClass().add(styleClass);
        return l;
    }
}
