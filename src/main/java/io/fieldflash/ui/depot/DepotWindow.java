package io.fieldflash.ui.depot;

import io.fieldflash.device.esprom.SerialPlan;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.device.esprom.ChipInfo;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.ManualBoot;
import io.fieldflash.device.serial.SerialPortInfo;
import io.fieldflash.device.serial.SerialPorts;
import io.fieldflash.device.serial.UsbBridge;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.common.Format;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.update.DepotRun;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.cell.CheckBoxListCell;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

/**
 * The depot view: several units on their own USB-serial cables updated at once with the wizard's verified bundle. The
 * technician ticks the ports (or adds one by its path: pseudo-terminals and some adapters are not listed), presses
 * Start, and sees one row per unit with its own progress, speed and result, and a Retry on each failed row. Every unit
 * is an {@link UpdateJob} of a {@link DepotRun} (its own audit record); the FX thread only shows what they report.
 *
 * <p>ControlsFX's {@code TaskProgressView} was the first choice, but it drops a task from its list the moment the task
 * ends, so a finished unit's result and its Retry could not stay on screen: a table it is.
 */
public final class DepotWindow {
    /** A port offered in the list: what the system says about it, its name for people, ticked or not. */
    record PortChoice(SerialPortInfo info, String name, BooleanProperty ticked) {}

    private final AppContext context;
    private final WizardModel model;
    private final Stage stage = new Stage();
    private final ObservableList<PortChoice> choices = FXCollections.observableArrayList();
    final ListView<PortChoice> ports = new ListView<>(choices);
    final TextField pathField = new TextField();
    final Button add = new Button();
    final Button start = new Button();
    final Button cancel = new Button();
    final TableView<UnitRow> table = new TableView<>();
    final Label summary = new Label();
    private final Label details = new Label();
    private final Label bundleLine = new Label();
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final List<DepotRun> runs = new ArrayList<>();
    private final Map<String, UnitRow> rowsByPort = new ConcurrentHashMap<>();
    private int listed;   // ports named "USB cable N" so far
    private int added;    // ports added by path so far

    /**
     * @param owner       the wizard's window
     * @param stylesheets the wizard's stylesheets
     */
    public DepotWindow(AppContext context, WizardModel model, Window owner, List<String> stylesheets) {
        this.context = context;
        this.model = model;
        stage.initOwner(owner);
        stage.setTitle(context.text("depot.title"));
        Scene scene = new Scene(build(), 960, 640);
        scene.getStylesheets().addAll(stylesheets);
        // the wizard's text size (A+/A−) carries over
        if (owner != null && owner.getScene() != null) scene.getRoot().setStyle(owner.getScene().getRoot().getStyle());
        stage.setScene(scene);
        stage.setOnHidden(e -> cancelAll());
    }

