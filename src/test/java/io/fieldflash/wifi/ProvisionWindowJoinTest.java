package io.fieldflash.wifi;

import static io.fieldflash.wifi.FakeCommandRunner.ANY;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.sim.particle.ParticleFaults;
import io.fieldflash.sim.particle.ParticleSoftApDevice;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.provision.ProvisionWindow;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * "Join the device's Wi-Fi" in the Wi-Fi set-up window with the app's real nmcli adapter, only the radio (nmcli's
 * answers, from recorded outputs) faked: it picks the Photon's network, joins it without a password, then reads the
 * device (the simulator on loopback, its address typed under Details), and goes back to the laptop's network when
 * the window closes.
 */
@ExtendWith(ApplicationExtension.class)
class ProvisionWindowJoinTest {
    static final String UUID = NmcliWifiAdapterTest.UUID;

    @TempDir
    Path tmp;

    private Stage owner;
    private final FakeCommandRunner runner = new FakeCommandRunner();

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void joinsThePhotonsOpenNetworkThenListsWhatTheDeviceSees(FxRobot robot) throws Exception {
        Files.createDirectories(tmp.resolve("secrets"));
        runner.expect(NmcliWifiAdapter.scanArgv(true)).returnsFixture("nmcli-wifi-list.txt")
                .expect(NmcliWifiAdapter.DEVICE_STATUS).returnsFixture("nmcli-device-status.txt")
                .expect(NmcliWifiAdapter.ACTIVE_CONNECTIONS).returnsFixture("nmcli-active-connections.txt")
                .expect(NmcliWifiAdapterTest.addArgv("Photon-7KQX", true))
                .returns(Fixtures.load("nmcli-connection-add.txt").replace("ESP_1A2B3C", "Photon-7KQX"))
                .expect("nmcli", "--wait", ANY, "connection", "up", "uuid", UUID).returnsFixture("nmcli-connection-up.txt")
                .expect(NmcliWifiAdapterTest.DEVICE_SHOW).returnsFixture("nmcli-device-show-ip4.txt")
                // when the window closes: back to the depot's network
                .expect(NmcliWifiAdapterTest.DOWN).returns("Connection 'FieldFlash Photon-7KQX' successfully deactivated")
                .expect(NmcliWifiAdapterTest.DELETE).returns("Connection 'FieldFlash Photon-7KQX' (" + UUID + ") successfully deleted.")
                .expect(NmcliWifiAdapterTest.REJOIN_DEPOT).returnsFixture("nmcli-connection-up.txt");
        WifiAdapter nmcli = new NmcliWifiAdapter(runner, SoftApPatterns.defaults(), "tech", tmp.resolve("secrets"));

        Files.createDirectories(tmp.resolve("user"));
        try (AppContext context = new AppContext(new AppDirs(tmp.resolve("user"), tmp.resolve("machine")));
             ParticleSoftApDevice device = ParticleSoftApDevice.start(new ParticleSoftApDevice.Config(tmp.resolve("photon"),
                     InetAddress.getLoopbackAddress(), 0, 0, null, ParticleFaults.NONE))) {
            ProvisionWindow[] window = {null};
            robot.interact(() -> {
                window[0] = new ProvisionWindow(context, owner, List.of(), () -> nmcli);
                window[0].show();
            });
            // the technician opens Details and gives the simulator's loopback address (never the real 192.168.0.1)
            robot.interact(() -> robot.lookup("#provision-address-details").queryAs(TitledPane.class).setExpanded(true));
            robot.interact(() -> {
                robot.lookup("#provision-host").queryAs(TextField.class).setText("127.0.0.1");
                robot.lookup("#provision-port").queryAs(TextField.class).setText(Integer.toString(device.tcpPort()));
                robot.lookup("#provision-address-details").queryAs(TitledPane.class).setExpanded(false);
            });

            robot.clickOn("#provision-join");
            ListView<?> networks = robot.lookup("#provision-networks").queryAs(ListView.class);
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> networks.getItems().size() == ParticleSoftApDevice.SCAN.size());
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(robot.lookup("#provision-device").queryAs(Label.class).getText())
                    .isEqualTo("Device: the device's set-up network \"Photon-7KQX\" (this laptop joined it)");
            assertThat(device.state().commands()).containsExactly("device-id", "public-key", "scan-ap");

            robot.interact(window[0]::close);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> runner.calls().size() == 9);
            runner.assertAllRan();
        }
    }
}
