package io.fieldflash.ui.configure;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.http.DeviceSettings;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.http.SettingRefusedException;
import io.fieldflash.device.http.SettingSpec;
import io.fieldflash.device.http.SettingType;
import io.fieldflash.device.http.SettingValue;
import io.fieldflash.device.http.SettingsSession;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.common.DeviceWifiJoin;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.update.SettingsAuditRecord;
import io.fieldflash.update.UpdateStores;
import io.fieldflash.wifi.WifiAdapter;
import io.fieldflash.wifi.WifiConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.AbstractPropertyEditor;
import org.controlsfx.property.editor.Editors;
import org.controlsfx.property.editor.PropertyEditor;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Configure the device": a form made from the device's settings schema (a ControlsFX {@link PropertySheet}, each
 * value checked against the schema's limits with {@link ValidationSupport}), a review of what changes (old → new)
 * before anything is saved, and the device's own refusal shown on the field it names. Reading and saving run off the
 * FX thread and can be cancelled; every accepted change goes to the audit log. Every text from the device is escaped.
 *
 * <p>Opened from the Connect page it gets the device found there. Opened without one ({@link #toConnect}, from the
 * Bundle page: no firmware bundle needed) it starts with a connect stage: join the device's Wi-Fi, its access token,
 * Connect; the device is then read exactly as for the Connect page's device.
 */
public final class ConfigureWindow {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigureWindow.class);

    private final AppContext context;
    private final UpdateStores stores;
    private Device device;                              // null until the connect stage has reached one
    private final Stage stage = new Stage();
    private final PropertySheet sheet = new PropertySheet();
    private final ValidationSupport validation = new ValidationSupport();
    private final Map<String, Control> editors = new HashMap<>();
    private final Map<String, SettingItem> items = new LinkedHashMap<>();
    /** The value the device refused and its sentence, per key, until the field changes. */
    private final Map<String, String[]> refused = new HashMap<>();
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanProperty reviewed = new SimpleBooleanProperty(false);
    private final Label subtitle = new Label();
    private final Label status = new Label();
    private final Label refusal = new Label();
    private final ListView<String> review = new ListView<>();
    private final Label details = new Label();
    private final Button reviewButton = new Button();
    private final Button save = new Button();
    private final Button cancel = new Button();
    private final Button close = new Button();
    private SettingsSession session;
    private DeviceInfo info;
    private DeviceSettings current;
    private Task<?> running;

    // the connect stage (only when opened without a device)
    private static final Duration JOIN_DEADLINE = Duration.ofSeconds(45);
    private final VBox connectPane = new VBox(8);
    private final VBox formPane = new VBox(10);
    private final TextField address = new TextField(ConnectStepController.DEFAULT_ADDRESS);
    private final Label addressWords = new Label();
    private final PasswordField token = new PasswordField();
    private final PasswordField wifiPassword = new PasswordField();
    private final Label wifiStatus = new Label();
    private final Label connectProblem = new Label();
    private final Label connectDetails = new Label();
    private final TitledPane connectMore = new TitledPane();
    private final BooleanProperty formShown = new SimpleBooleanProperty(true);
    private final DeviceWifiJoin deviceWifi;   // joins nothing when opened with a device (no connect stage)

    /**
     * The form for a device reached without a firmware bundle: the window opens on its connect stage.
     *
     * @param wifiAdapters makes the laptop's Wi-Fi adapter when "Join" is first pressed (the wizard's is
     *                     {@code LaptopWifi.adapter(context)}); never called otherwise
     */
    public static ConfigureWindow toConnect(AppContext context, Window owner, List<String> stylesheets, UpdateStores stores,
                                            Callable<WifiAdapter> wifiAdapters) {
        return new ConfigureWindow(context, owner, stylesheets, null, stores, java.util.Objects.requireNonNull(wifiAdapters));
    }

    /**
     * @param device the connected device; it must speak fieldflash-http/1 ({@link SettingsSession#offers})
     * @param stores where the audit log and the operator's name are
     */
    public ConfigureWindow(AppContext context, Window owner, List<String> stylesheets, Device device, UpdateStores stores) {
        this(context, owner, stylesheets, java.util.Objects.requireNonNull(device), stores, null);
    }

    private ConfigureWindow(AppContext context, Window owner, List<String> stylesheets, Device device, UpdateStores stores,
                            Callable<WifiAdapter> wifiAdapters) {
        this.context = context;
        this.device = device;
        this.stores = stores;
        this.deviceWifi = new DeviceWifiJoin(wifiAdapters);
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle(context.text("configure.title"));

        Label title = new Label(context.text("configure.title"));
        title.getStyleClass().add("step-title");
        subtitle.setWrapText(true);
        subtitle.getStyleClass().add("step-subtitle");
        status.setId("configure-status");
        status.setWrapText(true);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(20, 20);
        spinner.visibleProperty().bind(busy);
        HBox statusRow = new HBox(8, spinner, status);
        statusRow.setAlignment(Pos.CENTER_LEFT);

        sheet.setId("configure-sheet");
        sheet.setMode(PropertySheet.Mode.NAME);
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        sheet.setPropertyEditorFactory(this::editor);
        sheet.disableProperty().bind(busy);
        VBox.setVgrow(sheet, Priority.ALWAYS);

        refusal.setId("configure-refusal");
        refusal.setWrapText(true);
        refusal.getStyleClass().add("error");
        show(refusal, false);

        Label reviewTitle = new Label(context.text("configure.reviewTitle"));
        reviewTitle.getStyleClass().add("section-title");
        review.setId("configure-review");
        review.setPrefHeight(110);
        review.setPlaceholder(new Label(context.text("configure.reviewEmpty")));

        details.setId("configure-details");
        details.setWrapText(true);
        TitledPane more = new TitledPane(context.text("configure.details"), details);
        more.setExpanded(false);

        formPane.getChildren().setAll(sheet, refusal, reviewTitle, review, more);
        VBox.setVgrow(formPane, Priority.ALWAYS);
        VBox body = new VBox(10, title, subtitle, connectPane, statusRow, formPane);
        body.setPadding(new Insets(14));

        reviewButton.setText(context.text("configure.review"));
        reviewButton.setId("configure-review-button");
        reviewButton.setOnAction(e -> review());
        reviewButton.disableProperty().bind(busy.or(validation.invalidProperty()));
        reviewButton.visibleProperty().bind(formShown);
        reviewButton.managedProperty().bind(formShown);
        save.setText(context.text("configure.save"));
        save.setId("configure-save");
        save.getStyleClass().add("primary");
        save.defaultButtonProperty().bind(formShown);
        save.visibleProperty().bind(formShown);
        save.managedProperty().bind(formShown);
        save.setOnAction(e -> save());
        save.disableProperty().bind(busy.or(reviewed.not()).or(validation.invalidProperty()));
        cancel.setText(context.text("configure.cancel"));
        cancel.setId("configure-cancel");
        cancel.setOnAction(e -> {
            if (running != null) running.cancel(true);
        });
        cancel.visibleProperty().bind(busy);
        cancel.managedProperty().bind(busy);
        close.setText(context.text("common.close"));
        close.setId("configure-close");
        close.setCancelButton(true);
        close.setOnAction(e -> stage.close());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(10, reviewButton, grow, cancel, save, close);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 14, 12, 14));

        BorderPane root = new BorderPane(body);
        root.setBottom(bar);
        root.setId("configure-root");
        root.getProperties().put(ConfigureWindow.class, this);
        Scene scene = new Scene(root, 640, 680);
        scene.getStylesheets().setAll(stylesheets);
        // the wizard's text size (A+/A−) and theme carry over
        if (owner != null && owner.getScene() != null) root.setStyle(owner.getScene().getRoot().getStyle());
        stage.setScene(scene);
        stage.setOnHidden(e -> {
            if (running != null) running.cancel(true);
            if (session != null) session.close();
            deviceWifi.leaveQuietly(context.background());
        });
        if (device == null) buildConnectStage();
        else show(connectPane, false);
    }

    /** Shows the window and reads the device's settings; without a device, shows the connect stage first. */
    public void show() {
        stage.show();
        if (device != null) {
            load();
        } else {
            javafx.application.Platform.runLater(this::focusFirstEmpty);
        }
    }

    public Stage stage() {
        return stage;
    }

    /** The form shown in {@code window}, if it is one (for tests and tools that look at open windows). */
    public static java.util.Optional<ConfigureWindow> of(Window window) {
        return window.getScene() != null && window.getScene().getRoot().getProperties().get(ConfigureWindow.class) instanceof ConfigureWindow w
                ? java.util.Optional.of(w) : java.util.Optional.empty();
    }

    /** What the form marks on the field of {@code key} (the schema's limits, or the device's refusal); empty when nothing. */
    public java.util.Optional<String> problem(String key) {
        Control c = editors.get(key);
        return c == null ? java.util.Optional.empty() : validation.getHighestMessage(c).map(m -> m.getText());
    }

    private void load() {
        busy.set(true);
        status.setText(context.text("configure.loading"));
        Device d = device;
        Task<DeviceSettings> t = new Task<>() {
            @Override
            protected DeviceSettings call() throws Exception {
                if (session == null) session = SettingsSession.open(d).orElseThrow();
                info = session.identify();
                if (!SettingsSession.offers(d, info)) throw new NoSettings();
                return session.read();
            }
        };
        running = Tasks.run(context.background(), t, s -> {
            busy.set(false);
            if (!formShown.get()) connected();
            subtitle.setText(context.text("configure.subtitle", Printable.cut(info.product(), 80), Printable.cut(info.deviceId(), 64)));
            details.setText(context.text("configure.detailsText", device.address(), HttpDevice.PROTOCOL));
            fill(s);
            status.setText(context.text("configure.loaded"));
        }, e -> {
            if (formShown.get()) failed(e);
            else connectFailed(e);
        }, this::cancelled);
    }

    /** Puts the device's settings into the form: a fresh row per setting, nothing changed, nothing refused. */
    private void fill(DeviceSettings s) {
        current = s;
        refused.clear();
        editors.clear();
        items.clear();
        for (SettingSpec spec : s.schema()) {
            SettingItem item = new SettingItem(spec, s.value(spec.key()), describe(spec, s.value(spec.key())));
            item.getObservableValue().orElseThrow().addListener((o, a, b) -> {
                reviewed.set(false);
                review.getItems().clear();
            });
            items.put(spec.key(), item);
        }
        sheet.getItems().setAll(items.values());
        reviewed.set(false);
        review.getItems().clear();
    }

    /** The limits in words, for the field's tooltip. */
    private String describe(SettingSpec s, SettingValue v) {
        if (s.readOnly()) return context.text("configure.readOnly");
        return switch (s.type()) {
            case INT -> context.text("configure.range", bound(s.min()), bound(s.max()), s.shownUnit());
            case STRING -> context.text("configure.length", s.minLength(), s.maxLength());
            case SECRET -> context.text(((SettingValue.Hidden) v).set() ? "configure.secretSet" : "configure.secretNotSet",
                    s.minLength(), s.maxLength());
            case BOOL, ENUM -> "";
        };
    }

    private static String bound(long n) {
        return n == Long.MIN_VALUE || n == Long.MAX_VALUE ? "…" : Long.toString(n);
    }

    private PropertyEditor<?> editor(PropertySheet.Item i) {
        SettingItem item = (SettingItem) i;
        PropertyEditor<?> e = switch (item.spec.type()) {
            case BOOL -> Editors.createCheckEditor(item);
            case ENUM -> Editors.createChoiceEditor(item, item.spec.choices());
            case SECRET -> new AbstractPropertyEditor<String, PasswordField>(item, new PasswordField()) {
                @Override
                protected javafx.beans.value.ObservableValue<String> getObservableValue() {
                    return getEditor().textProperty();
                }

                @Override
                public void setValue(String value) {
                    getEditor().setText(value);
                }
            };
            default -> Editors.createTextEditor(item);
        };
        Node n = e.getEditor();
        if (n instanceof javafx.scene.control.ComboBox<?> box) {
            // the choices are the device's texts: shown escaped (the value sent stays the device's own)
            @SuppressWarnings("unchecked")
            javafx.scene.control.ComboBox<Object> choices = (javafx.scene.control.ComboBox<Object>) box;
            choices.setConverter(new javafx.util.StringConverter<>() {
                @Override
                public String toString(Object o) {
                    return o == null ? "" : Printable.cut(o.toString(), 200);
                }

                @Override
                public Object fromString(String text) {
                    return text;
                }
            });
        }
        if (n instanceof Control c) {
            c.setId("configure-field-" + item.spec.key());
            editors.put(item.spec.key(), c);
            if (item.isEditable()) {
                validation.registerValidator(c, false, (Control control, Object value) -> validate(item, control));
            }
        }
        return e;
    }

    /** The schema's limits, checked as the device will; then the device's own refusal of this very value. */
    private ValidationResult validate(SettingItem item, Control control) {
        if (!item.changed()) return new ValidationResult();
        try {
            item.spec.parse(item.typed());
        } catch (IllegalArgumentException e) {
            return ValidationResult.fromError(control, problem(item.spec));
        }
        String[] r = refused.get(item.spec.key());
        if (r != null && r[0].equals(item.typed())) return ValidationResult.fromError(control, r[1]);
        return new ValidationResult();
    }

    /** What the setting takes, in the wizard's words. */
    private String problem(SettingSpec s) {
        return switch (s.type()) {
            case INT -> context.text("configure.needNumber", s.shownLabel(), bound(s.min()), bound(s.max()), s.shownUnit());
            case STRING, SECRET -> context.text("configure.needLength", s.shownLabel(), s.minLength(), s.maxLength());
            case ENUM -> context.text("configure.needChoice", s.shownLabel());
            case BOOL -> context.text("configure.needFlag", s.shownLabel());
        };
    }

    /** The changes as the device is sent them (only changed settings). */
    private Map<String, SettingValue> changes() {
        Map<String, SettingValue> out = new LinkedHashMap<>();
        for (SettingItem i : items.values()) if (i.changed()) out.put(i.spec.key(), i.spec.parse(i.typed()));
        return out;
    }

    /** Fills the review list with old → new for each change; Save is possible once it is there. */
    void review() {
        validation.revalidate();
        if (validation.isInvalid()) {
            status.setText(context.text("configure.invalid"));
            return;
        }
        List<String> lines = new ArrayList<>();
        for (SettingItem i : items.values()) {
            if (!i.changed()) continue;
            SettingValue now = i.spec.parse(i.typed());
            lines.add(i.spec.type() == SettingType.SECRET
                    ? context.text("configure.changeSecret", i.spec.shownLabel())
                    : context.text("configure.change", i.spec.shownLabel(), shown(i.original), shown(now), i.spec.shownUnit()).strip());
        }
        review.getItems().setAll(lines);
        reviewed.set(!lines.isEmpty());
        status.setText(context.text(lines.isEmpty() ? "configure.noChanges" : "configure.reviewed"));
        if (!lines.isEmpty()) save.requestFocus();
    }

    private String shown(SettingValue v) {
        return v instanceof SettingValue.Flag f ? context.text(f.on() ? "configure.on" : "configure.off") : v.display();
    }

    private void save() {
        Map<String, SettingValue> changes = changes();
        if (changes.isEmpty()) return;
        DeviceSettings before = current;
        String operator = stores.settings().operator();
        busy.set(true);
        show(refusal, false);
        status.setText(context.text("configure.saving"));
        Task<DeviceSettings> t = new Task<>() {
            @Override
            protected DeviceSettings call() throws Exception {
                DeviceSettings after = session.write(changes);
                List<SettingsAuditRecord.Change> record = new ArrayList<>();
                for (String key : changes.keySet()) {
                    SettingSpec s = before.spec(key).orElseThrow();
                    record.add(s.type() == SettingType.SECRET ? SettingsAuditRecord.Change.secret(key, s.label())
                            : new SettingsAuditRecord.Change(key, s.label(), plain(before.value(key)),
                                    plain(after.values().getOrDefault(key, changes.get(key))), false));
                }
                try {
                    stores.audit().append(new SettingsAuditRecord(Instant.now(), operator, info.deviceId(), info.product(),
                            HttpDevice.PROTOCOL, device.address(), record));
                } catch (java.io.IOException e) {
                    throw new AuditNotWritten(after, e);
                }
                return after;
            }
        };
        running = Tasks.run(context.background(), t, after -> {
            busy.set(false);
            LOG.info("The device {} accepted {} settings change(s): {}", Printable.of(info.deviceId()), changes.size(), changes.keySet());
            fill(after);
            status.setText(context.text("configure.saved", changes.size()));
        }, e -> {
            busy.set(false);
            if (e instanceof SettingRefusedException r) {
                showRefusal(r);
            } else if (e instanceof AuditNotWritten a) {
                fill(a.after);
                status.setText(context.text("configure.auditFailed", Printable.of(a.getCause().getMessage())));
            } else {
                failed(e);
            }
        }, this::cancelled);
    }

    private static String plain(SettingValue v) {
        return switch (v) {
            case SettingValue.Text t -> t.text();
            case SettingValue.Whole w -> Long.toString(w.number());
            case SettingValue.Flag f -> Boolean.toString(f.on());
            case SettingValue.Hidden h -> "";
        };
    }

    /** The device refused a value: said above the review, and marked on the field it names. */
    private void showRefusal(SettingRefusedException r) {
        reviewed.set(false);
        SettingItem item = items.get(r.field());
        String label = item == null ? Printable.cut(r.field(), 64) : item.spec.shownLabel();
        String message = Printable.cut(r.deviceMessage(), 300);
        refusal.setText(context.text("configure.refused", label, message));
        show(refusal, true);
        status.setText(context.text("configure.refusedHint"));
        if (item != null) {
            refused.put(r.field(), new String[] {item.typed(), context.text("configure.refusedField", message)});
            Control c = editors.get(r.field());
            if (c != null) {
                validation.revalidate(c);
                c.requestFocus();
            }
        }
    }

    private void failed(Throwable e) {
        busy.set(false);
        if (e instanceof NoSettings) {
            status.setText(context.text("configure.connect.noSettings"));
        } else {
            // plain words here; the exception's own sentence (addresses, the command line's advice) to the log
            io.fieldflash.ui.common.Problems.Problem p = io.fieldflash.ui.common.Problems.of(context, e);
            status.setText(context.text("configure.failed", p.title() + ".", p.action()));
            if (e instanceof FieldFlashException f) LOG.info("Changing the device's settings failed [{}]: {}", f.code(), f.getMessage());
            else LOG.warn("Changing the device's settings failed", e);
        }
    }

    private void cancelled() {
        busy.set(false);
        status.setText(context.text("configure.cancelled"));
    }

    private static void show(Node n, boolean on) {
        n.setVisible(on);
        n.setManaged(on);
    }

    // ---- the connect stage: reaching a device without a bundle -------------------------------------------------

    /** The device's Wi-Fi, the device (its address behind Details), its access token, Connect. */
    private void buildConnectStage() {
        formShown.set(false);
        show(formPane, false);
        subtitle.setText(context.text("configure.connect.subtitle"));
        connectPane.setId("configure-connect");

        Label wifiTitle = new Label(context.text("configure.connect.wifiTitle"));
        wifiTitle.getStyleClass().add("section-title");
        Label wifiText = new Label(context.text("configure.connect.wifiText"));
        wifiText.setWrapText(true);
        wifiPassword.setId("configure-wifi-password");
        wifiPassword.setPromptText(context.text("configure.connect.wifiPassword"));
        HBox.setHgrow(wifiPassword, Priority.ALWAYS);
        Button join = new Button(context.text("configure.connect.join"));
        join.setId("configure-join");
        join.setOnAction(e -> joinDeviceWifi());
        join.disableProperty().bind(busy);
        HBox joinRow = new HBox(10, wifiPassword, join);
        joinRow.setAlignment(Pos.CENTER_LEFT);
        wifiStatus.setId("configure-wifi-status");
        wifiStatus.setWrapText(true);

        Label deviceTitle = new Label(context.text("configure.connect.deviceTitle"));
        deviceTitle.getStyleClass().add("section-title");
        addressWords.setId("configure-device-words");
        addressWords.setWrapText(true);
        address.setId("configure-address");
        address.textProperty().addListener((o, a, b) -> describeAddress());
        describeAddress();
        Label tokenLabel = new Label(context.text("configure.connect.token"));
        tokenLabel.setLabelFor(token);
        token.setId("configure-token");
        token.setPromptText(context.text("configure.connect.tokenPrompt"));
        token.setPrefColumnCount(24);
        Button connect = new Button(context.text("configure.connect.connect"));
        connect.setId("configure-connect-button");
        connect.getStyleClass().add("primary");
        connect.setOnAction(e -> connect());
        connect.disableProperty().bind(busy);
        // Enter in either field connects (consumed, so that no default button fires as well)
        token.setOnAction(e -> {
            e.consume();
            if (!busy.get()) connect();
        });
        address.setOnAction(token.getOnAction());
        token.disableProperty().bind(busy);
        HBox tokenRow = new HBox(10, tokenLabel, token, connect);
        tokenRow.setAlignment(Pos.CENTER_LEFT);

        connectProblem.setId("configure-connect-problem");
        connectProblem.setWrapText(true);
        connectProblem.getStyleClass().add("problem-message");
        show(connectProblem, false);

        Label addressLabel = new Label(context.text("configure.connect.address"));
        addressLabel.setLabelFor(address);
        connectDetails.setId("configure-connect-details");
        connectDetails.setWrapText(true);
        GridPane technical = new GridPane();
        technical.setHgap(10);
        technical.setVgap(6);
        technical.addRow(0, addressLabel, address);
        technical.add(connectDetails, 0, 1, 2, 1);
        GridPane.setHgrow(address, Priority.ALWAYS);
        connectMore.setText(context.text("configure.details"));
        connectMore.setContent(technical);
        connectMore.setExpanded(false);
        connectMore.setId("configure-connect-more");

        connectPane.getChildren().setAll(wifiTitle, wifiText, joinRow, wifiStatus, deviceTitle, addressWords, tokenRow,
                connectProblem, connectMore);
    }

    /** The device in words: the usual address is "the device"; another one is only named behind Details. */
    private void describeAddress() {
        boolean usual = address.getText().strip().equals(ConnectStepController.DEFAULT_ADDRESS)
                || address.getText().strip().equals(ConnectStepController.DEFAULT_ADDRESS.substring("http://".length()));
        addressWords.setText(context.text(usual ? "configure.connect.usualDevice" : "configure.connect.otherDevice"));
    }

    /** Focus in the first field still empty (the address is behind Details, so opened there when it is empty). */
    private void focusFirstEmpty() {
        if (address.getText().isBlank()) {
            connectMore.setExpanded(true);
            address.requestFocus();
        } else {
            token.requestFocus();
        }
    }

    /** Makes the device from what was typed and reads it as for a device found on the Connect page. */
    void connect() {
        URI uri;
        try {
            uri = HttpDevice.parseAddress(address.getText());
        } catch (IllegalArgumentException e) {
            connectProblem(context.text("configure.connect.badAddress"), Printable.of(e.getMessage()));
            connectMore.setExpanded(true);
            address.requestFocus();
            return;
        }
        String accessToken = token.getText().strip();
        if (accessToken.isEmpty()) {
            connectProblem(context.text("configure.connect.noToken"), "");
            token.requestFocus();
            return;
        }
        show(connectProblem, false);
        connectDetails.setText("");
        HttpDevice d = new HttpDevice(uri, accessToken, HttpSettings.DEFAULT);
        WifiConnection via = deviceWifi.joined();
        if (via != null) d = d.bindTo(via.localAddress());
        if (session != null) session.close();      // a session holds the token typed before
        session = null;
        device = d;
        status.setText(context.text("configure.connect.connecting"));
        load();
    }

    /** The device answered with its settings: the connect stage gives way to the form. */
    private void connected() {
        show(connectPane, false);
        show(formPane, true);
        formShown.set(true);
        LOG.info("Reached {} for its settings, without a bundle", device.address());
    }

    /** Reaching the device failed: said in plain words, the device's own sentence behind Details; nothing changed. */
    private void connectFailed(Throwable e) {
        busy.set(false);
        status.setText("");
        if (session != null) session.close();
        session = null;
        String technical = e instanceof FieldFlashException f ? Printable.of(f.getMessage()) + " " + Printable.of(f.hint())
                : e instanceof NoSettings ? "" : String.valueOf(e);
        LOG.info("Could not reach the device for its settings: {}", e instanceof NoSettings ? "it offers no settings" : technical);
        String key;
        if (e instanceof NoSettings) {
            key = "configure.connect.noSettings";
        } else if (e instanceof DeviceException x) {
            key = switch (x.reason()) {
                case AUTH_FAILED -> "configure.connect.badToken";
                case LOCKED_OUT -> "configure.connect.lockedOut";
                case UNREACHABLE -> "configure.connect.unreachable";
                case PROTOCOL_ERROR -> "configure.connect.notFieldFlash";
                default -> "configure.connect.failed";
            };
        } else {
            key = "configure.connect.failed";
        }
        connectProblem(context.text(key), technical.strip());
        if (key.equals("configure.connect.badToken")) {
            token.requestFocus();
            token.selectAll();
        }
    }

    private void connectProblem(String words, String technical) {
        connectProblem.setText(words);
        show(connectProblem, true);
        connectDetails.setText(technical);
    }

    /** Joins the device's Wi-Fi: the strongest network named like a device, with the password typed (none for most). */
    private void joinDeviceWifi() {
        char[] pw = wifiPassword.getText().toCharArray();
        busy.set(true);
        wifiStatus.setText(context.text("configure.connect.joining"));
        running = Tasks.run(context.background(), deviceWifi.task(name -> false, pw, JOIN_DEADLINE), c -> {
            busy.set(false);
            wifiPassword.clear();
            wifiStatus.setText(context.text("configure.connect.joined", Printable.of(c.ssid())));
            focusFirstEmpty();
        }, e -> {
            busy.set(false);
            wifiStatus.setText(DeviceWifiJoin.problem(e, context, "configure.connect.noWifi", "configure.connect.noDeviceWifi", f -> {
                // the adapter's own words name its tools: behind Details
                connectDetails.setText(Printable.of(f.getMessage()) + " " + Printable.of(f.hint()));
                return context.text("configure.connect.joinFailed");
            }));
        }, () -> {
            busy.set(false);
            wifiStatus.setText(context.text("configure.cancelled"));
        });
    }

    /** The device answered, but its {@code /info} says it serves no settings. */
    private static final class NoSettings extends Exception {
        NoSettings() {
            super(null, null, false, false);
        }
    }

    /** The device accepted the change, but the audit log could not be written. */
    private static final class AuditNotWritten extends Exception {
        final DeviceSettings after;

        AuditNotWritten(DeviceSettings after, java.io.IOException cause) {
            super(cause.getMessage(), cause);
            this.after = after;
        }
    }
}
