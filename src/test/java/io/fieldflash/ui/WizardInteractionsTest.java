package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.update.JobResult;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Counts what a technician does to update a device, headless, through the wizard's own controls, at the size of
 * a 1366×768 laptop screen.
 *
 * <p>One <em>interaction</em> is: a click on a control; a press of a key (Enter, Tab); or one text entry, which is
 * putting text into one field, including clicking into it when the keyboard is not already there. Waiting is not
 * an interaction. Picking the bundle counts as two: "Choose bundle…" and the file in the chooser (the system's
 * file dialog cannot be driven headless, so the test hands the chosen file to the page as the dialog does).
 *
 * <p>The realistic path: a signed bundle, a device on its own Wi-Fi access point (a test radio that sees it and an
 * office network, and puts the laptop on loopback when it joins), the simulated device over real HTTP on
 * 127.0.0.1 with an access token typed once. Its address is typed too, since the simulator does not listen on the
 * usual device address; a real device needs one interaction less.
 */
@ExtendWith(ApplicationExtension.class)
class WizardInteractionsTest {
    private static final String TOKEN = "label-token";
    private static final String WIFI_PASSWORD = "ccx-3f2a-setup";

    @TempDir
    Path tmp;

    private Stage stage;
    private AppContext context;
    private FieldFlashApp.Wizard wizard;
    private SimulatedDevice sim;
    private int interactions;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() {
        if (wizard != null) wizard.close();
        if (context != null) context.close();
        if (sim != null) sim.close();
    }

    private void open(FxRobot robot) throws Exception {
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1366, 700));
            stage.getScene().getStylesheets().add(FieldFlashApp.stylesheet("fieldflash.css"));   // as the app has it
            stage.show();
        });
    }

    static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && io.fieldflash.ui.common.Reveal.shown(b)
                && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    private void click(FxRobot robot, Node n) {
        robot.clickOn(n);
        interactions++;
    }

    private void press(FxRobot robot, KeyCode key) {
        robot.type(key);
        interactions++;
    }

    /** Types into the field that has the keyboard. */
    private void type(FxRobot robot, String text) {
        robot.write(text);
        interactions++;
    }

    /** Clicks into {@code field}, selects what is in it and types {@code text} over it: one text entry. */
    private void enter(FxRobot robot, TextInputControl field, String text) {
        robot.clickOn(field);
        robot.interact(field::selectAll);
        robot.write(text);
        interactions++;
    }

    private static boolean focused(FxRobot robot, String query) {
        return robot.lookup(query).query().isFocused();
    }

    @Test
    void theRealisticPathTakesAtMostEightInteractions(FxRobot robot) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse("reboot-ms=300")).logRequests(false).build());
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 300_000);
        TestRadio radio = new TestRadio(WIFI_PASSWORD);
        open(robot);
        ConnectStepController connect = WaitForAsyncUtils.asyncFx(() -> wizard.<ConnectStepController>step(WizardStep.CONNECT)).get();
        connect.useWifi(radio);

        // 1, 2: "Choose bundle…" and the file in the chooser
        BundleStepController bundleStep = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> bundleStep.verify(bundle));
        interactions += 2;
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);

        // the device's network is picked by itself, and the keyboard waits in its password field
        waitUntil(10, () -> focused(robot, "#wifiPassword"));
        javafx.scene.control.ListView<io.fieldflash.wifi.WifiNetwork> networks = robot.lookup("#networks").queryListView();
        assertThat(networks.getSelectionModel().getSelectedItem().ssid())
                .isEqualTo(TestRadio.DEVICE_SSID);
        type(robot, WIFI_PASSWORD);                                  // 3
        press(robot, KeyCode.ENTER);                                 // 4: on to the next empty field, the token
        waitUntil(5, () -> focused(robot, "#token"));
        type(robot, TOKEN);                                          // 5
        enter(robot, robot.lookup("#address").queryAs(TextInputControl.class), "http://127.0.0.1:" + sim.port());   // 6
        press(robot, KeyCode.ENTER);                                 // 7: joins the Wi-Fi, finds the device, moves on
        waitUntil(30, () -> wizard.model().step() == WizardStep.REVIEW);
        assertThat(radio.joins).containsExactly(TestRadio.DEVICE_SSID + ":" + WIFI_PASSWORD);
        waitUntil(10, () -> !visibleButton(robot, "Start update").isDisabled());

        click(robot, visibleButton(robot, "Start update"));          // 8
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        JobResult r = wizard.model().result().orElseThrow();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(sim.state().version()).isEqualTo("2.5.0");
        assertThat(robot.lookup(".verdict-title").queryAs(Label.class).getText()).isEqualTo("Update complete");
        assertThat(interactions).as("interactions on the realistic path").isLessThanOrEqualTo(8);
    }

    @Test
    void theDemoTakesAtMostFiveInteractions(FxRobot robot) throws Exception {
        open(robot);
        click(robot, visibleButton(robot, "Try the demo (no device needed)"));     // 1
        waitUntil(60, () -> wizard.model().step() == WizardStep.CONNECT);
        waitUntil(5, () -> focused(robot, "#connectButton"));
        press(robot, KeyCode.ENTER);                                                // 2: Connect has the keyboard
        waitUntil(30, () -> wizard.model().step() == WizardStep.REVIEW);
        waitUntil(10, () -> !visibleButton(robot, "Start update").isDisabled());
        click(robot, visibleButton(robot, "Start update"));                         // 3
        waitUntil(120, () -> wizard.model().step() == WizardStep.RESULT);
        assertThat(wizard.model().result().orElseThrow().outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(interactions).as("interactions in the demo").isLessThanOrEqualTo(5);
    }
}
