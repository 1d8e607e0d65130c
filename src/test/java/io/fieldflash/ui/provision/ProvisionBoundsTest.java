package io.fieldflash.ui.provision;

import io.fieldflash.AppDirs;
import io.fieldflash.provision.SoftApAddress;
import io.fieldflash.sim.particle.ParticleFaults;
import io.fieldflash.sim.particle.ParticleSoftApDevice;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.VisibleBounds;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The "Set up a device's Wi-Fi" window at the usual and the largest text size of the wizard that opens it: its
 * primary button and, once the device was set up, its result lie inside the window without scrolling.
 */
@ExtendWith(ApplicationExtension.class)
class ProvisionBoundsTest {
    @TempDir
    Path tmp;

    private Stage owner;
    private AppContext context;
    private ParticleSoftApDevice device;

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 1366, 700));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
        if (device != null) device.close();
        if (context != null) context.close();
    }

    /** Before anything was done: the page's first primary button ("Find") and "Set up"; after: the result and "Set up". */
    private static void check(String at, ProvisionWindow window, boolean done) {
        Scene scene = window.password.getScene();
        ScrollPane scroll = (ScrollPane) scene.getRoot().lookup(".scroll-pane");   // the window's page, first in its layout
        Parent page = (Parent) scroll.getContent();
        Node setUp = scene.lookup("#provision-set-up");
        List<Node> primary = done ? new java.util.ArrayList<>(List.of(setUp, scene.lookup("#provision-result")))
                : VisibleBounds.primaryOf(page, setUp);
        VisibleBounds.assertInView(at, scene, scroll, page, primary);
    }

    @ParameterizedTest
    @ValueSource(doubles = {14, 26})
    void thePrimaryButtonAndTheResultAreInTheWindow(double textSize, FxRobot robot) throws Exception {
        Files.createDirectories(tmp.resolve("user"));
        context = new AppContext(new AppDirs(tmp.resolve("user"), tmp.resolve("machine")));
        device = ParticleSoftApDevice.start(new ParticleSoftApDevice.Config(tmp.resolve("photon"), InetAddress.getLoopbackAddress(), 0, 0,
                null, ParticleFaults.parse(null)));
        ProvisionWindow[] w = new ProvisionWindow[1];
        robot.interact(() -> {
            owner.getScene().getRoot().setStyle("-fx-font-size: " + textSize + "px;");   // as A−/A+ set it on the wizard
            w[0] = new ProvisionWindow(context, owner, List.of(io.fieldflash.ui.FieldFlashApp.class
                    .getResource("/io/fieldflash/ui/css/fieldflash.css").toExternalForm()), () -> {
                throw new AssertionError("no Wi-Fi join in this test");
            });
            w[0].show();
            w[0].addressDetails.setExpanded(true);
            w[0].transport.setValue(SoftApAddress.Transport.TCP);
            w[0].host.setText("127.0.0.1");
            w[0].port.setText(Integer.toString(device.tcpPort()));
            w[0].addressDetails.setExpanded(false);
        });
        ProvisionWindow window = w[0];
        WaitForAsyncUtils.waitForFxEvents();
        check("set-up window at " + textSize + " px", window, false);

        robot.clickOn("#provision-find");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !window.networks.getItems().isEmpty() && !window.busy());
        WaitForAsyncUtils.waitForFxEvents();
        ListCell<?> cell = robot.lookup(".list-cell").queryAllAs(ListCell.class).stream()
                .filter(c -> c.getText() != null && c.getText().startsWith("Site Office WLAN ")).findFirst().orElseThrow();
        robot.clickOn(cell);
        robot.interact(window.password::requestFocus);
        robot.write("gate keeper; 7 lights");
        robot.clickOn("#provision-set-up");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !window.result().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitForFxEvents();
        check("set-up window, device set up, at " + textSize + " px", window, true);
    }
}
