package io.fieldflash.ui.connect;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.Protocols;
import io.fieldflash.device.esprom.ChipInfo;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomException;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.EspRomSession;
import io.fieldflash.device.esprom.ManualBoot;
import io.fieldflash.device.esprom.SerialPlan;
import io.fieldflash.device.serial.SerialPortInfo;
import io.fieldflash.device.serial.SerialPorts;
import io.fieldflash.device.serial.UsbBridge;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.StepController;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.ui.common.Cards;
import io.fieldflash.ui.common.Details;
import io.fieldflash.ui.common.DeviceWifiJoin;
import io.fieldflash.ui.common.Problems;
import io.fieldflash.ui.common.Tasks;
import io.fieldflash.ui.demo.DemoSession;
import io.fieldflash.wifi.WifiAdapter;
import io.fieldflash.wifi.WifiConnection;
import io.fieldflash.wifi.WifiNetwork;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.concurrent.Task;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2: reach the device. Over Wi-Fi: join its access point (from the OS's scan), then connect to its address
 * with its token; the device is identified and the token checked before going on. Over USB: the serial ports.
 */
public final class ConnectStepController implements StepController {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectStepController.class);
    /** The address ESP32/ESP8266 access points give themselves. */
    public static final String DEFAULT_ADDRESS = "http://192.168.4.1";

    private final AppContext context;
    private final WizardModel model;
    private final BooleanProperty busyFlag = new SimpleBooleanProperty(false);
    private WifiAdapter wifi;
    private WifiConnection joined;
    private Task<?> running;
    private Task<?> finding;
    private SerialPlan plan;                 // the bundle's flash layout and chip; null when it cannot go over a cable
    private EspRomOptions usbOptions = EspRomOptions.defaults();

    @FXML Label subtitle;
    @FXML ToggleButton wifiToggle;
    @FXML ToggleButton usbToggle;
    @FXML VBox wifiPane;
    @FXML VBox joinCard;
    @FXML Label wifiStatus;
    @FXML ListView<WifiNetwork> networks;
    @FXML Button scanButton;
    @FXML PasswordField wifiPassword;
    @FXML Button joinButton;
    @FXML TextField address;
    @FXML PasswordField token;
    @FXML Label tokenLabel;
    @FXML TextField user;
    @FXML Label userLabel;
    @FXML PasswordField pagePassword;
    @FXML Label pagePasswordLabel;
    @FXML Button connectButton;
    @FXML ProgressIndicator busy;
    @FXML Label connectStatus;
    @FXML VBox usbPane;
    @FXML Label usbNotForCable;
    @FXML VBox usbBody;
    @FXML ListView<SerialPortInfo> ports;
    @FXML Button refreshButton;
    @FXML TextField portPath;
    @FXML Button findButton;
    @FXML Button findCancelButton;
    @FXML ProgressIndicator usbBusy;
    @FXML Label usbStatus;
    @FXML Label bootPrompt;
    @FXML javafx.scene.control.TitledPane portDetails;
    @FXML Label portDetailsText;
    @FXML VBox resultCard;
    @FXML Label resultIcon;
    @FXML Label resultTitle;
    @FXML Label resultText;
    @FXML Label resultHint;
    @FXML GridPane deviceDetails;
    @FXML Button configureButton;

    public ConnectStepController(AppContext context, WizardModel model) {
        this.context = context;
        this.model = model;
    }

    @FXML
    void initialize() {
        address.setText(DEFAULT_ADDRESS);
        wifiToggle.selectedProperty().addListener((o, was, now) -> showPane());
        usbToggle.selectedProperty().addListener((o, was, now) -> showPane());
        model.usbChosenProperty().addListener((o, was, now) -> {
            if (now != usbToggle.isSelected()) (now ? usbToggle : wifiToggle).setSelected(true);
        });
        initUsb();
        // a toggle group lets both be unselected; keep one selected
        wifiToggle.setOnAction(e -> wifiToggle.setSelected(true));
        usbToggle.setOnAction(e -> usbToggle.setSelected(true));
        busy.visibleProperty().bind(busyFlag);
        connectButton.disableProperty().bind(busyFlag);
        joinButton.disableProperty().bind(busyFlag.or(networks.getSelectionModel().selectedItemProperty().isNull()));
        scanButton.disableProperty().bind(busyFlag);
        networks.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(WifiNetwork n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : context.text("connect.network", Printable.of(n.ssid()), n.signal(),
                        n.open() ? context.text("connect.open") : Printable.of(n.security()),
                        n.looksLikeDevice() ? context.text("connect.looksLikeDevice") : "",
                        n.inUse() ? context.text("connect.inUse") : ""));
            }
        });
        // editing what identifies the device forgets the device found before
        address.textProperty().addListener((o, a, b) -> forgetDevice());
        token.textProperty().addListener((o, a, b) -> forgetDevice());
        user.textProperty().addListener((o, a, b) -> forgetDevice());
        pagePassword.textProperty().addListener((o, a, b) -> forgetDevice());
    }

    @Override
    public ObservableBooleanValue canProceed() {
        return Bindings.createBooleanBinding(() -> model.connection().isPresent() && !busyFlag.get(),
                model.connectionProperty(), busyFlag);
    }

    @Override
    public void entered() {
        enteredUsb();
        Optional<DemoSession> demo = model.demo();
        joinCard.setVisible(demo.isEmpty());
        joinCard.setManaged(demo.isEmpty());
        if (demo.isPresent()) {
            subtitle.setText(context.text("connect.demoSubtitle"));
            if (model.connection().isEmpty()) {
                address.setText(demo.get().address());
                token.setText(DemoSession.TOKEN);
            }
        } else {
            subtitle.setText(context.text("connect.subtitle"));
            String resume = model.resumeAddressProperty().get();
            if (!resume.isEmpty() && model.connection().isEmpty()) address.setText(resume);
            if (wifi == null) loadWifi();
        }
        if (usbToggle.isSelected()) {
            subtitle.setText(context.text("usb.subtitle"));
            javafx.application.Platform.runLater(() -> (model.connection().isPresent() ? findButton : portPath).requestFocus());
            return;
        }
        javafx.application.Platform.runLater(() -> (model.connection().isPresent() ? connectButton : address).requestFocus());
    }

    private void showPane() {
        boolean usb = usbToggle.isSelected();
        model.usbChosenProperty().set(usb);
        subtitle.setText(context.text(usb ? "usb.subtitle" : model.demo().isPresent() ? "connect.demoSubtitle" : "connect.subtitle"));
        if (model.connection().isPresent() && !model.updating()
                && (model.connection().get().device() instanceof EspRomDevice) != usb) {
            model.connectionProperty().set(null);      // the unit found on the other path is not the one chosen now
            Cards.hide(resultCard);
        }
        wifiPane.setVisible(!usb);
        wifiPane.setManaged(!usb);
        usbPane.setVisible(usb);
        usbPane.setManaged(usb);
        if (usb) refreshPorts();
    }

    private void loadWifi() {
        wifiStatus.setText(context.text("connect.wifiChecking"));
        Task<WifiAdapter> t = new Task<>() {
            @Override
            protected WifiAdapter call() {
                return io.fieldflash.ui.common.LaptopWifi.adapter(context);
            }
        };
        Tasks.run(context.background(), t, adapter -> {
            wifi = adapter;
            if (adapter.isSupported()) {
                wifiStatus.setText(context.text("connect.wifiReady"));
                scan();
            } else {
                wifiStatus.setText(context.text("connect.wifiUnsupported"));
                Details.in(context, joinCard).clear().text(
                        adapter instanceof io.fieldflash.wifi.UnsupportedWifiAdapter u ? u.message() : adapter.description());
                networks.setDisable(true);
                wifiPassword.setDisable(true);
                scanButton.setVisible(false);
                joinButton.setVisible(false);
            }
        }, this::failedWifi, () -> {});
    }

    @FXML
    void scan() {
        if (wifi == null || !wifi.isSupported()) return;
        busyFlag.set(true);
        wifiStatus.setText(context.text("connect.scanning"));
        Task<List<WifiNetwork>> t = new Task<>() {
            @Override
            protected List<WifiNetwork> call() throws Exception {
                return wifi.scan();
            }
        };
        running = Tasks.run(context.background(), t, list -> {
            busyFlag.set(false);
            networks.getItems().setAll(list.stream().sorted(WifiNetwork.DEVICES_FIRST).toList());
            long devices = list.stream().filter(WifiNetwork::looksLikeDevice).count();
            wifiStatus.setText(context.text("connect.scanned", list.size(), devices));
            if (!list.isEmpty()) networks.getSelectionModel().selectFirst();
        }, this::failedWifi, () -> busyFlag.set(false));
    }

    @FXML
    void join() {
        WifiNetwork n = networks.getSelectionModel().getSelectedItem();
        if (n == null) return;
        char[] pw = wifiPassword.getText().toCharArray();
        busyFlag.set(true);
        wifiStatus.setText(context.text("connect.joining", Printable.of(n.ssid())));
        Task<WifiConnection> t = new Task<>() {
            @Override
            protected WifiConnection call() throws Exception {
                try {
                    return wifi.join(n.ssid(), pw, Duration.ofSeconds(45));
                } finally {
                    Arrays.fill(pw, '\0');
                }
            }
        };
        running = Tasks.run(context.background(), t, c -> {
            busyFlag.set(false);
            joined = c;
            wifiPassword.clear();
            wifiStatus.setText(context.text("connect.joined", Printable.of(c.ssid())));
            Details.in(context, joinCard).clear().text(context.text("details.joined", c.localAddress().getHostAddress()));
            connectButton.requestFocus();
        }, this::failedWifi, () -> busyFlag.set(false));
    }

    private void failedWifi(Throwable e) {
        busyFlag.set(false);
        Problems.Problem p = Problems.of(context, e);
        wifiStatus.setText(p.title() + ". " + p.action());
        Details.in(context, joinCard).clear().text(p.details());
    }

    /** Leaves the device's access point and rejoins the network the laptop was on (when FieldFlash joined it). */
    public void leaveDeviceNetwork() {
        WifiConnection c = joined;
        joined = null;
        if (c == null || wifi == null) return;
        DeviceWifiJoin.leave(wifi, c);
    }

    /** What Connect found: the protocol, the device made for it, and what the device said about itself. */
    private record Reached(Protocols.Detection detection, Device device, DeviceInfo info) {}

    /** The protocol was found, but the device could not be made or opened with what was given. */
    private static final class NotReached extends Exception {
        final Protocols.Detection detection;
        final FieldFlashException cause;
        final boolean needsToken;

        NotReached(Protocols.Detection detection, FieldFlashException cause, boolean needsToken) {
            super(cause == null ? "needs a token" : cause.getMessage(), cause);
            this.detection = detection;
            this.cause = cause;
            this.needsToken = needsToken;
        }
    }

    /**
     * Finds out which update protocol the device speaks ({@link Protocols#detect}: read-only requests, each with the
     * settings' deadline), makes its device through the registry with what the person typed, and identifies it.
     */
    @FXML
    void connect() {
        URI uri;
        try {
            uri = HttpDevice.parseAddress(address.getText());
        } catch (IllegalArgumentException e) {
            showError(context.text("connect.badAddress"), "", context.text("connect.badAddressHint"));
            Details.in(context, resultCard).text(e.getMessage());
            return;
        }
        Protocols.Credentials credentials = new Protocols.Credentials(token.getText().strip(), user.getText().strip(),
                pagePassword.getText());
        WifiConnection via = joined;
        busyFlag.set(true);
        connectStatus.setText(context.text("connect.detecting", Printable.of(uri.getScheme() + "://" + uri.getRawAuthority())));
        Cards.hide(resultCard);
        Task<Reached> t = new Task<>() {
            @Override
            protected Reached call() throws Exception {
                Protocols.Detection d = Protocols.detect(uri, credentials, HttpSettings.DEFAULT);
                Device device;
                try {
                    device = Protocols.create(d.protocol().id(), uri, credentials, HttpSettings.DEFAULT);
                } catch (IllegalArgumentException e) {
                    throw new NotReached(d, null, true);
                }
                if (via != null && device instanceof HttpDevice h) device = h.bindTo(via.localAddress());
                try (DeviceSession s = device.open()) {
                    DeviceInfo info = s.identify();
                    s.checkAccess();
                    return new Reached(d, device, info);
                } catch (FieldFlashException e) {
                    throw new NotReached(d, e, false);
                }
            }
        };
        running = Tasks.run(context.background(), t, r -> {
            busyFlag.set(false);
            connectStatus.setText("");
            askFor(r.detection().protocol().id());
            model.connectionProperty().set(new WizardModel.Connection(r.device(), r.info()));
            DeviceInfo info = r.info();
            showConfigure(io.fieldflash.device.http.SettingsSession.offers(r.device(), info));
            if (r.device().capabilities().identity()) {
                LOG.info("Connected to {} at {}: {} {} running {}", Printable.of(info.deviceId()), r.device().address(),
                        Printable.of(info.product()), Printable.of(info.hardware()), info.firmware());
                showDevice(info);
            } else {
                LOG.info("Connected to {} at {}", r.detection().describe(), r.device().address());
                showFinding(r.detection(), r.device());
            }
        }, e -> {
            busyFlag.set(false);
            connectStatus.setText("");
            failed(e);
            address.requestFocus();
        }, () -> busyFlag.set(false));
    }

    private void failed(Throwable e) {
        if (e instanceof NotReached n) {
            String found = protocolWords(n.detection);
            askFor(n.detection.protocol().id());
            if (n.cause != null && n.detection.protocol().id().equals("fieldflash-http")) {
                showProblem(Problems.of(context, n.cause), "");   // as before detection
            } else if (n.needsToken) {
                showError(context.text("connect.detected", found), "", context.text("connect.needsToken"));
            } else {
                showProblem(Problems.of(context, n.cause), context.text("connect.detected", found));
            }
        } else if (e instanceof DeviceException d && d.reason() == DeviceException.Reason.AUTH_FAILED) {
            // a page behind a password answered, and detection cannot see past it: ask for the password
            showUserPassword(true);
            showToken(true);   // a ViperHTTP endpoint locked by its token answers the same way
            boolean given = !user.getText().isBlank() || !pagePassword.getText().isEmpty();
            showError(context.text(given ? "connect.passwordRefused" : "connect.passwordWanted"),
                    context.text("connect.passwordWantedText"), context.text("connect.passwordWantedHint"));
            Details.in(context, resultCard).text(Problems.of(context, e).details());
            (user.getText().isEmpty() ? user : pagePassword).requestFocus();
        } else {
            showProblem(Problems.of(context, e), "");
        }
    }

    private void showProblem(Problems.Problem p, String body) {
        deviceDetails.getChildren().clear();
        Cards.problem(context, resultCard, resultIcon, resultTitle, resultText, resultHint, p, body);
    }

    /** Shows the fields the protocol needs and hides the others. */
    private void askFor(String protocol) {
        boolean pages = protocol.equals("web-updater") || protocol.equals("elegantota");
        boolean tokens = protocol.equals("fieldflash-http") || protocol.equals("viperhttp");
        showUserPassword(pages);
        showToken(tokens);
    }

    private void showToken(boolean show) {
        tokenLabel.setVisible(show);
        tokenLabel.setManaged(show);
        token.setVisible(show);
        token.setManaged(show);
    }

    private void showUserPassword(boolean show) {
        for (javafx.scene.Node n : List.of(userLabel, user, pagePasswordLabel, pagePassword)) {
            n.setVisible(show);
            n.setManaged(show);
        }
    }

    /** What was found, in the wizard's language (the registry's English words when a protocol has none yet). */
    private String protocolWords(Protocols.Detection d) {
        String key = "protocol." + d.protocol().id();
        return context.hasText(key) ? context.text(key) : Printable.of(d.describe());
    }

    /** For a device that does not identify itself: what was found, in words, and what that means. */
    private void showFinding(Protocols.Detection d, Device device) {
        Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, true,
                context.text("connect.detected", protocolWords(d)), context.text("connect.noIdentity"),
                device.capabilities().resumable() ? "" : context.text("connect.noResume"));
        deviceDetails.getChildren().clear();
    }

    private void showDevice(DeviceInfo info) {
        Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, true,
                context.text("connect.found", Printable.of(info.product())), "", "");
        deviceDetails.getChildren().clear();
        int row = 0;
        row = Cards.detail(context, deviceDetails, row, "field.product", info.product());
        row = Cards.detail(context, deviceDetails, row, "field.hardware.device", info.hardware());
        row = Cards.detail(context, deviceDetails, row, "field.current", info.firmware().version()
                + (info.firmware().trial() ? " " + context.text("connect.onTrial") : ""));
        Cards.detail(context, deviceDetails, row, "field.deviceId", info.deviceId());
    }

    /** The way to the device's own settings, for a device that serves them. */
    private void showConfigure(boolean show) {
        configureButton.setVisible(show);
        configureButton.setManaged(show);
    }

    /** Opens the settings form of the connected device in its own window. */
    @FXML
    void configure() {
        model.connection().ifPresent(c -> new io.fieldflash.ui.configure.ConfigureWindow(context, configureButton.getScene().getWindow(),
                configureButton.getScene().getStylesheets(), c.device(), model.stores()).show());
    }

    private void showError(String title, String text, String hint) {
        showConfigure(false);
        deviceDetails.getChildren().clear();
        Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, false, title, text, hint);
    }

    private void forgetDevice() {
        if (model.connection().isPresent() && !model.updating()) {
            model.connectionProperty().set(null);
            showConfigure(false);
            Cards.hide(resultCard);
        }
    }

    // ---- USB cable: the unit's ROM bootloader over a serial port ----------------------------------------------

    /** What "Find the unit" found: the port, the unit's chip and MAC, and the device the update will use. */
    private record Found(String port, ChipInfo chip, EspRomDevice device, DeviceInfo info) {}

    /** The unit answered, but it is another chip than the bundle is for; nothing was written. */
    private static final class WrongChip extends Exception {
        final ChipInfo found;

        WrongChip(ChipInfo found) {
            super("wrong chip");
            this.found = found;
        }
    }

    private final BooleanProperty findingFlag = new SimpleBooleanProperty(false);

    private void initUsb() {
        ports.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(SerialPortInfo p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : portName(p));
            }
        });
        ports.setPlaceholder(new Label(context.text("usb.noPorts")));
        ports.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> {
            if (p != null && !portPath.getText().isEmpty()) portPath.clear();
            showPortDetails();
            if (p != null) forgetUnit();      // another cable picked (a refreshed list alone forgets nothing)
        });
        portPath.textProperty().addListener((o, a, b) -> {
            if (!b.isEmpty()) ports.getSelectionModel().clearSelection();
            showPortDetails();
            forgetUnit();
        });
        usbBusy.visibleProperty().bind(findingFlag);
        findButton.disableProperty().bind(findingFlag);
        refreshButton.disableProperty().bind(findingFlag);
        findCancelButton.visibleProperty().bind(findingFlag);
        findCancelButton.managedProperty().bind(findingFlag);
        wifiToggle.disableProperty().bind(findingFlag);
        showPortDetails();
    }

    /** The bundle decides whether the cable path is open at all, and which chip it wants. */
    private void enteredUsb() {
        plan = null;
        String why = "";
        Optional<io.fieldflash.bundle.VerifiedBundle> vb = model.bundle();
        if (vb.isPresent()) {
            try {
                plan = SerialPlan.of(vb.get().manifest());
            } catch (SerialPlan.NotForSerial e) {
                why = context.text(e.reason() == SerialPlan.NotForSerial.Reason.NO_FLASH_OFFSET ? "usb.notForCable" : "usb.notForCableChip");
                LOG.info("This bundle cannot be written over a cable: {}", e.getMessage());
            }
        }
        boolean open = plan != null;
        usbNotForCable.setText(why);
        usbNotForCable.setVisible(!open);
        usbNotForCable.setManaged(!open);
        usbBody.setDisable(!open);
        if (model.usbChosenProperty().get()) {
            usbToggle.setSelected(true);
            if (model.connection().isEmpty() && !findingFlag.get()) Cards.hide(resultCard);
        }
    }

    /** A name a person recognises: "USB cable (Silicon Labs CP210x)"; the raw path only under Details. */
    private String portName(SerialPortInfo p) {
        String base = p.bridge().map(b -> context.text("usb.port.bridge", b.name()))
                .orElse(context.text(p.usb() ? "usb.port.usb" : "usb.port.other"));
        // two cables of the same kind: number them in list order
        List<SerialPortInfo> same = ports.getItems().stream().filter(q -> q.bridge().map(UsbBridge::name).equals(p.bridge().map(UsbBridge::name))
                && q.usb() == p.usb()).toList();
        return same.size() > 1 ? context.text("usb.port.nth", base, same.indexOf(p) + 1) : base;
    }

    private void showPortDetails() {
        String path = portPath.getText().strip();
        SerialPortInfo p = ports.getSelectionModel().getSelectedItem();
        if (!path.isEmpty()) {
            portDetailsText.setText(context.text("usb.detailsPort", Printable.of(path)));
        } else if (p != null) {
            portDetailsText.setText(context.text("usb.detailsPort", p.label()));
        } else {
            portDetailsText.setText(context.text("usb.detailsNone"));
        }
    }

    /** The port to open: the one typed in, else the one picked in the list. */
    private Optional<String> chosenPort() {
        String typed = portPath.getText().strip();
        if (!typed.isEmpty()) return Optional.of(typed);
        return Optional.ofNullable(ports.getSelectionModel().getSelectedItem()).map(SerialPortInfo::path);
    }

    @FXML
    void refreshPorts() {
        Task<List<SerialPortInfo>> t = new Task<>() {
            @Override
            protected List<SerialPortInfo> call() {
                return SerialPorts.list();
            }
        };
        Tasks.run(context.background(), t, list -> {
            SerialPortInfo was = ports.getSelectionModel().getSelectedItem();
            ports.getItems().setAll(list);
            ports.setPlaceholder(new Label(context.text("usb.noPorts")));
            if (was != null && list.contains(was)) ports.getSelectionModel().select(was);
            else if (list.size() == 1 && portPath.getText().isBlank()) ports.getSelectionModel().selectFirst();
        }, e -> ports.setPlaceholder(new Label(context.text("usb.noPorts"))), () -> {});
    }

    /**
     * Opens the port, brings the unit into its bootloader (reset lines where the cable has them, else the person is
     * asked to press the buttons, with the wait's deadline from {@link EspRomOptions}), and reads its chip and MAC.
     * The port stays open: the update takes the unit over as it waits.
     */
    @FXML
    void findUnit() {
        if (plan == null) return;
        Optional<String> chosen = chosenPort();
        if (chosen.isEmpty()) {
            usbStatus.setText(context.text("usb.pickFirst"));
            return;
        }
        String port = chosen.get();
        SerialPlan p = plan;
        EspRomOptions options = usbOptions;
        forgetUnit();
        Cards.hide(resultCard);
        findingFlag.set(true);
        usbStatus.setText(context.text("usb.finding"));
        ManualBoot.Prompt prompt = new ManualBoot.Prompt() {
            @Override
            public void manualBootNeeded(ManualBoot request) {
                long seconds = request.timeout().toSeconds();
                javafx.application.Platform.runLater(() -> {
                    bootPrompt.setText(context.text("usb.holdBoot", seconds));
                    bootPrompt.setVisible(true);
                    bootPrompt.setManaged(true);
                });
            }

            @Override
            public void bootloaderFound() {
                javafx.application.Platform.runLater(() -> hideBootPrompt());
            }
        };
        Task<Found> t = new Task<>() {
            @Override
            protected Found call() throws Exception {
                // found without a chip check, so that another chip can be named; the update's device checks it again
                EspRomDevice probe = new EspRomDevice(port, options, p.layout(), null, prompt);
                EspRomSession s = probe.connect();
                try {
                    ChipInfo chip = s.chipInfo();
                    if (p.chip().isPresent() && p.chip().get() != chip.chip()) throw new WrongChip(chip);
                    EspRomDevice device = p.device(port, options, prompt);
                    DeviceInfo info = s.identify();
                    if (isCancelled()) throw new InterruptedException("cancelled");
                    device.handOver(s);
                    return new Found(port, chip, device, info);
                } catch (Exception | Error e) {
                    s.close();
                    throw e;
                }
            }
        };
        finding = Tasks.run(context.background(), t, f -> {
            findingFlag.set(false);
            hideBootPrompt();
            usbStatus.setText("");
            LOG.info("Found over USB on {}: {}", Printable.of(f.port()), f.chip());
            model.connectionProperty().set(new WizardModel.Connection(f.device(), f.info()));
            showConfigure(false);
            Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, true,
                    context.text("usb.found", f.chip().chip().displayName(), f.chip().macText()),
                    context.text("usb.foundText"), context.text("usb.foundHint"));
            deviceDetails.getChildren().clear();
        }, e -> {
            findingFlag.set(false);
            hideBootPrompt();
            usbStatus.setText("");
            failedUsb(e);
        }, () -> {
            findingFlag.set(false);
            hideBootPrompt();
            usbStatus.setText(context.text("usb.cancelled"));
        });
    }

    /** Stops looking for the unit; the port is closed. */
    @FXML
    void cancelFind() {
        Task<?> t = finding;
        if (t != null) t.cancel(true);
    }

    private void hideBootPrompt() {
        bootPrompt.setVisible(false);
        bootPrompt.setManaged(false);
    }

    private void failedUsb(Throwable e) {
        deviceDetails.getChildren().clear();
        if (e instanceof WrongChip w) {
            String wanted = plan == null ? "?" : plan.chip().map(c -> c.displayName()).orElse("?");
            String found = w.found.chip().displayName();
            LOG.info("Refused the unit over USB: it is an {} ({}), the bundle is for an {}", found, w.found.macText(), wanted);
            Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, false,
                    context.text("usb.wrongChip", found, wanted), context.text("usb.wrongChipText"), context.text("usb.wrongChipHint", found));
            return;
        }
        LOG.info("Finding the unit over USB failed: {}", e.getMessage());
        portDetailsText.setText(portDetailsText.getText() + "\n" + context.text("usb.detailsError", Printable.of(String.valueOf(e.getMessage()))));
        if (e instanceof EspRomException r && r.reason() == EspRomException.Reason.NO_BOOTLOADER) {
            Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, false, context.text("usb.noBootloader"),
                    context.text("usb.noBootloaderText", usbOptions.manualBootWait().toSeconds()), context.text("usb.noBootloaderHint"));
        } else if (e instanceof EspRomException r && r.reason() == EspRomException.Reason.PORT) {
            Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, false, context.text("usb.portFailed"),
                    context.text("usb.portFailedText"), context.text("usb.portFailedHint"));
        } else {
            Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, false, context.text("usb.failed"),
                    context.text("usb.failedText"), context.text("usb.failedHint"));
        }
    }

    /** A unit found before is not the one meant any more (another port was picked). */
    private void forgetUnit() {
        if (model.connection().isPresent() && !model.updating() && model.connection().get().device() instanceof EspRomDevice) {
            model.connectionProperty().set(null);
            Cards.hide(resultCard);
        }
    }

    /** For tests: the port typed in by hand, and how long to wait for the buttons. */
    public void fillPort(String path, java.time.Duration manualBootWait) {
        usbOptions = EspRomOptions.defaults().withManualBootWait(manualBootWait);
        portPath.setText(path);
    }

    /** Opens the depot view: several units on their own USB cables at once, with the bundle chosen in step 1. */
    @FXML
    void openDepot() {
        javafx.scene.Scene scene = usbPane.getScene();
        new io.fieldflash.ui.depot.DepotWindow(context, model, scene.getWindow(), scene.getStylesheets()).show();
    }

    /** For tests: the fields a technician types into. */
    public void fill(String deviceAddress, String accessToken) {
        address.setText(deviceAddress);
        token.setText(accessToken);
    }

    /** For tests: the user and password of a web update page (the fields are shown when a page asks for them). */
    public void fillPassword(String pageUser, String password) {
        user.setText(pageUser);
        pagePassword.setText(password);
    }
}
