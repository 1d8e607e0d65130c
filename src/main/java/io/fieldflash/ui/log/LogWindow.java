package io.fieldflash.ui.log;

import io.fieldflash.log.RunLog;
import io.fieldflash.ui.AppContext;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The log viewer: this run's log lines, following new ones; the same lines as the run's log file. */
public final class LogWindow {
    private static final int MAX_LINES = 5000;

    private final Stage stage = new Stage();
    private final ObservableList<String> items = FXCollections.observableArrayList();
    private final List<String> pending = new ArrayList<>();
    private AutoCloseable subscription;

    public LogWindow(AppContext context, Window owner, List<String> stylesheets) {
        ListView<String> list = new ListView<>(items);
        list.getStyleClass().add("log-list");
        Label where = new Label(RunLog.file().map(p -> context.text("log.file", p)).orElse(context.text("log.noFile")));
        where.setWrapText(true);
        Button copy = new Button(context.text("log.copy"));
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(String.join("\n", items));
            Clipboard.getSystemClipboard().setContent(c);
        });
        Button close = new Button(context.text("common.close"));
        close.setCancelButton(true);
        close.setOnAction(e -> stage.close());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(10, where, grow, copy, close);
        bar.setPadding(new Insets(8));
        BorderPane root = new BorderPane(list, null, null, bar, null);
        Scene scene = new Scene(root, 900, 500);
        scene.getStylesheets().addAll(stylesheets);
        stage.setScene(scene);
        stage.setTitle(context.text("log.title"));
        stage.initOwner(owner);
        stage.setOnHidden(e -> unsubscribe());
        RunLog.lines().forEach(l -> items.add(l.toString()));
        subscription = RunLog.subscribe(this::arrived);
    }

    public void show() {
        stage.show();
        stage.toFront();
    }

    /** Lines arrive on any thread; they are handed to the FX thread in batches. */
    private void arrived(RunLog.Line line) {
        boolean schedule;
        synchronized (pending) {
            schedule = pending.isEmpty();
            pending.add(line.toString());
        }
        if (schedule) Platform.runLater(this::flush);
    }

    private void flush() {
        List<String> batch;
        synchronized (pending) {
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        items.addAll(batch);
        if (items.size() > MAX_LINES) items.remove(0, items.size() - MAX_LINES);
    }

    private void unsubscribe() {
        try {
            if (subscription != null) subscription.close();
        } catch (Exception ignored) {
            // nothing to release beyond the listener
        }
        subscription = null;
    }
}
