package io.fieldflash.ui;

import static io.fieldflash.ui.WizardInteractionsTest.visibleButton;
import static io.fieldflash.ui.WizardInteractionsTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.common.Reveal;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.ui.settings.WizardPrefs;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.Settings;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
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
 * What the wizard remembers and what it forgets, headless: text size and contrast across launches, the operator
 * asked once, Enter in a field, the keyboard after a refusal, and nothing of the last device after "Update another
 * device".
 */
@ExtendWith(ApplicationExtension.class)
class WizardStateTest {
    private static final String TOKEN = "label-token";

    @TempDir
    Path tmp;

    private Stage stage;
    private AppContext context;
    private FieldFlashApp.Wizard wizard;
    private SimulatedDevice sim;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() {
        if (wizard != null) robotlessClose();
        if (context != null) context.close();
        if (sim != null) sim.close();
    }

    private void robotlessClose() {
        wizard.close();
    }

    /** Opens the wizard as a launch does: a new window on the same laptop user's folders. */
    private void launch(FxRobot robot) throws Exception {
        if (wizard != null) robot.interact(wizard::close);
        if (context != null) context.close();
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1366, 700));
            stage.getScene().getStylesheets().add(FieldFlashApp.stylesheet("fieldflash.css"));   // as the app has it
            stage.show();
        });
    }

    private Path settingsFile() {
        return Settings.file(context.dirs().user());
    }

    @Test
    void textSizeAndHighContrastAreRememberedBetweenLaunches(FxRobot robot) throws Exception {
        launch(robot);
        assertThat(wizard.main().fontSize()).isEqualTo(MainController.DEFAULT_FONT);
        Node larger = robot.lookup("#largerButton").query();
        javafx.geometry.Bounds before = larger.localToScene(larger.getLayoutBounds());
        robot.clickOn(larger).clickOn(larger);
        // the header keeps its size: the button stays under the pointer
        assertThat(larger.localToScene(larger.getLayoutBounds())).isEqualTo(before);
        robot.clickOn("#contrastToggle");
        waitUntil(10, () -> WizardPrefs.load(settingsFile()).equals(new WizardPrefs(18, true, false)));

        launch(robot);
        assertThat(wizard.main().fontSize()).isEqualTo(18);
        assertThat(wizard.main().highContrast()).isTrue();
        assertThat(wizard.root().getStylesheets()).anyMatch(s -> s.endsWith("high-contrast.css"));
    }

    @Test
    void theOperatorIsAskedOnceAndTheAnswerIsWhatTheAuditLogUses(FxRobot robot) throws Exception {
        launch(robot);
        javafx.application.Platform.runLater(wizard.main()::askOperatorIfNeeded);
        waitUntil(10, () -> robot.lookup("#operator-ask").tryQuery().isPresent());
        assertThat(robot.lookup(".dialog-pane .header-panel .label").queryAs(Label.class).getText())
                .isEqualTo("Your name (for the update log)");
        TextField name = robot.lookup("#operator-ask").queryAs(TextField.class);
        assertThat(name.getText()).isNotEqualToIgnoringCase("root");
        robot.interact(name::clear);
        robot.clickOn(name).write("Sam Taylor").type(KeyCode.ENTER);
        waitUntil(10, () -> Settings.load(settingsFile()).operator().equals("Sam Taylor"));
        assertThat(io.fieldflash.update.UpdateStores.in(context.dirs().user()).settings().operator()).isEqualTo("Sam Taylor");

        launch(robot);
        boolean[] asked = {true};
        robot.interact(() -> asked[0] = wizard.main().askOperatorIfNeeded());
        assertThat(asked[0]).as("asked again on the next launch").isFalse();
    }

    @Test
    void enterConnectsAndTheKeyboardGoesToTheFieldToFixAndAnOldRefusalGoesWithTheAddress(FxRobot robot) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse("reboot-ms=300")).logRequests(false).build());
        launch(robot);
        ConnectStepController connect = WaitForAsyncUtils.asyncFx(() -> wizard.<ConnectStepController>step(WizardStep.CONNECT)).get();
        connect.useWifi(new io.fieldflash.wifi.UnsupportedWifiAdapter("no Wi-Fi tool on this laptop"));
        BundleStepController bundle = wizard.step(WizardStep.BUNDLE);
        Path file = UiFixtures.bundle(tmp, "2.5.0", 7, 100_000);
        robot.interact(() -> bundle.verify(file));
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);

        // no Wi-Fi control here: no network list, no password box, one sentence
        assertThat(Reveal.shown(robot.lookup("#networks").query())).isFalse();
        assertThat(Reveal.shown(robot.lookup("#wifiPassword").query())).isFalse();
        assertThat(robot.lookup("#wifiStatus").queryAs(Label.class).getText()).contains("laptop's own network settings");

        // the keyboard starts in the first empty field: the token (the address has the usual one)
        waitUntil(5, () -> robot.lookup("#token").query().isFocused());
        robot.interact(() -> connect.fill("http://127.0.0.1:" + sim.port(), ""));
        robot.clickOn("#token").write("wrong").type(KeyCode.ENTER);     // Enter in the token field connects
        waitUntil(20, () -> robot.lookup("#resultCard").query().isVisible());
        assertThat(robot.lookup("#resultCard").query().getStyleClass()).contains("bad");
        Node focus = stage.getScene().getFocusOwner();
        assertThat(focus).as("the keyboard after a refusal").isSameAs(robot.lookup("#token").query());

        // a second and a third wrong token: the technician is warned before the device locks
        robot.type(KeyCode.ENTER);
        waitUntil(20, () -> robot.lookup("#resultHint").queryAs(Label.class).getText().contains("wrong token number 2"));
        assertThat(wizard.main().fontSize()).as("Enter never reaches A−").isEqualTo(MainController.DEFAULT_FONT);

        // the refusal belongs to that address: changing it clears it
        robot.interact(() -> connect.fill("http://127.0.0.1:" + sim.port() + "/", "wrong"));
        assertThat(robot.lookup("#resultCard").query().isVisible()).isFalse();

        robot.interact(() -> connect.fill("http://127.0.0.1:" + sim.port(), ""));
        robot.clickOn("#token").write(TOKEN).type(KeyCode.ENTER);
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);
    }

    @Test
    void updateAnotherDeviceStartsTheConnectPageAfreshAndScansAgain(FxRobot robot) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse("reboot-ms=300")).logRequests(false).build());
        launch(robot);
        TestRadio radio = new TestRadio("pw");
        ConnectStepController connect = WaitForAsyncUtils.asyncFx(() -> wizard.<ConnectStepController>step(WizardStep.CONNECT)).get();
        connect.useWifi(radio);
        BundleStepController bundle = wizard.step(WizardStep.BUNDLE);
        Path file = UiFixtures.bundle(tmp, "2.5.0", 7, 100_000);
        robot.interact(() -> bundle.verify(file));
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);
        waitUntil(10, () -> radio.scans.get() == 1);
        robot.interact(() -> connect.fill("http://127.0.0.1:" + sim.port(), TOKEN));
        robot.clickOn("#wifiPassword").write("pw").type(KeyCode.ENTER).type(KeyCode.ENTER);
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);
        waitUntil(10, () -> !visibleButton(robot, "Start update").isDisabled());
        robot.clickOn(visibleButton(robot, "Start update"));
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        assertThat(wizard.model().result().orElseThrow().outcome()).isEqualTo(JobResult.Outcome.UPDATED);

        robot.clickOn(visibleButton(robot, "Update another device"));
        waitUntil(10, () -> wizard.model().step() == WizardStep.CONNECT);
        waitUntil(10, () -> radio.scans.get() == 2);
        assertThat(robot.lookup("#resultCard").query().isVisible()).as("the last device's card").isFalse();
        assertThat(robot.lookup("#deviceDetails").queryAs(javafx.scene.layout.GridPane.class).getChildren()).isEmpty();
        assertThat(robot.lookup("#address").queryAs(TextField.class).getText()).isEqualTo(ConnectStepController.DEFAULT_ADDRESS);
        assertThat(robot.lookup("#token").queryAs(TextField.class).getText()).isEmpty();
        assertThat(wizard.model().connection()).isEmpty();
        assertThat(robot.lookup("#nextButton").queryButton().isDisabled()).isTrue();
    }
}
