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
    private int round = -1;
    private boolean scanned;
    /** Wrong tokens in a row at the address in the field (the device does not say how many tries are left). */
    private int wrongTokens;

    @FXML Label subtitle;
    @FXML ToggleButton wifiToggle;
    @FXML ToggleButton usbToggle;
    @FXML javafx.scene.layout.HBox wifiPane;
    @FXML VBox joinCard;
    @FXML VBox wifiControls;
    @FXML VBox deviceCard;
    @FXML javafx.scene.control.CheckBox rememberToken;
    @FXML Label wifiStatus;
    @FXML ListView<WifiNetwork> networks;
    @FXML Button scanButton;
    @FXML PasswordField wifiPassword;
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
        scanButton.disableProperty().bind(busyFlag);
        // one button: with a device network picked that the laptop is not on yet, Connect joins it first
        networks.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> connectButton.setText(context.text(
                needsJoin() ? "flow.connect.joinAndConnect" : "connect.connect")));
        // Enter in a field goes on: to the next field still empty, or Connect when nothing is missing
        for (TextField f : List.of(wifiPassword, address, token, user, pagePassword)) {
            f.setOnAction(e -> {
                e.consume();
                enterIn(f);
            });
        }
        // two equal columns (one, full width, when the Wi-Fi column is hidden); real widths, so heights are right too
        javafx.beans.binding.DoubleBinding half = wifiPane.widthProperty().subtract(wifiPane.getSpacing()).divide(2);
        joinCard.prefWidthProperty().bind(half);
        deviceCard.prefWidthProperty().bind(Bindings.when(joinCard.visibleProperty()).then(half).otherwise(wifiPane.widthProperty()));
        rememberToken.visibleProperty().bind(token.visibleProperty());
        rememberToken.managedProperty().bind(token.managedProperty());
        rememberToken.selectedProperty().addListener((o, was, now) -> model.rememberToken(now ? token.getText().strip() : ""));
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
        // editing what identifies the device forgets the device found before, and what the old address answered
        address.textProperty().addListener((o, a, b) -> {
            forgetDevice();
            wrongTokens = 0;
            if (!busyFlag.get()) Cards.hide(resultCard);
        });
        token.textProperty().addListener((o, a, b) -> forgetDevice());
        user.textProperty().addListener((o, a, b) -> forgetDevice());
        pagePassword.textProperty().addListener((o, a, b) -> forgetDevice());
    }

    @Override
    public ObservableBooleanValue canProceed() {
        return Bindings.createBooleanBinding(() -> model.connection().isPresent() && !busyFlag.get(),
                model.connectionProperty(), busyFlag);
    }

    /** Enter in {@code field}: the next empty field of those shown gets the keyboard, or Connect runs. */
    private void enterIn(TextField field) {
        if (busyFlag.get()) return;
        List<TextField> order = List.of(wifiPassword, address, token);
        int at = order.indexOf(field);
        if (at >= 0) {
            for (TextField next : order.subList(at + 1, order.size())) {
                if (wants(next)) {
                    next.requestFocus();
                    return;
                }
            }
        }
        connect();
    }

    /** True when {@code f} is shown, usable and still empty. */
    private boolean wants(TextField f) {
        if (!io.fieldflash.ui.common.Reveal.shown(f) || f.isDisabled() || !f.getText().isEmpty()) return false;
        return f != wifiPassword || needsJoin() && !networks.getSelectionModel().getSelectedItem().open();
    }

    /** The keyboard starts in the first field still empty, else on Connect. */
    private void focusFirstEmpty() {
        for (TextField f : List.of(wifiPassword, address, token, user, pagePassword)) {
            if (f == user || f == pagePassword ? io.fieldflash.ui.common.Reveal.shown(f) && f.getText().isEmpty() : wants(f)) {
                f.requestFocus();
                return;
            }
        }
        connectButton.requestFocus();
    }

    /** A device network is picked that the laptop has not joined yet. */
    private boolean needsJoin() {
        WifiNetwork n = networks.getSelectionModel().getSelectedItem();
        return n != null && wifi != null && wifi.isSupported() && joinCard.isVisible() && !n.inUse()
                && (joined == null || !joined.ssid().equals(n.ssid()));
    }

    /**
     * Uses {@code adapter} for the device's Wi-Fi instead of the one for this operating system (tests give a simulated
     * radio). Call before the page is first shown.
     */
    public void useWifi(WifiAdapter adapter) {
        wifi = adapter;
    }

    /** After "Update another device": nothing of the last device stays, and the Wi-Fi list is read afresh. */
    private void startAfresh() {
        if (running != null) running.cancel(true);
        busyFlag.set(false);
        connectStatus.setText("");
        Cards.hide(resultCard);
        deviceDetails.getChildren().clear();
        address.setText(DEFAULT_ADDRESS);
        token.setText(model.rememberedToken());
        user.clear();
        pagePassword.clear();
        wifiPassword.clear();
        showUserPassword(false);
        showToken(true);
        wrongTokens = 0;
        networks.getItems().clear();
        scanned = false;
    }

    @Override
    public void entered() {
        enteredUsb();
        if (round != model.deviceRoundProperty().get()) {
            if (round >= 0) startAfresh();
            round = model.deviceRoundProperty().get();
        }
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
            if (!resume.isEmpty() && model.connection().isEmpty()) {
                address.setText(resume);
                if (token.getText().isEmpty()) token.setText(model.rememberedToken());
            }
            if (wifi == null) loadWifi();
            else if (!scanned) wifiLoaded();
        }
        if (usbToggle.isSelected()) {
            subtitle.setText(context.text("usb.subtitle"));
            javafx.application.Platform.runLater(() -> (model.connection().isPresent() ? findButton : portPath).requestFocus());
            return;
        }
        javafx.application.Platform.runLater(() -> {
            if (model.connection().isPresent()) connectButton.requestFocus();
            else focusFirstEmpty();
        });
        // continuing an interrupted update with everything known: straight on
        if (model.resumingProperty().get() && model.connection().isEmpty() && !model.rememberedToken().isEmpty()) connect();
    }

    /** The result card sits right under the button that produced it: Connect, or "Find the unit" over a cable. */
    private void placeResult(boolean usb) {
        VBox target = usb ? usbBody : deviceCard;
        if (resultCard.getParent() == target) return;
        ((javafx.scene.layout.Pane) resultCard.getParent()).getChildren().remove(resultCard);
        int at = usb ? usbBody.getChildren().indexOf(findButton.getParent()) + 1 : target.getChildren().size();
        target.getChildren().add(at, resultCard);
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
        placeResult(usb);
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
            wifiLoaded();
        }, this::failedWifi, () -> {});
    }

    private void wifiLoaded() {
        scanned = true;
        boolean supported = wifi.isSupported();
        wifiControls.setVisible(supported);
        wifiControls.setManaged(supported);
        if (supported) {
            wifiStatus.setText(context.text("connect.wifiReady"));
            scan();
        } else {
            // no way to join from here: one sentence, and the laptop's own settings do it
            LOG.info("No Wi-Fi control from FieldFlash: {}",
                    wifi instanceof io.fieldflash.wifi.UnsupportedWifiAdapter u ? u.message() : wifi.description());
            wifiStatus.setText(context.text("flow.connect.wifiManual"));
        }
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
            // picked only when it looks like a device or is the one in use: Connect must not join an office network
            if (!list.isEmpty() && (networks.getItems().getFirst().looksLikeDevice() || networks.getItems().getFirst().inUse())) {
                networks.getSelectionModel().selectFirst();
            } else {
                networks.getSelectionModel().clearSelection();
            }
            if (model.step() == io.fieldflash.ui.WizardStep.CONNECT && model.connection().isEmpty() && !busyFlag.get()
                    && (token.isFocused() || address.isFocused() || wifiPassword.isFocused() || connectButton.isFocused())) {
                focusFirstEmpty();
            }
        }, this::failedWifi, () -> busyFlag.set(false));
    }

    /** Joins the picked network, then runs {@code then}. */
    private void join(Runnable then) {
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
            connectButton.setText(context.text("connect.connect"));
            then.run();
        }, e -> {
            failedWifi(e);
            wifiPassword.requestFocus();
        }, () -> busyFlag.set(false));
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
        if (busyFlag.get()) return;
        if (needsJoin()) join(this::reach);
        else reach();
    }

    private void reach() {
        URI uri;
        try {
            uri = HttpDevice.parseAddress(address.getText());
        } catch (IllegalArgumentException e) {
            showError(context.text("connect.badAddress"), "", context.text("connect.badAddressHint"));
            Details.in(context, resultCard).text(e.getMessage());
            address.requestFocus();
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
            if (r.device().capabilities().identity()) {
                LOG.info("Connected to {} at {}: {} {} running {}", Printable.of(info.deviceId()), r.device().address(),
                        Printable.of(info.product()), Printable.of(info.hardware()), info.firmware());
                showDevice(info);
            } else {
                LOG.info("Connected to {} at {}", r.detection().describe(), r.device().address());
                showFinding(r.detection(), r.device());
            }
            wrongTokens = 0;
            if (rememberToken.isSelected()) model.rememberToken(token.getText().strip());
            // found: the next page comes by itself (straight to the update when continuing an interrupted one)
            WizardModel.Connection found = model.connection().orElseThrow();
            boolean resume = model.resumingProperty().get();
            model.moveOn(io.fieldflash.ui.WizardStep.CONNECT,
                    resume ? io.fieldflash.ui.WizardStep.FLASH : io.fieldflash.ui.WizardStep.REVIEW,
                    () -> model.connection().orElse(null) == found);
            if (resume) model.resumingProperty().set(false);
        }, e -> {
            busyFlag.set(false);
            connectStatus.setText("");
            // the keyboard goes to what needs fixing (the field is enabled again only now)
            failed(e).requestFocus();
        }, () -> busyFlag.set(false));
    }

    /** Shows why Connect did not get through; returns the control to fix it in. */
    private javafx.scene.Node failed(Throwable e) {
        if (e instanceof NotReached n) {
            String found = protocolWords(n.detection);
            askFor(n.detection.protocol().id());
            boolean wrongCredentials = n.cause instanceof DeviceException d && d.reason() == DeviceException.Reason.AUTH_FAILED;
            if (wrongCredentials) wrongTokens++;
            if (n.cause != null && n.detection.protocol().id().equals("fieldflash-http")) {
                showProblem(Problems.of(context, n.cause), "");   // as before detection
            } else if (n.needsToken) {
                showError(context.text("connect.detected", found), "", context.text("connect.needsToken"));
            } else {
                showProblem(Problems.of(context, n.cause), context.text("connect.detected", found));
            }
            if (wrongCredentials && wrongTokens >= 2) {
                resultHint.setText(withTriesWarning(resultHint.getText()));
                resultHint.setVisible(true);
                resultHint.setManaged(true);
            }
            if (n.needsToken || wrongCredentials) return firstShown(token, user.getText().isEmpty() ? user : pagePassword);
            return address;
        } else if (e instanceof DeviceException d && d.reason() == DeviceException.Reason.AUTH_FAILED) {
            // a page behind a password answered, and detection cannot see past it: ask for the password
            showUserPassword(true);
            showToken(true);   // a ViperHTTP endpoint locked by its token answers the same way
            boolean given = !user.getText().isBlank() || !pagePassword.getText().isEmpty();
            showError(context.text(given ? "connect.passwordRefused" : "connect.passwordWanted"),
                    context.text("connect.passwordWantedText"), context.text("connect.passwordWantedHint"));
            Details.in(context, resultCard).text(Problems.of(context, e).details());
            return user.getText().isEmpty() ? user : pagePassword;
        } else {
            showProblem(Problems.of(context, e), "");
        }
        return address;
    }

    /** The first of {@code nodes} that is shown; Connect when none is. */
    private javafx.scene.Node firstShown(javafx.scene.Node... nodes) {
        for (javafx.scene.Node n : nodes) {
            if (n.isVisible()) return n;
        }
        return connectButton;
    }

    /**
     * Devices lock updates after a few wrong tokens in a row and do not say how many tries are left, so from the
     * second wrong one on the technician is warned before trying again.
     */
    private String withTriesWarning(String hint) {
        if (wrongTokens < 2) return hint;
        return (hint.isEmpty() ? "" : hint + " ") + context.text("flow.connect.triesWarning", wrongTokens);
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


    private void showError(String title, String text, String hint) {
        deviceDetails.getChildren().clear();
        Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, false, title, text, hint);
    }

    private void forgetDevice() {
        if (model.connection().isPresent() && !model.updating()) {
            model.connectionProperty().set(null);
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
                Cards.show(resultCard, resultIcon, resultTitle, resultText, resultHint, true,
                    context.text("usb.found", f.chip().chip().displayName(), f.chip().macText()),
                    context.text("usb.foundText"), context.text("usb.foundHint"));
            deviceDetails.getChildren().clear();
            WizardModel.Connection found = model.connection().orElseThrow();
            model.moveOn(io.fieldflash.ui.WizardStep.CONNECT, io.fieldflash.ui.WizardStep.REVIEW,
                    () -> model.connection().orElse(null) == found);   // found: on to Review, where the unit is confirmed
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
