package io.fieldflash.ui.settings;

import io.fieldflash.bundle.LaptopTrust;
import io.fieldflash.bundle.TrustStores;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerificationKey;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.common.Tasks;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust store tab: the keys this laptop trusts (the user's and the machine-wide trust store merged), its
 * fingerprint, and importing, removing and updating keys with {@link LaptopTrust} (the same rules as
 * {@code fieldflash trust ...}). File work runs on the background executor; the FX thread only renders.
 */
final class TrustPane {
    private static final Logger LOG = LoggerFactory.getLogger(TrustPane.class);

    private final AppContext context;
    private final LaptopTrust trust;
    private final Dialogs dialogs;
    private final Clock clock;
    private final double em;
    private final SimpleBooleanProperty busy = new SimpleBooleanProperty(false);
    private final ObservableList<TrustSnapshot.Row> rows = FXCollections.observableArrayList();
    private final BorderPane root = new BorderPane();

    final TableView<TrustSnapshot.Row> table = new TableView<>(rows);
    final Label summary = new Label();
    final TextField fingerprint = new TextField();
    final Label files = new Label();
    final Label status = new Label();
    final Button importButton = new Button();
    final Button removeButton = new Button();
    final Button applyButton = new Button();
    private TrustSnapshot snapshot;

    /** @param em the font size in px, for column widths */
    TrustPane(AppContext context, Dialogs dialogs, Clock clock, double em) {
        this.context = context;
        this.em = em;
        this.trust = new LaptopTrust(context.dirs());
        this.dialogs = dialogs;
        this.clock = clock;
        build();
    }

    Parent root() {
        return root;
    }

    /** True while a file operation runs. */
    SimpleBooleanProperty busyProperty() {
        return busy;
    }

    private void build() {
        Label intro = Dialogs.wrapped(context.text("settings.trust.intro"), "step-subtitle");
        summary.setId("trust-summary");
        summary.getStyleClass().add("trust-summary");
        summary.setWrapText(true);
        summary.setMinHeight(Region.USE_PREF_SIZE);

        Label fpLabel = new Label(context.text("settings.trust.fingerprint"));
        fpLabel.setMnemonicParsing(true);
        fpLabel.setLabelFor(fingerprint);
        fingerprint.setId("trust-fingerprint");
        fingerprint.setEditable(false);
        fingerprint.getStyleClass().add("mono");
        HBox.setHgrow(fingerprint, Priority.ALWAYS);
        HBox fpRow = new HBox(8, fpLabel, fingerprint);
        fpRow.setAlignment(Pos.CENTER_LEFT);
        files.setId("trust-files");
        files.setWrapText(true);
        files.setMinHeight(Region.USE_PREF_SIZE);
        files.getStyleClass().add("field-help");

        table.setId("trust-table");
        table.getStyleClass().add("trust-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(Dialogs.wrapped(context.text("settings.trust.empty"), "placeholder"));
        table.getColumns().setAll(List.of(
                column("settings.trust.col.name", r -> LaptopTrust.displayName(r.key()), 11),
                column("settings.trust.col.keyid", TrustSnapshot.Row::shortId, 11.5),
                column("settings.trust.col.algorithm", r -> r.key().key().alg().id(), 10.5),
                column("settings.trust.col.products", r -> r.key().products().isEmpty()
                        ? context.text("settings.trust.anyProduct") : String.join(", ", r.key().products()), 9),
                column("settings.trust.col.validUntil", r -> r.key().expiry().map(TrustPane::date)
                        .orElse(context.text("settings.trust.noEnd")), 7.5),
                statusColumn(),
                column("settings.trust.col.root", r -> r.key().root() ? context.text("settings.trust.rootYes") : "", 4),
                column("settings.trust.col.from", this::from, 9)));
        table.getColumns().get(1).getStyleClass().add("mono");
        VBox.setVgrow(table, Priority.ALWAYS);

        importButton.setText(context.text("settings.trust.import"));
        importButton.setId("trust-import");
        importButton.setOnAction(e -> chooseKey());
        removeButton.setText(context.text("settings.trust.remove"));
        removeButton.setId("trust-remove");
        removeButton.setOnAction(e -> table.getSelectionModel().getSelectedItems().stream().findFirst().ifPresent(this::remove));
        removeButton.disableProperty().bind(busy.or(table.getSelectionModel().selectedItemProperty().isNull()));
        applyButton.setText(context.text("settings.trust.apply"));
        applyButton.setId("trust-apply");
        applyButton.setOnAction(e -> chooseUpdate());
        importButton.disableProperty().bind(busy);
        applyButton.disableProperty().bind(busy);

        ProgressIndicator working = new ProgressIndicator();
        working.setPrefSize(20, 20);
        working.visibleProperty().bind(busy);
        status.setId("trust-status");
        status.setWrapText(true);
        status.getStyleClass().add("status");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox buttons = new HBox(10, importButton, removeButton, applyButton, grow, working);
        buttons.setAlignment(Pos.CENTER_LEFT);

        VBox top = new VBox(8, intro, summary, fpRow, files);
        VBox box = new VBox(10, top, table, buttons, status);
        box.setPadding(new Insets(12));
        root.setCenter(box);
    }

    private TableColumn<TrustSnapshot.Row, String> column(String key, Function<TrustSnapshot.Row, String> value, double width) {
        TableColumn<TrustSnapshot.Row, String> c = new TableColumn<>(context.text(key));
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        c.setPrefWidth(width * em);
        return c;
    }

    private TableColumn<TrustSnapshot.Row, TrustSnapshot.Status> statusColumn() {
        TableColumn<TrustSnapshot.Row, TrustSnapshot.Status> c = new TableColumn<>(context.text("settings.trust.col.status"));
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().status()));
        c.setPrefWidth(7.5 * em);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(TrustSnapshot.Status s, boolean empty) {
                super.updateItem(s, empty);
                getStyleClass().removeAll("trust-ok", "trust-bad");
                if (empty || s == null) {
                    setText(null);
                } else {
                    setText(context.text("settings.trust.status." + s.name()));
                    getStyleClass().add(s == TrustSnapshot.Status.TRUSTED ? "trust-ok" : "trust-bad");
                }
            }
        });
        return c;
    }

    private String from(TrustSnapshot.Row r) {
        List<String> out = new ArrayList<>();
        for (Path p : r.from()) out.add(source(p));
        return String.join(", ", out);
    }

    /** Where a trust store file is, in words: the user's, the machine-wide one, or an installer's drop-in file. */
    private String source(Path file) {
        if (file.equals(context.dirs().userTrustStore())) return context.text("settings.trust.fromUser");
        if (file.equals(context.dirs().machineTrustStore())) return context.text("settings.trust.fromMachine");
        return context.text("settings.trust.fromDropIn", file.getFileName().toString());
    }

    static String date(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    // ---- reading ----

    /** Reads the trust store again and shows it. */
    void refresh() {
        run(() -> TrustSnapshot.read(trust, clock.instant()), this::show, context.text("settings.trust.readFailed"));
    }

    private void show(TrustSnapshot s) {
        snapshot = s;
        String selected = Optional.ofNullable(table.getSelectionModel().getSelectedItem()).map(r -> r.key().keyid()).orElse("");
        rows.setAll(s.rows());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).key().keyid().equals(selected)) table.getSelectionModel().select(i);
        }
        summary.setText(s.rows().isEmpty() ? context.text("settings.trust.summaryEmpty", s.version())
                : context.text("settings.trust.summary", s.version(), s.rows().size()));
        fingerprint.setText(s.fingerprint().isEmpty() ? context.text("settings.trust.noFingerprint") : s.fingerprint());
        files.setText(s.files().isEmpty() ? context.text("settings.trust.noFiles", s.userFile())
                : context.text("settings.trust.files", String.join(", ", s.files().stream().map(Path::toString).toList())));
    }

    /** What is shown now; empty before the first read finished. */
    Optional<TrustSnapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    // ---- import ----

    void chooseKey() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(context.text("settings.import.chooserTitle"));
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter(context.text("settings.import.chooserFilter"), "*.pub", "*.pem"),
                new FileChooser.ExtensionFilter(context.text("settings.chooserAll"), "*"));
        File f = chooser.showOpenDialog(window());
        if (f != null) importKey(f.toPath());
    }

    /** What a key file holds, as far as the trust store is concerned. */
    private sealed interface KeyFile {
        record New(VerificationKey key, String defaultName) implements KeyFile {}

        record AlreadyTrusted(TrustedKey existing, List<Path> from, boolean mine) implements KeyFile {}
    }

    /** Reads a vendor's public key file; unless the laptop already trusts it, asks how to trust it, then adds it. */
    void importKey(Path file) {
        run(() -> {
            VerificationKey key = LaptopTrust.readPublicKey(file);
            List<Path> files = trust.files();
            Optional<TrustedKey> existing = TrustStores.load(files).find(key.keyid());
            if (existing.isPresent()) {
                List<Path> from = LaptopTrust.sources(files).getOrDefault(key.keyid(), List.of());
                return new KeyFile.AlreadyTrusted(existing.get(), from, from.contains(context.dirs().userTrustStore()));
            }
            return new KeyFile.New(key, LaptopTrust.defaultName(file));
        }, k -> {
            switch (k) {
                case KeyFile.AlreadyTrusted a -> dialogs.problem(context.text("settings.import.failed"), new Dialogs.Problem(
                        context.text("settings.import.alreadyTrusted", LaptopTrust.displayName(a.existing()),
                                LaptopTrust.shortId(a.existing().keyid()),
                                String.join(", ", a.from().stream().map(Path::toString).toList())),
                        context.text(a.mine() ? "settings.import.alreadyTrustedMine" : "settings.import.alreadyTrustedAdmin"),
                        "KEY_ALREADY_TRUSTED"));
                case KeyFile.New n -> ask(n);
            }
        }, context.text("settings.import.failed"));
    }

    private void ask(KeyFile.New n) {
        ImportKeyDialog dialog = new ImportKeyDialog(context, n.key(), n.defaultName(), LocalDate.ofInstant(clock.instant(), clock.getZone()));
        dialogs.show(dialog, request -> run(() -> trust.add(n.key(), request.name(), request.products(), request.notAfter(), request.root()),
                added -> {
                    status.setText(context.text("settings.import.done", LaptopTrust.displayName(added), LaptopTrust.shortId(added.keyid())));
                    LOG.info("Trusted key {} ({}) for {}", added.name(), added.keyid(), added.products().isEmpty() ? "any product" : added.products());
                    refresh();
                    context.trustChanged();
                }, context.text("settings.import.failed")));
    }

    // ---- remove ----

    /** Asks, then removes the key of {@code row} from the user's trust store. */
    void remove(TrustSnapshot.Row row) {
        String name = LaptopTrust.displayName(row.key());
        if (!row.mine()) {
            // LaptopTrust explains whose file it is and what to do
            doRemove(row);
            return;
        }
        String text = context.text("settings.remove.text", name, row.shortId())
                + (row.key().root() ? "\n\n" + context.text("settings.remove.rootWarning") : "");
        dialogs.confirm(context.text("settings.remove.header", name, row.shortId()), text, context.text("settings.remove.ok"),
                () -> doRemove(row));
    }

    private void doRemove(TrustSnapshot.Row row) {
        run(() -> trust.remove(row.key().keyid()), r -> {
            TrustedKey k = r.removed();
            status.setText(context.text("settings.remove.done", LaptopTrust.displayName(k), LaptopTrust.shortId(k.keyid())));
            LOG.info("Removed key {} ({}) from {}", k.name(), k.keyid(), context.dirs().userTrustStore());
            List<String> notes = new ArrayList<>();
            if (!r.stillTrustedThrough().isEmpty()) {
                notes.add(context.text("settings.remove.stillTrusted",
                        String.join(", ", r.stillTrustedThrough().stream().map(Path::toString).toList())));
            }
            if (r.noRootLeft()) notes.add(context.text("settings.remove.noRootLeft"));
            if (!notes.isEmpty()) dialogs.info(status.getText(), notes);
            refresh();
            context.trustChanged();
        }, context.text("settings.remove.failed"));
    }

    // ---- trust update ----

    private void chooseUpdate() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(context.text("settings.update.chooserTitle"));
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter(context.text("settings.update.chooserFilter"), "*.json"),
                new FileChooser.ExtensionFilter(context.text("settings.chooserAll"), "*"));
        File f = chooser.showOpenDialog(window());
        if (f != null) applyUpdate(f.toPath());
    }

    /** Applies a trust update file and shows what changed. */
    void applyUpdate(Path file) {
        run(() -> TrustChanges.of(trust.applyUpdate(file, clock.instant())), c -> {
            String header = context.text("settings.update.done", c.fromVersion(), c.toVersion());
            status.setText(header);
            LOG.info("Trust store updated from version {} to {} with {}", c.fromVersion(), c.toVersion(), file);
            dialogs.info(header, changeLines(c));
            refresh();
            context.trustChanged();
        }, context.text("settings.update.failed"));
    }

    List<String> changeLines(TrustChanges c) {
        List<String> lines = new ArrayList<>();
        for (TrustedKey k : c.signers()) lines.add(context.text("settings.update.signedBy", k.label()));
        for (TrustedKey k : c.added()) lines.add(context.text(k.root() ? "settings.update.addedRoot" : "settings.update.added", k.label()));
        for (TrustedKey k : c.revoked()) lines.add(context.text("settings.update.revoked", k.label()));
        for (TrustedKey k : c.removed()) lines.add(context.text("settings.update.removed", k.label()));
        for (TrustedKey k : c.stillElsewhere()) lines.add(context.text("settings.update.stillElsewhere", k.label()));
        if (c.added().isEmpty() && c.revoked().isEmpty() && c.removed().isEmpty()) lines.add(context.text("settings.update.noKeyChanges"));
        lines.add(context.text("details.settings.update.fingerprint", c.fingerprint()));
        return lines;
    }

    // ---- running ----

    /** Runs {@code work} in the background; then {@code onDone} on the FX thread, or an alert headed {@code failedHeader}. */
    private <T> void run(Callable<T> work, Consumer<T> onDone, String failedHeader) {
        busy.set(true);
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return work.call();
            }
        };
        Tasks.run(context.background(), task, v -> {
            busy.set(false);
            onDone.accept(v);
        }, t -> {
            busy.set(false);
            dialogs.problem(failedHeader, t);
        }, () -> busy.set(false));
    }

    private Window window() {
        return root.getScene().getWindow();
    }
}
