package io.fieldflash.ui.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.provision.SoftApAddress;
import io.fieldflash.sim.particle.ParticleFaults;
import io.fieldflash.sim.particle.ParticleSoftApDevice;
import io.fieldflash.sim.particle.ParticleState;
import io.fieldflash.ui.AppContext;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.scene.control.ListCell;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * "Set up a device's Wi-Fi", headless, against the simulator's Particle profile over loopback: the networks come
 * from the device's own scan, the password typed is the one the device decrypts, and a refusal is said in plain
 * words with the device left in listening mode.
 */
@ExtendWith(ApplicationExtension.class)
class ProvisionWindowTest {
    /** Spaces and a semicolon: sent as typed, decrypted as typed. */
    static final String PASSWORD = "gate keeper; 7 lights";

    @TempDir
    Path tmp;

    private Stage owner;
    private AppContext context;
    private ParticleSoftApDevice device;
    private ProvisionWindow window;

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
    }

    @BeforeEach
    void context() throws Exception {
        Files.createDirectories(tmp.resolve("user"));
        context = new AppContext(new AppDirs(tmp.resolve("user"), tmp.resolve("machine")));
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
        if (device != null) device.close();
        context.close();
    }

    private void open(FxRobot robot, String faults, SoftApAddress.Transport transport) throws Exception {
        open(robot, faults, transport, () -> {
            throw new AssertionError("no Wi-Fi join in this test");
        });
    }

    private void open(FxRobot robot, String faults, SoftApAddress.Transport transport,
                      java.util.concurrent.Callable<io.fieldflash.wifi.WifiAdapter> wifi) throws Exception {
        device = ParticleSoftApDevice.start(new ParticleSoftApDevice.Config(tmp.resolve("photon"), InetAddress.getLoopbackAddress(), 0, 0,
                null, ParticleFaults.parse(faults)));
        robot.interact(() -> {
            window = new ProvisionWindow(context, owner, List.of(), wifi);
            window.show();
            // the address is behind Details; the test gives loopback and the simulator's port explicitly
            window.addressDetails.setExpanded(true);
            window.transport.setValue(transport);
            window.host.setText("127.0.0.1");
            window.port.setText(Integer.toString(transport == SoftApAddress.Transport.TCP ? device.tcpPort() : device.httpPort()));
            window.addressDetails.setExpanded(false);
        });
    }

    private static void waitUntil(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Finds networks, picks {@code ssid} in the list by clicking it, types the password and, if given, a claim code. */
    private void fillIn(FxRobot robot, String ssid, String password, String claim) throws Exception {
        robot.clickOn("#provision-find");
        waitUntil(() -> !window.networks.getItems().isEmpty() && !window.busy());
        ListCell<?> cell = robot.lookup(".list-cell").queryAllAs(ListCell.class).stream()
                .filter(c -> c.getText() != null && c.getText().startsWith(ssid + " ")).findFirst().orElseThrow();
        robot.clickOn(cell);
        assertThat(window.networks.getSelectionModel().getSelectedItem().ssid()).isEqualTo(ssid);
        robot.clickOn("#provision-password").write(password);
        if (!claim.isEmpty()) {
            // "More" opens below the list; the field may be scrolled out of view, so the keyboard goes to it
            robot.interact(() -> {
                window.more.setAnimated(false);
                window.more.setExpanded(true);
                window.claimCode.requestFocus();
            });
            robot.write(claim);
            assertThat(window.claimCode.getText()).isEqualTo(claim);
        }
    }

    @ParameterizedTest
    @EnumSource(SoftApAddress.Transport.class)
    void aNetworkPickedFromTheDevicesScanIsSetUpWithExactlyThePasswordTyped(SoftApAddress.Transport transport, FxRobot robot) throws Exception {
        open(robot, null, transport);
        assertThat(window.deviceLabel.getText()).isEqualTo("Device: the device's set-up network");
        fillIn(robot, "Site Office WLAN", PASSWORD, "CLAIM-42 site");

        // the list speaks in words: signal and security
        List<String> shown = window.networks.getItems().stream().map(window::describe).toList();
        assertThat(shown.getFirst()).isEqualTo("Site Office WLAN  ·  signal strong  ·  WPA2 (secure)");
        assertThat(shown).contains("Guest  ·  signal weak  ·  Open (no password)");

        // show/hide: the same text, shown in clear only when asked
        assertThat(window.passwordShown.isVisible()).isFalse();
        robot.clickOn("#provision-show-password");
        assertThat(window.passwordShown.isVisible()).isTrue();
        assertThat(window.passwordShown.getText()).isEqualTo(PASSWORD);

        robot.clickOn("#provision-set-up");
        waitUntil(() -> !window.result().isEmpty());
        assertThat(window.result()).containsExactly("Done", "The device is joining \"Site Office WLAN\".",
                "Its light blinks green while it connects to the network, then turns cyan. If it keeps blinking green for more than a minute, "
                        + "the network or password is wrong: put it back into set-up mode and try again.");
        assertThat(window.password.getText()).as("not kept after use").isEmpty();

        assertThat(device.awaitStopped(5000)).as("the device left listening mode after connect-ap").isTrue();
        ParticleState s = ParticleState.read(tmp.resolve("photon"));
        assertThat(s.networks().getFirst().ssid()).isEqualTo("Site Office WLAN");
        assertThat(s.networks().getFirst().password()).isEqualTo(PASSWORD);
        assertThat(s.networks().getFirst().security()).isEqualTo(0x00400004);
        assertThat(s.networks().getFirst().channel()).as("from the device's scan").isEqualTo(6);
        assertThat(s.claimCode()).isEqualTo("CLAIM-42 site");
        assertThat(s.connected()).isTrue();
        assertThat(s.commands().getLast()).isEqualTo("connect-ap");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "configure=-4 | TCP  | | The device refused the password: its length does not fit the security type. | WPA and WPA2 passwords are 8 to 63 characters",
        "configure=-2 | HTTP | | The device cannot find the network in its own scan.                        | Check the network name (it is case-sensitive)",
        "set=-1       | TCP  | CC1 | The device refused the claim code.                                      | It was not told to join the network"})
    void aRefusalIsSaidInPlainWordsAndTheDeviceIsNotToldToConnect(String fault, SoftApAddress.Transport transport, String claim,
                                                                   String sentence, String hint, FxRobot robot) throws Exception {
        open(robot, fault, transport);
        fillIn(robot, "Pump House 2", PASSWORD, claim == null ? "" : claim);
        robot.clickOn("#provision-set-up");
        waitUntil(() -> !window.result().isEmpty());

        assertThat(window.result().get(0)).isEqualTo("The device was not set up");
        assertThat(window.result().get(1)).isEqualTo(sentence);
        assertThat(window.result().get(2)).startsWith(hint);
        assertThat(String.join(" ", window.result())).as("no codes or command names on the main path")
                .doesNotContain("code -").doesNotContain("configure-ap").doesNotContain("connect-ap");
        assertThat(window.technical.getText()).as("the exact refusal behind Details").contains("(code " + fault.substring(fault.indexOf('=') + 1) + ")");
        assertThat(device.state().commands()).doesNotContain("connect-ap");
        assertThat(device.state().connected()).isFalse();
        assertThat(device.awaitStopped(0)).as("still in listening mode").isFalse();
        assertThat(window.password.getText()).as("kept for a second try").isEqualTo(PASSWORD);
    }

    @Test
    void aPasswordThatCannotBeRightIsCaughtBeforeAnythingIsSent(FxRobot robot) throws Exception {
        open(robot, null, SoftApAddress.Transport.TCP);
        fillIn(robot, "Site Office WLAN", "short", "");
        List<String> before = device.state().commands();
        robot.clickOn("#provision-set-up");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.result()).containsExactly("Please check",
                "The password of a WPA or WPA2 network has 8 to 63 characters (or 64 hex digits). Check what you typed.", "");
        assertThat(device.state().commands()).isEqualTo(before);
    }

    @Test
    void aDeviceThatIsNotThereIsSaidInPlainWords(FxRobot robot) throws Exception {
        open(robot, null, SoftApAddress.Transport.TCP);
        int port = device.tcpPort();
        device.close();
        robot.interact(() -> window.port.setText(Integer.toString(port)));
        robot.clickOn("#provision-find");
        waitUntil(() -> !window.result().isEmpty());
        assertThat(window.result()).containsExactly("The device was not set up", "FieldFlash cannot reach the device.",
                "Check that this laptop is connected to the device's Wi-Fi (named like Photon-ABCD) and that the device blinks blue.");
        assertThat(window.networks.getItems()).isEmpty();
    }

    @Test
    void aLaptopWhoseWifiFieldFlashCannotDriveIsToldToJoinByHand(FxRobot robot) throws Exception {
        open(robot, null, SoftApAddress.Transport.TCP, () -> new io.fieldflash.wifi.UnsupportedWifiAdapter("nmcli is not available"));
        robot.clickOn("#provision-join");
        waitUntil(() -> !window.busy());
        assertThat(window.status.getText()).isEqualTo("FieldFlash cannot change this laptop's Wi-Fi here. Join the device's Wi-Fi "
                + "(named like Photon-ABCD) in the laptop's network settings, then press \"Find networks\".");
        assertThat(device.state().commands()).isEmpty();
    }

    @Test
    void aNameWithAQuoteIsWarnedAboutBeforeAnythingIsSent(FxRobot robot) throws Exception {
        open(robot, null, SoftApAddress.Transport.TCP);
        robot.clickOn("#provision-find");
        waitUntil(() -> !window.networks.getItems().isEmpty() && !window.busy());
        // as the device's scan would list a network named with a quote
        io.fieldflash.provision.ParticleReply.Network quoted = new io.fieldflash.provision.ParticleReply.Network("Depot \"B\"", -50, 0x00400004, 6);
        robot.interact(() -> {
            window.networks.getItems().add(0, quoted);
            window.networks.getSelectionModel().select(quoted);
        });
        robot.clickOn("#provision-password").write(PASSWORD);
        List<String> before = device.state().commands();
        robot.clickOn("#provision-set-up");
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.DialogPane warning = robot.lookup("#provision-warn-name").queryAs(javafx.scene.control.DialogPane.class);
        assertThat(warning.getHeaderText()).isEqualTo("The device may not find this network");
        assertThat(warning.getContentText()).contains("\"Depot \"B\"\"").contains("quotation mark or a backslash");
        robot.interact(() -> ((javafx.scene.control.Button) warning.lookupButton(javafx.scene.control.ButtonType.CANCEL)).fire());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(device.state().commands()).as("nothing sent after Cancel").isEqualTo(before);
        assertThat(window.busy()).isFalse();
    }

    @Test
    void cancelStopsWaitingForADeviceThatDoesNotAnswer(FxRobot robot) throws Exception {
        open(robot, null, SoftApAddress.Transport.TCP);
        // a port that takes the connection and never answers
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            robot.interact(() -> window.port.setText(Integer.toString(silent.getLocalPort())));
            robot.clickOn("#provision-find");
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(window.busy()).isTrue();
            assertThat(window.cancelButton.isVisible()).isTrue();
            robot.clickOn("#provision-cancel");
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(window.busy()).isFalse();
            assertThat(window.status.getText()).isEqualTo("Stopped. The device was not told to join a network; it is still in set-up mode.");
            assertThat(window.findButton.isDisabled()).isFalse();
        }
    }
}
