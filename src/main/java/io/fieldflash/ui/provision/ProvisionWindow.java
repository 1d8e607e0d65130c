package io.fieldflash.ui.provision;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.provision.DeviceKey;
import io.fieldflash.provision.ParticleReply;
import io.fieldflash.provision.ParticleSoftAp;
import io.fieldflash.provision.ProvisionException;
import io.fieldflash.provision.Provisioning;
import io.fieldflash.provision.Security;
import io.fieldflash.provision.SoftApAddress;
import io.fieldflash.provision.SoftApTransport;
import io.fieldflash.provision.WifiCredentials;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.common.Cards;
import io.fieldflash.ui.common.DeviceWifiJoin;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.wifi.WifiAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Set up a device's Wi-Fi": gives a new Particle device (Photon, P1) in listening mode the site's network, without
 * a bundle. The technician joins the device's set-up Wi-Fi (or FieldFlash does), FieldFlash reads the device and its
 * own scan of the site's networks, the technician picks one and types its password, and {@link Provisioning} does
 * the rest in its order ({@code connect-ap} only after everything else was accepted). Built in code, like the
 * settings window; every exchange runs in the background with a deadline and can be cancelled.
 */
public final class ProvisionWindow {
    private static final Logger LOG = LoggerFactory.getLogger(ProvisionWindow.class);
    /** Where a Photon answers on its own access point. */
    static final String DEFAULT_HOST = "192.168.0.1";
    private static final Duration JOIN_DEADLINE = Duration.ofSeconds(45);

    /** What "Find networks" read from the device. */
    record Found(ParticleReply.DeviceIdentity id, int keyBits, List<ParticleReply.Network> networks) {}

    private final AppContext context;
    private final Stage stage = new Stage();
    private final SimpleBooleanProperty busy = new SimpleBooleanProperty(false);
    private Task<?> running;
    private final DeviceWifiJoin deviceWifi;

    final Label deviceLabel = new Label();
    final Button joinButton = new Button();
    final Button findButton = new Button();
    final ComboBox<SoftApAddress.Transport> transport = new ComboBox<>();
    final TextField host = new TextField(DEFAULT_HOST);
    final TextField port = new TextField(Integer.toString(SoftApAddress.TCP_PORT));
    final TitledPane addressDetails = new TitledPane();
    final Label status = new Label();
    final ListView<ParticleReply.Network> networks = new ListView<>();
    final PasswordField password = new PasswordField();
    final TextField passwordShown = new TextField();
    final CheckBox showPassword = new CheckBox();
    final TitledPane more = new TitledPane();
    final TextField claimCode = new TextField();
    final Button setUpButton = new Button();
    final Button cancelButton = new Button();
    final Button closeButton = new Button();
    final ProgressIndicator progress = new ProgressIndicator();
    final VBox resultCard = new VBox(8);
    private final Label resultIcon = new Label(), resultTitle = new Label(), resultText = new Label(), resultHint = new Label();
    final TextArea technical = new TextArea();
    final TitledPane resultDetails = new TitledPane();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ScrollPane scroll;