    private Parent build() {
        Label title = new Label(context.text("depot.title"));
        title.getStyleClass().add("step-title");
        Label intro = new Label(context.text("depot.intro"));
        intro.setWrapText(true);
        intro.getStyleClass().add("step-subtitle");
        intro.setMinHeight(Region.USE_PREF_SIZE);
        bundleLine.setWrapText(true);

        ports.setId("depot-ports");
        ports.setPrefHeight(110);
        ports.setMinHeight(80);
        ports.setPlaceholder(new Label(context.text("depot.noPorts")));
        ports.setCellFactory(CheckBoxListCell.forListView(PortChoice::ticked, new StringConverter<>() {
            @Override public String toString(PortChoice p) { return p == null ? "" : p.name(); }
            @Override public PortChoice fromString(String s) { return null; }
        }));
        Button refresh = new Button(context.text("depot.refresh"));
        refresh.setOnAction(e -> refreshPorts());
        pathField.setId("depot-path");
        pathField.setPromptText(context.text("depot.pathPrompt"));
        pathField.setPrefColumnCount(22);
        add.setId("depot-add");
        add.setText(context.text("depot.addPath"));
        add.setOnAction(e -> addPath());
        add.disableProperty().bind(pathField.textProperty().isEmpty());
        pathField.setOnAction(e -> addPath());
        HBox portButtons = new HBox(8, refresh, new Label(context.text("depot.orPath")), pathField, add);
        portButtons.setAlignment(Pos.CENTER_LEFT);
        details.setWrapText(true);
        details.setId("depot-details");
        TitledPane detailsPane = new TitledPane(context.text("depot.details"), details);
        detailsPane.setExpanded(false);
        VBox portsCard = new VBox(8, new Label(context.text("depot.portsTitle")), ports, portButtons, detailsPane);
        portsCard.getStyleClass().add("card");

        start.setId("depot-start");
        start.setText(context.text("depot.start"));
        start.getStyleClass().add("primary");
        start.setDefaultButton(true);
        start.setOnAction(e -> start());
        start.disableProperty().bind(running.or(Bindings.createBooleanBinding(() -> model.bundle().isEmpty(), model.bundleProperty())));
        cancel.setId("depot-cancel");
        cancel.setText(context.text("depot.cancelAll"));
        cancel.setOnAction(e -> cancelAll());
        cancel.disableProperty().bind(running.not());
        summary.setId("depot-summary");
        summary.setWrapText(true);
        HBox actions = new HBox(10, start, cancel, summary);
        actions.setAlignment(Pos.CENTER_LEFT);

        buildTable();
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox center = new VBox(12, title, intro, bundleLine, portsCard, actions, table);
        center.setPadding(new Insets(16));

        Button close = new Button(context.text("common.close"));
        close.setCancelButton(true);
        close.setOnAction(e -> stage.hide());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(10, grow, close);
        bar.setPadding(new Insets(8, 12, 10, 12));
        bar.getStyleClass().add("nav-bar");
        BorderPane root = new BorderPane(center, null, null, bar, null);
        root.getStyleClass().add("depot-window");
        return root;
    }

