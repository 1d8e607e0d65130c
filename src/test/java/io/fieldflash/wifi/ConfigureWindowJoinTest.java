package io.fieldflash.wifi;

import static io.fieldflash.wifi.FakeCommandRunner.ANY;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.configure.ConfigureWindow;
import io.fieldflash.update.UpdateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
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
 * "Join the device's Wi-Fi" on the connect stage of "Configure the device" (opened without a bundle), with the app's
 * real nmcli adapter and only nmcli's answers faked (recorded outputs): it joins the strongest network named like a
 * device, open, says so in words with the focus on the token, and goes back to the laptop's network when the window
 * closes. No device is contacted.
 */
@ExtendWith(ApplicationExtension.class)
class ConfigureWindowJoinTest {
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
    void joinsTheStrongestDeviceNetworkAndLeavesItOnClose(FxRobot robot) throws Exception {
        Files.createDirectories(tmp.resolve("secrets"));
        runner.expect(NmcliWifiAdapter.scanArgv(true)).returnsFixture("nmcli-wifi-list.txt")
                .expect(NmcliWifiAdapter.DEVICE_STATUS).returnsFixture("nmcli-device-status.txt")
                .expect(NmcliWifiAdapter.ACTIVE_CONNECTIONS).returnsFixture("nmcli-active-connections.txt")
                .expect(NmcliWifiAdapterTest.addArgv("ESP_1A2B3C", true)).returnsFixture("nmcli-connection-add.txt")
                .expect("nmcli", "--wait", ANY, "connection", "up", "uuid", UUID).returnsFixture("nmcli-connection-up.txt")
                .expect(NmcliWifiAdapterTest.DEVICE_SHOW).returnsFixture("nmcli-device-show-ip4.txt")
                .expect(NmcliWifiAdapterTest.DOWN).returns("Connection 'FieldFlash ESP_1A2B3C' successfully deactivated")
                .expect(NmcliWifiAdapterTest.DELETE).returns("Connection 'FieldFlash ESP_1A2B3C' (" + UUID + ") successfully deleted.")
                .expect(NmcliWifiAdapterTest.REJOIN_DEPOT).returnsFixture("nmcli-connection-up.txt");
        WifiAdapter nmcli = new NmcliWifiAdapter(runner, SoftApPatterns.defaults(), "tech", tmp.resolve("secrets"));

        Files.createDirectories(tmp.resolve("user"));
        try (AppContext context = new AppContext(new AppDirs(tmp.resolve("user"), tmp.resolve("machine")))) {
            ConfigureWindow[] window = {null};
            robot.interact(() -> {
                window[0] = ConfigureWindow.toConnect(context, owner, List.of(), UpdateStores.in(tmp.resolve("user")), () -> nmcli);
                window[0].show();
            });
            robot.clickOn("#configure-join");
            Label status = robot.lookup("#configure-wifi-status").queryAs(Label.class);
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> status.getText().startsWith("The laptop is on"));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(status.getText()).isEqualTo("The laptop is on the device's Wi-Fi \"ESP_1A2B3C\". Type the access token and connect.");
            assertThat(robot.lookup("#configure-token").query().isFocused()).isTrue();
            assertThat(runner.calls()).hasSize(6);

            robot.interact(() -> window[0].stage().close());
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> runner.calls().size() == 9);
            runner.assertAllRan();
        }
    }
}