    /**
     * @param wifiAdapters makes the laptop's Wi-Fi adapter the first time "Join" is pressed (the one the Connect page
     *                     uses, with the vendor's network patterns)
     */
    public ProvisionWindow(AppContext context, Window owner, List<String> stylesheets, Callable<WifiAdapter> wifiAdapters) {
        this.context = context;
        this.deviceWifi = new DeviceWifiJoin(wifiAdapters);
        scroll = new ScrollPane(content());
        scroll.setFitToWidth(true);
        BorderPane root = new BorderPane(scroll, null, null, buttonBar(), null);
        root.getStyleClass().add("provision-window");
        Parent ownerRoot = owner == null || owner.getScene() == null ? null : owner.getScene().getRoot();
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, Math.min(780, screen.getWidth()), Math.min(740, screen.getHeight()));
        scene.getStylesheets().addAll(stylesheets);
        if (ownerRoot != null) {
            root.setStyle(ownerRoot.getStyle());
            root.getStylesheets().setAll(ownerRoot.getStylesheets());
        }
        stage.setScene(scene);
        stage.setTitle(context.text("provision.title"));
        if (owner != null) {
            stage.initOwner(owner);
            stage.initModality(Modality.WINDOW_MODAL);
        }
        stage.setOnHidden(e -> {
            if (running != null) running.cancel(true);
            deviceWifi.leaveQuietly(context.background());
        });
    }

    private VBox content() {
        Label title = new Label(context.text("provision.title"));
        title.getStyleClass().add("step-title");
        Label intro = wrapped(context.text("provision.intro"), "step-subtitle");

        // 1. the device
        deviceLabel.setId("provision-device");
        deviceLabel.setText(context.text("provision.device.default"));
        deviceLabel.setWrapText(true);
        joinButton.setId("provision-join");
        joinButton.setText(context.text("provision.join"));
        joinButton.setOnAction(e -> joinDeviceWifi());
        findButton.setId("provision-find");
        findButton.setText(context.text("provision.find"));
        findButton.getStyleClass().add("primary");
        findButton.setOnAction(e -> find());
        HBox deviceButtons = new HBox(10, joinButton, findButton);
        deviceButtons.setAlignment(Pos.CENTER_LEFT);

        transport.setId("provision-transport");
        transport.getItems().setAll(SoftApAddress.Transport.values());
        transport.setValue(SoftApAddress.Transport.TCP);
        transport.setConverter(new StringConverter<>() {
            @Override
            public String toString(SoftApAddress.Transport t) {
                return t == null ? "" : context.text("provision.transport." + t.name().toLowerCase(java.util.Locale.ROOT));
            }

            @Override
            public SoftApAddress.Transport fromString(String s) {
                return null;
            }
        });
        transport.valueProperty().addListener((o, was, now) -> {
            // follow the transport's usual port unless one was typed
            if (was != null && now != null && port.getText().strip().equals(Integer.toString(defaultPort(was)))) {
                port.setText(Integer.toString(defaultPort(now)));
            }
        });
        host.setId("provision-host");
        port.setId("provision-port");
        port.setPrefColumnCount(6);
        GridPane address = new GridPane();
        address.setHgap(10);
        address.setVgap(6);
        address.addRow(0, new Label(context.text("provision.details.transport")), transport);
        address.addRow(1, new Label(context.text("provision.details.host")), host);
        address.addRow(2, new Label(context.text("provision.details.port")), port);
        address.add(wrapped(context.text("provision.details.help"), "field-help"), 0, 3, 2, 1);
        addressDetails.setId("provision-address-details");
        addressDetails.setText(context.text("provision.details"));
        addressDetails.setContent(address);
        addressDetails.setExpanded(false);
        host.disableProperty().bind(busy);
        port.disableProperty().bind(busy);
        transport.disableProperty().bind(busy);

        status.setId("provision-status");
        status.setWrapText(true);
        status.getStyleClass().add("status");
        progress.setMaxSize(22, 22);
        progress.visibleProperty().bind(busy);
        progress.managedProperty().bind(busy);
        cancelButton.setId("provision-cancel");
        cancelButton.setText(context.text("common.cancel"));
        cancelButton.setMnemonicParsing(true);
        cancelButton.setOnAction(e -> cancel());
        cancelButton.visibleProperty().bind(busy);
        cancelButton.managedProperty().bind(busy);
        HBox statusRow = new HBox(10, progress, status, cancelButton);
        statusRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(status, Priority.ALWAYS);

        // 2. the site network, from the device's own scan
        networks.setId("provision-networks");
        networks.setPrefHeight(130);
        networks.setPlaceholder(new Label(context.text("provision.networks.none")));
        networks.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ParticleReply.Network n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : describe(n));
            }
        });
        networks.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> picked(now));
        Label networksLabel = new Label(context.text("provision.networks"));
        networksLabel.setLabelFor(networks);

        // password, with show/hide
        passwordShown.textProperty().bindBidirectional(password.textProperty());
        password.setId("provision-password");
        passwordShown.setId("provision-password-shown");
        passwordShown.visibleProperty().bind(showPassword.selectedProperty());
        password.visibleProperty().bind(showPassword.selectedProperty().not());
        showPassword.setId("provision-show-password");
        showPassword.setText(context.text("provision.password.show"));
        StackPane passwordBox = new StackPane(password, passwordShown);
        HBox.setHgrow(passwordBox, Priority.ALWAYS);
        HBox passwordRow = new HBox(10, passwordBox, showPassword);
        passwordRow.setAlignment(Pos.CENTER_LEFT);
        Label passwordLabel = new Label(context.text("provision.password"));
        passwordLabel.setLabelFor(password);

        claimCode.setId("provision-claim-code");
        VBox moreBox = new VBox(6, new Label(context.text("provision.claimCode")), claimCode,
                wrapped(context.text("provision.claimCode.help"), "field-help"));
        more.setId("provision-more");
        more.setText(context.text("provision.more"));
        more.setContent(moreBox);
        more.setExpanded(false);

        setUpButton.setId("provision-set-up");
        setUpButton.setText(context.text("provision.setUp"));
        setUpButton.getStyleClass().add("primary");
        setUpButton.setDefaultButton(true);
        setUpButton.setOnAction(e -> setUp());
        setUpButton.disableProperty().bind(busy.or(networks.getSelectionModel().selectedItemProperty().isNull()));
        networks.disableProperty().bind(busy);
        password.disableProperty().bind(busy);
        passwordShown.disableProperty().bind(busy);
        claimCode.disableProperty().bind(busy);
        joinButton.disableProperty().bind(busy);
        findButton.disableProperty().bind(busy);

        // the result
        resultCard.setId("provision-result");
        resultCard.getStyleClass().add("card");
        resultIcon.getStyleClass().add("verdict-icon");
        resultTitle.getStyleClass().add("verdict-title");
        resultTitle.setId("provision-result-title");
        resultTitle.setWrapText(true);
        resultText.setId("provision-result-text");
        resultText.setWrapText(true);
        resultHint.setId("provision-result-hint");
        resultHint.setWrapText(true);
        resultHint.getStyleClass().add("hint");
        technical.setId("provision-technical");
        technical.setEditable(false);
        technical.setWrapText(true);
        technical.setPrefRowCount(6);
        technical.getStyleClass().add("mono");
        resultDetails.setText(context.text("provision.details"));
        resultDetails.setContent(technical);
        resultDetails.setExpanded(false);
        HBox head = new HBox(10, resultIcon, resultTitle);
        head.setAlignment(Pos.CENTER_LEFT);
        resultCard.getChildren().setAll(head, resultText, resultHint, resultDetails);
        Cards.hide(resultCard);

        VBox box = new VBox(10, title, intro,
                section("provision.step.device"), deviceLabel, deviceButtons, addressDetails, statusRow,
                section("provision.step.network"), networksLabel, networks, passwordLabel, passwordRow, more,
                resultCard);
        box.setPadding(new Insets(16));
        box.getStyleClass().add("step");
        return box;
    }

    private HBox buttonBar() {
        closeButton.setId("provision-close");
        closeButton.setText(context.text("common.close"));
        closeButton.setCancelButton(true);
        closeButton.setOnAction(e -> stage.hide());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(10, grow, setUpButton, closeButton);
        bar.setAlignment(Pos.CENTER_RIGHT);
        bar.setPadding(new Insets(8, 12, 10, 12));
        bar.getStyleClass().add("nav-bar");
        return bar;
    }

    private Label section(String key) {
        Label l = new Label(context.text(key));
        l.getStyleClass().add("section-title");
        return l;
    }

    private static Label wrapped(String text, String styleClass) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add(styleClass);
        return l;
    }

    private static int defaultPort(SoftApAddress.Transport t) {
        return t == SoftApAddress.Transport.TCP ? SoftApAddress.TCP_PORT : SoftApAddress.HTTP_PORT;
    }

    public void show() {
        stage.show();
        stage.toFront();
        findButton.requestFocus();
    }

    Stage stage() {
        return stage;
    }

    public void close() {
        stage.hide();
    }

    /** Reads the device at {@code address} (the Details fields set to it), as "Find networks" does. */
    public void findAt(SoftApAddress address) {
        transport.setValue(address.transport());
        host.setText(address.host());
        port.setText(Integer.toString(address.port()));
        find();
    }

    /** True once the device's networks are listed and nothing runs (for the documentation tour). */
    public boolean listedForTour() {
        return !busy.get() && !networks.getItems().isEmpty();
    }

    /** Picks {@code ssid} and types {@code password}, as the technician would (for the documentation tour). */
    public void pickForTour(String ssid, String password) {
        networks.getItems().stream().filter(n -> n.ssid().equals(ssid)).findFirst().ifPresent(n -> networks.getSelectionModel().select(n));
        this.password.setText(password);
    }

    // ---- the device ----

    /** Joins the device's set-up Wi-Fi (the strongest network named like a device) with the laptop's Wi-Fi adapter. */
    void joinDeviceWifi() {
        Cards.hide(resultCard);
        busy.set(true);
        status.setText(context.text("provision.joining"));
        running = Tasks.run(context.background(), deviceWifi.task(ProvisionWindow::particleName, new char[0], JOIN_DEADLINE), c -> {
            busy.set(false);
            deviceLabel.setText(context.text("provision.device.joined", Printable.of(c.ssid())));
            find();
        }, e -> {
            busy.set(false);
            // plain words here; the tool's own sentence (it may name nmcli or an address) goes to the log
            status.setText(DeviceWifiJoin.problem(e, context, "provision.join.unsupported", "provision.join.none", f -> {
                LOG.info("Joining the device's Wi-Fi failed [{}]: {}", f.code(), f.getMessage());
                io.fieldflash.ui.common.Problems.Problem p = io.fieldflash.ui.common.Problems.of(context, f);
                return p.title() + ". " + p.action();
            }));
        }, this::cancelled);
    }

    /** Particle names its set-up networks Photon-, P1- or P2-: such a network is the device's before any other. */
    private static boolean particleName(String ssid) {
        return PARTICLE_NAME.matcher(ssid).lookingAt();
    }

    private static final java.util.regex.Pattern PARTICLE_NAME = java.util.regex.Pattern.compile("(Photon|P1|P2)-");

    /** The address from the Details fields; empty (and said why) when it is not one. */
    private Optional<SoftApAddress> address() {
        try {
            return Optional.of(new SoftApAddress(transport.getValue(), host.getText().strip(), Integer.parseInt(port.getText().strip())));
        } catch (IllegalArgumentException e) {
            addressDetails.setExpanded(true);
            status.setText(context.text("provision.details.invalid"));
            return Optional.empty();
        }
    }

    /** Reads the device's id and key and its own scan of the networks around it. */
    void find() {
        Optional<SoftApAddress> at = address();
        if (at.isEmpty()) return;
        Cards.hide(resultCard);
        busy.set(true);
        status.setText(context.text("provision.finding"));
        ParticleSoftAp device = new ParticleSoftAp(SoftApTransport.of(at.get()));
        Task<Found> t = new Task<>() {
            @Override
            protected Found call() throws Exception {
                ParticleReply.DeviceIdentity id = device.deviceId();
                DeviceKey key = device.publicKey();
                updateMessage(context.text("provision.scanning"));
                return new Found(id, key.bits(), bestPerName(device.scan()));
            }
        };
        t.messageProperty().addListener((o, was, now) -> {
            if (now != null && !now.isEmpty()) status.setText(now);
        });
        running = Tasks.run(context.background(), t, f -> {
            finished();
            networks.getItems().setAll(f.networks());
            status.setText(context.text("provision.found", f.networks().size()));
            log.add("device " + at.get() + ": id " + f.id().id() + (f.id().claimed() ? " (claimed)" : " (not claimed)") + ", RSA-" + f.keyBits());
            technical.setText(String.join("\n", log));
            if (!f.networks().isEmpty()) {
                networks.getSelectionModel().selectFirst();
                networks.requestFocus();
            }
        }, e -> {
            finished();
            networks.getItems().clear();
            showFailure(e);
            status.setText(context.text("provision.findFailed"));
        }, this::cancelled);
    }

    /** One entry per name (the strongest), strongest first; hidden networks (no name) are left out. */
    static List<ParticleReply.Network> bestPerName(List<ParticleReply.Network> scan) {
        Map<String, ParticleReply.Network> best = new LinkedHashMap<>();
        for (ParticleReply.Network n : scan) {
            if (n.ssid().isEmpty()) continue;
            best.merge(n.ssid(), n, (a, b) -> a.rssi() >= b.rssi() ? a : b);
        }
        List<ParticleReply.Network> out = new ArrayList<>(best.values());
        out.sort(Comparator.comparingInt(ParticleReply.Network::rssi).reversed());
        return List.copyOf(out);
    }

    /** A network as the list shows it: name, signal in words, security in words. */
    String describe(ParticleReply.Network n) {
        return context.text("provision.network", Printable.of(n.ssid()), signalWords(n.rssi()), securityWords(n));
    }

    String signalWords(int rssi) {
        String level = rssi >= -55 ? "strong" : rssi >= -67 ? "good" : rssi >= -75 ? "fair" : "weak";
        return context.text("provision.signal." + level);
    }

    String securityWords(ParticleReply.Network n) {
        return context.text("provision.security." + n.security().map(ProvisionWindow::securityFamily).orElse("unknown"));
    }

    private static String securityFamily(Security s) {
        return switch (s) {
            case OPEN -> "open";
            case WEP, WEP_SHARED -> "wep";
            case WPA_TKIP, WPA_AES -> "wpa";
            case WPA2_AES, WPA2_TKIP, WPA2_MIXED -> "wpa2";
        };
    }

    private void picked(ParticleReply.Network n) {
        boolean open = n != null && n.security().orElse(null) == Security.OPEN;
        if (open) password.clear();
        password.setPromptText(open ? context.text("provision.password.none") : "");
        passwordShown.setPromptText(password.getPromptText());
        password.setEditable(!open);
        passwordShown.setEditable(!open);
    }

    // ---- set up ----

    /** Checks what was typed, warns about a name a Photon cannot match, then runs the set-up in the background. */
    void setUp() {
        ParticleReply.Network n = networks.getSelectionModel().getSelectedItem();
        if (n == null || busy.get()) return;
        Optional<SoftApAddress> at = address();
        if (at.isEmpty()) return;
        Optional<Security> security = n.security();
        if (security.isEmpty()) {
            showProblem(context.text("provision.check.security"));
            return;
        }
        String claim = claimCode.getText().strip();
        if (claim.getBytes(StandardCharsets.UTF_8).length > 63) {
            more.setExpanded(true);
            showProblem(context.text("provision.check.claimCode"));
            return;
        }
        WifiCredentials wifi;
        try {
            wifi = new WifiCredentials(n.ssid(), password.getText(), security.get(), 0);
        } catch (IllegalArgumentException e) {
            showProblem(context.text(security.get() == Security.OPEN ? "provision.check.open"
                    : security.get().wep() ? "provision.check.wep" : "provision.check.wpa"));
            password.requestFocus();
            return;
        }
        if (!wifi.warnings().isEmpty()) {
            Alert a = new Alert(Alert.AlertType.WARNING, context.text("provision.warnName.text", Printable.of(n.ssid())),
                    new ButtonType(context.text("provision.warnName.go"), ButtonBar.ButtonData.OK_DONE), ButtonType.CANCEL);
            a.initOwner(stage);
            a.setHeaderText(context.text("provision.warnName.header"));
            a.getDialogPane().setId("provision-warn-name");
            Optional<ButtonType> answer = a.showAndWait();
            if (answer.isEmpty() || answer.get().getButtonData() != ButtonBar.ButtonData.OK_DONE) return;
        }
        run(at.get(), wifi, claim);
    }

    private void run(SoftApAddress at, WifiCredentials wifi, String claim) {
        Cards.hide(resultCard);
        busy.set(true);
        status.setText(context.text("provision.settingUp", Printable.of(wifi.ssid())));
        log.add("set-up of \"" + Printable.of(wifi.ssid()) + "\" (" + wifi.security().cliName() + ") via " + at);
        Task<Provisioning.Result> t = new Task<>() {
            @Override
            protected Provisioning.Result call() throws Exception {
                return Provisioning.run(new ParticleSoftAp(SoftApTransport.of(at)), wifi, claim, event -> {
                    switch (event) {
                        case Provisioning.Event.Step s -> log.add(s.text());
                        case Provisioning.Event.Warning w -> log.add("Warning: " + w.text());
                    }
                });
            }
        };
        running = Tasks.run(context.background(), t, r -> {
            finished();
            status.setText("");
            password.clear();
            technical.setText(String.join("\n", log));
            showResult(true, context.text("provision.done.title"), context.text("provision.done.text", Printable.of(wifi.ssid())),
                    context.text("provision.done.hint"));
            LOG.info("Wi-Fi set-up of device {}: it accepted \"{}\" and is joining it", r.deviceId(), Printable.of(wifi.ssid()));
        }, e -> {
            finished();
            status.setText("");
            showFailure(e);
        }, this::cancelled);
    }

    /** A failure in plain words with what to do; the technical sentence behind Details. */
    private void showFailure(Throwable e) {
        String title, text, hint;
        if (e instanceof ProvisionException p && p.deviceCode() != 0) {
            ProvisionException.Plain plain = ProvisionException.plain(p.reason(), context.messages().getLocale(), stepWords(p.command()));
            title = context.text("provision.failed.title");
            text = plain.message();
            hint = plain.hint();
        } else if (e instanceof ProvisionException p && p.reason() == ProvisionException.Reason.CONNECT_UNCONFIRMED) {
            title = context.text("provision.unconfirmed.title");
            text = context.text("provision.unconfirmed.text");
            hint = context.text("provision.done.hint");
        } else if (e instanceof ProvisionException p) {
            title = context.text("provision.failed.title");
            text = context.text("provision.error." + p.reason().name());
            hint = context.text("provision.error." + p.reason().name() + ".hint");
        } else {
            title = context.text("provision.failed.title");
            text = context.text("error.internal", String.valueOf(e));
            hint = "";
        }
        if (e instanceof FieldFlashException f) {
            log.add("Error [" + f.code() + "]: " + f.getMessage() + " " + f.hint());
        }
        technical.setText(String.join("\n", log));
        boolean unconfirmed = e instanceof ProvisionException p && p.reason() == ProvisionException.Reason.CONNECT_UNCONFIRMED;
        showResult(unconfirmed, title, text, hint);
        if (!(e instanceof FieldFlashException)) LOG.warn("Wi-Fi set-up failed", e);
    }

    /** Brings the result card into view (the window scrolls when the text is large). */
    private void showResult(boolean ok, String title, String text, String hint) {
        Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, ok, title, text, hint);
        javafx.application.Platform.runLater(() -> {
            scroll.applyCss();
            scroll.layout();   // the card's height counts only once it is laid out
            io.fieldflash.ui.common.Reveal.inView(scroll, List.of(resultCard));
        });
    }

    private String stepWords(String command) {
        String key = "provision.command." + command;
        return context.messages().containsKey(key) ? context.text(key) : Printable.of(command);
    }

    private void showProblem(String text) {
        showResult(false, context.text("provision.check.title"), text, "");
    }

    private void cancel() {
        if (running != null) running.cancel(true);
    }

    private void cancelled() {
        finished();
        status.setText(context.text("provision.cancelled"));
    }

    private void finished() {
        busy.set(false);
        running = null;
    }

    /** True while something runs in the background (for tests). */
    boolean busy() {
        return busy.get();
    }

    /** The texts of the result card: title, text, hint (for tests). */
    List<String> result() {
        return resultCard.isVisible() ? List.of(resultTitle.getText(), resultText.getText(), resultHint.getText()) : List.of();
    }
}