    private void buildTable() {
        table.setId("depot-units");
        table.setPlaceholder(new Label(context.text("depot.noUnits")));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<UnitRow, String> port = text("depot.col.port", r -> r.name);
        TableColumn<UnitRow, String> unit = new TableColumn<>(context.text("depot.col.unit"));
        unit.setCellValueFactory(c -> c.getValue().unit);
        TableColumn<UnitRow, String> status = new TableColumn<>(context.text("depot.col.status"));
        status.setCellValueFactory(c -> c.getValue().status);
        TableColumn<UnitRow, Number> progress = new TableColumn<>(context.text("depot.col.progress"));
        progress.setCellValueFactory(c -> c.getValue().progress);
        progress.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar(0);

            @Override
            protected void updateItem(Number v, boolean empty) {
                super.updateItem(v, empty);
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.setProgress(v == null ? 0 : v.doubleValue());
                setGraphic(empty ? null : bar);
            }
        });
        TableColumn<UnitRow, String> speed = new TableColumn<>(context.text("depot.col.speed"));
        speed.setCellValueFactory(c -> c.getValue().speed);
        TableColumn<UnitRow, String> result = new TableColumn<>(context.text("depot.col.result"));
        result.setCellValueFactory(c -> c.getValue().result);
        result.setCellFactory(c -> new TableCell<>() {
            // a Text wraps at its own width, so the row grows to the whole sentence (a wrapped Label stops at two lines)
            private final javafx.scene.text.Text t = new javafx.scene.text.Text();

            {
                t.wrappingWidthProperty().bind(result.widthProperty().subtract(14));
                t.fillProperty().bind(textFillProperty());
                t.fontProperty().bind(fontProperty());
            }

            @Override
            protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                t.setText(v == null ? "" : v);
                setGraphic(empty || v == null || v.isEmpty() ? null : t);
            }
        });
        TableColumn<UnitRow, UnitRow> retry = new TableColumn<>("");
        retry.setCellValueFactory(c -> new javafx.beans.property.SimpleObjectProperty<>(c.getValue()));
        retry.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(UnitRow row, boolean empty) {
                super.updateItem(row, empty);
                if (empty || row == null) {
                    setGraphic(null);
                    return;
                }
                Button b = new Button(context.text("depot.retry"));
                b.getStyleClass().add("depot-retry");
                b.visibleProperty().bind(row.retryable);
                b.setOnAction(e -> retry(row));
                setGraphic(b);
            }
        });
        port.setPrefWidth(115);
        unit.setPrefWidth(180);
        status.setPrefWidth(85);
        progress.setPrefWidth(90);
        speed.setPrefWidth(75);
        retry.setPrefWidth(75);
        result.setPrefWidth(300);
        table.getColumns().setAll(List.of(port, unit, status, progress, speed, retry, result));
    }

    private TableColumn<UnitRow, String> text(String key, java.util.function.Function<UnitRow, String> value) {
        TableColumn<UnitRow, String> c = new TableColumn<>(context.text(key));
        c.setCellValueFactory(d -> new javafx.beans.property.SimpleStringProperty(value.apply(d.getValue())));
        return c;
    }

    /** Shows the window and lists the ports (in the background). */
    public void show() {
        bundleLine.setText(model.bundle().map(b -> {
            Manifest m = b.manifest();
            return context.text("depot.bundle", Printable.of(m.vendor()), Printable.of(m.product()), Printable.of(m.version()));
        }).orElse(context.text("depot.noBundle")));
        refreshPorts();
        stage.show();
        stage.toFront();
    }

    /** Asks the system for its serial ports, off the FX thread; ports added by path stay. */
    void refreshPorts() {
        Task<List<SerialPortInfo>> t = new Task<>() {
            @Override
            protected List<SerialPortInfo> call() {
                return SerialPorts.list();
            }
        };
        Tasks.run(context.background(), t, list -> {
            for (SerialPortInfo info : list) {
                if (choices.stream().noneMatch(c -> c.info().path().equals(info.path()))) {
                    listed++;
                    String name = info.usb()
                            ? context.text("depot.usbCable", listed, info.bridge().map(UsbBridge::name).orElse(context.text("depot.usbSerial")))
                            : context.text("depot.serialPort", listed);
                    choices.add(new PortChoice(info, name, new SimpleBooleanProperty(false)));
                }
            }
            showDetails();
        }, e -> ports.setPlaceholder(new Label(context.text("depot.listFailed"))), () -> {});
    }

    /** Adds the port in the path field (ticked), e.g. a pseudo-terminal the system does not list. */
    void addPath() {
        String path = pathField.getText().strip();
        if (path.isEmpty()) return;
        Optional<PortChoice> there = choices.stream().filter(c -> c.info().path().equals(path)).findFirst();
        if (there.isPresent()) {
            there.get().ticked().set(true);
        } else {
            added++;
            choices.add(new PortChoice(SerialPortInfo.ofPath(path), context.text("depot.addedPort", added), new SimpleBooleanProperty(true)));
        }
        pathField.clear();
        showDetails();
    }

    private void showDetails() {
        details.setText(choices.stream().map(c -> c.name() + ": " + c.info().label()).collect(Collectors.joining("\n")));
    }

    /** Starts every ticked port at once; the table shows one row each. */
    void start() {
        VerifiedBundle bundle = model.bundle().orElse(null);
        List<PortChoice> ticked = choices.stream().filter(c -> c.ticked().get()).toList();
        if (bundle == null) return;
        if (ticked.isEmpty()) {
            summary.setText(context.text("depot.tickFirst"));
            return;
        }
        SerialPlan plan;
        try {
            plan = SerialPlan.of(bundle.manifest());
        } catch (SerialPlan.NotForSerial e) {
            summary.setText(context.text("depot.notForUsb", e.getMessage() + " " + e.hint()));
            return;
        }
        List<UnitRow> rows = new ArrayList<>();
        rowsByPort.clear();
        for (PortChoice c : ticked) {
            UnitRow r = new UnitRow(c.info().path(), c.name());
            r.reset(context.text("depot.waiting"));
            rows.add(r);
            rowsByPort.put(r.path, r);
        }
        table.getItems().setAll(rows);
        launch(bundle, plan, rows);
    }

    /** Runs the failed row's unit again, alone (its cable may have been plugged in again, or another unit connected). */
    void retry(UnitRow row) {
        VerifiedBundle bundle = model.bundle().orElse(null);
        if (bundle == null || row.state.get() != UnitRow.State.FAILED) return;
        SerialPlan plan;
        try {
            plan = SerialPlan.of(bundle.manifest());
        } catch (SerialPlan.NotForSerial e) {
            row.result.set(e.getMessage());
            return;
        }
        row.reset(context.text("depot.waiting"));
        rowsByPort.put(row.path, row);
        launch(bundle, plan, List.of(row));
    }

    /** Makes and starts one depot run for {@code rows} in the background; its reports come back to the rows. */
    private void launch(VerifiedBundle bundle, SerialPlan plan, List<UnitRow> rows) {
        running.set(true);
        summary.setText(context.text("depot.running", rows.size()));
        var stores = model.stores();
        context.background().execute(() -> {
            List<EspRomDevice> devices = rows.stream()
                    .map(r -> plan.device(r.path, EspRomOptions.defaults(), prompt(r))).toList();
            DepotRun run = DepotRun.create(bundle, devices, stores, JobSettings.DEFAULT, new DepotRun.Listener() {
                @Override
                public void created(String port, UpdateJob job) {
                    UnitRow r = rowsByPort.get(port);
                    job.addListener(e -> Platform.runLater(() -> event(r, e)));
                }

                @Override
                public void identified(String port, ChipInfo chip) {
                    UnitRow r = rowsByPort.get(port);
                    Platform.runLater(() -> r.unit.set(chip.chip().displayName() + " · " + chip.macText()));
                }

                @Override
                public void finished(DepotRun.UnitResult u) {
                    UnitRow r = rowsByPort.get(u.port());
                    Platform.runLater(() -> ended(r, u.result()));
                }
            });
            Platform.runLater(() -> runs.add(run));
            run.start();
        });
    }

    private ManualBoot.Prompt prompt(UnitRow row) {
        return new ManualBoot.Prompt() {
            @Override
            public void manualBootNeeded(ManualBoot request) {
                Platform.runLater(() -> row.status.set(context.text("depot.pressButtons")));
            }

            @Override
            public void bootloaderFound() {
                Platform.runLater(() -> row.status.set(context.text("phase.CONNECTING")));
            }
        };
    }

    private void event(UnitRow r, JobEvent e) {
        if (r.state.get() != UnitRow.State.RUNNING) return;
        switch (e) {
            case JobEvent.PhaseChanged p -> r.status.set(context.text("phase." + p.phase().name()));
            case JobEvent.Progress p -> {
                r.progress.set(p.percent() / 100);
                r.speed.set(p.bytesPerSecond() > 0 ? Format.bytes((long) p.bytesPerSecond()) + "/s" : "");
            }
            default -> { }
        }
    }

    private void ended(UnitRow r, JobResult res) {
        r.speed.set(res.elapsed().isZero() || res.bytesSent() == 0 ? ""
                : Format.bytes((long) (res.bytesSent() / Math.max(0.001, res.elapsed().toMillis() / 1000.0))) + "/s");
        switch (res.outcome()) {
            case UPDATED, ALREADY_INSTALLED -> {
                r.progress.set(1);
                r.status.set(context.text("depot.done"));
                r.result.set(res.outcome() == JobResult.Outcome.UPDATED
                        ? context.text("depot.updated", Format.bytes(res.bytesSent()),
                                String.format(Locale.ROOT, "%.1f", res.elapsed().toMillis() / 1000.0))
                        : context.text("depot.already"));
                r.state.set(UnitRow.State.DONE);
            }
            case CANCELLED -> {
                r.status.set(context.text("depot.stopped"));
                r.result.set(res.message());
                r.state.set(UnitRow.State.FAILED);
            }
            case REFUSED, FAILED -> {
                r.status.set(context.text("depot.failed"));
                r.result.set(res.message() + (res.hint().isEmpty() ? "" : " " + res.hint()));
                r.state.set(UnitRow.State.FAILED);
            }
        }
        boolean any = table.getItems().stream().anyMatch(x -> x.state.get() == UnitRow.State.RUNNING);
        running.set(any);
        if (!any) {
            runs.clear();
            long ok = table.getItems().stream().filter(x -> x.state.get() == UnitRow.State.DONE).count();
            summary.setText(context.text("depot.summary", ok, table.getItems().size()));
        }
    }

    /** Stops every unit still running (each keeps its old firmware and writes its audit record). */
    void cancelAll() {
        for (DepotRun r : List.copyOf(runs)) r.cancelAll();
    }

    Stage stage() {
        return stage;
    }
}
