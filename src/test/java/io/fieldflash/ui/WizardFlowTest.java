package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.update.JobResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
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
 * The whole wizard, headless, against the simulated device over real HTTP on loopback, driven through its
 * buttons as a technician would: bundle → connect → review → update → result.
 */
@ExtendWith(ApplicationExtension.class)
class WizardFlowTest {
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
        if (wizard != null) wizard.close();
        if (context != null) context.close();
        if (sim != null) sim.close();
    }

    private void open(FxRobot robot) throws Exception {
        if (context == null) context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });
        // never this laptop's own Wi-Fi: Connect would join a device network it picked
        robot.interact(() -> wizard.<ConnectStepController>step(WizardStep.CONNECT).useWifi(new io.fieldflash.wifi.UnsupportedWifiAdapter("tests")));
    }

    private SimulatedDevice device(String faults) throws Exception {
        return SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse(faults)).logRequests(false).build());
    }

    private static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    private static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && b.isVisible() && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    /** Steps 1 to 3: the bundle is checked, the device found, the review says ready. */
    private void upToReview(FxRobot robot, Path bundle) throws Exception {
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);   // a good bundle moves on by itself

        ConnectStepController step2 = wizard.step(WizardStep.CONNECT);
        robot.interact(() -> step2.fill("http://127.0.0.1:" + sim.port(), TOKEN));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);    // and so does a device found
        assertThat(robot.from(wizard.main().page(WizardStep.CONNECT)).lookup("#detail-current").queryAs(Label.class).getText())
                .isEqualTo("2.4.0");
        waitUntil(10, () -> robot.lookup(".verdict-title").queryAll().stream()
                .anyMatch(n -> n.isVisible() && "Ready to update".equals(((Label) n).getText())));
    }

    /** A slow link and a large image, so that the update is still sending when the test acts. */
    private void startSlowUpdate(FxRobot robot) throws Exception {
        sim = device("rate=150000,reboot-ms=300");
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 1_500_000);
        open(robot);
        upToReview(robot, bundle);
        robot.clickOn(visibleButton(robot, "Start update"));
        waitUntil(30, () -> robot.lookup(".progress-bar").queryAs(ProgressBar.class).getProgress() > 0.1);
    }

    /** Waits for a confirmation dialog's button and presses it. */
    private static void clickDialogButton(FxRobot robot, String text) throws Exception {
        waitUntil(10, () -> robot.lookup((Node n) -> n instanceof Button b && text.equals(b.getText())).tryQuery().isPresent());
        robot.clickOn(robot.lookup((Node n) -> n instanceof Button b && text.equals(b.getText())).queryButton());
    }

    private JobResult startAndWait(FxRobot robot, int seconds) throws Exception {
        robot.clickOn(visibleButton(robot, "Start update"));
        waitUntil(seconds, () -> wizard.model().step() == WizardStep.RESULT);
        return wizard.model().result().orElseThrow();
    }

    @Test
    void aGoodUpdateRunsToTheEnd(FxRobot robot) throws Exception {
        sim = device("reboot-ms=300");
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 300_000);
        open(robot);
        upToReview(robot, bundle);
        JobResult r = startAndWait(robot, 60);
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(text(robot, ".verdict-title")).isEqualTo("Update complete");
        assertThat(sim.state().version()).isEqualTo("2.5.0");
        assertThat(sim.state().trial()).isFalse();
        byte[] image = Files.readAllBytes(tmp.resolve("app-2.5.0.bin"));
        assertThat(Files.readAllBytes(sim.slotFile(sim.state().active()))).isEqualTo(image);
        assertThat(Files.readAllLines(context.dirs().user().resolve("audit.jsonl"))).hasSize(1);
        // the update's log wraps its long lines instead of scrolling sideways
        assertThat(wizard.main().page(WizardStep.FLASH).lookupAll(".log-list .list-cell")).isNotEmpty()
                .allMatch(c -> ((javafx.scene.control.Labeled) c).isWrapText());

        Path report = tmp.resolve("report.html");
        io.fieldflash.ui.result.ResultStepController result = wizard.step(WizardStep.RESULT);
        robot.interact(() -> result.saveReportTo(report));
        waitUntil(10, () -> Files.exists(report));
        String html = Files.readString(report);
        assertThat(html).contains("2.4.0").contains("2.5.0").contains(r.deviceId()).contains("Acme Rail Systems")
                .contains("Sending the firmware");   // the update page's log is in the report
    }

    @Test
    void aDroppedLinkIsResumedWithoutTheTechnician(FxRobot robot) throws Exception {
        sim = device("drop=0.5,seed=5,reboot-ms=300");
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 600_000);
        open(robot);
        upToReview(robot, bundle);
        JobResult r = startAndWait(robot, 90);
        assertThat(sim.stats().drops()).isPositive();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(r.resumes()).isPositive();
        assertThat(sim.state().version()).isEqualTo("2.5.0");
    }

    @Test
    void cancelMidFlashLeavesTheOldFirmwareAndReopeningOffersToContinue(FxRobot robot) throws Exception {
        startSlowUpdate(robot);
        robot.clickOn(visibleButton(robot, "Cancel update…"));
        clickDialogButton(robot, "Stop the update");
        waitUntil(30, () -> wizard.model().step() == WizardStep.RESULT);
        assertThat(wizard.model().result().orElseThrow().outcome()).isEqualTo(JobResult.Outcome.CANCELLED);
        assertThat(text(robot, ".verdict-title")).isEqualTo("Update cancelled");
        assertThat(sim.state().version()).isEqualTo("2.4.0");
        assertThat(sim.state().trial()).isFalse();

        // The app is closed and opened again: it offers to continue the interrupted update.
        robot.interact(() -> wizard.close());
        open(robot);
        waitUntil(10, () -> robot.lookup("#resumeButton").tryQuery().map(Node::isVisible).orElse(false));
        robot.clickOn("#resumeButton");
        // "Continue that update": the bundle is checked again and the Connect page has the device's address; the
        // token (not kept on disk) is all it asks for, and the keyboard is already in its field
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);
        assertThat(robot.lookup("#address").queryAs(javafx.scene.control.TextField.class).getText())
                .isEqualTo("http://127.0.0.1:" + sim.port());
        waitUntil(5, () -> robot.lookup("#token").query().isFocused());
        robot.write(TOKEN).type(KeyCode.ENTER);
        // straight to the update, no review in between, and it continues where it stopped
        waitUntil(20, () -> wizard.model().step() == WizardStep.FLASH);
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        JobResult r = wizard.model().result().orElseThrow();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(r.bytesSent()).as("only what was missing is sent").isLessThan(1_500_000);
        assertThat(sim.state().version()).isEqualTo("2.5.0");
    }

    @Test
    void closingTheWindowMidUpdateAsksThenStopsSafely(FxRobot robot) throws Exception {
        startSlowUpdate(robot);
        boolean[] closeNow = {true};
        javafx.application.Platform.runLater(() -> closeNow[0] = wizard.main().confirmClose());
        waitUntil(10, () -> robot.lookup((Node n) -> n instanceof Button b && "Keep updating".equals(b.getText())).tryQuery().isPresent());
        assertThat(robot.lookup((Node n) -> n instanceof Button b && "Keep updating".equals(b.getText())).queryButton().isDefaultButton())
                .as("Enter keeps the update running").isTrue();
        clickDialogButton(robot, "Stop and close");
        waitUntil(30, () -> !stage.isShowing());
        assertThat(closeNow[0]).as("the window waits for the job to stop").isFalse();
        assertThat(wizard.model().result().orElseThrow().outcome()).isEqualTo(JobResult.Outcome.CANCELLED);
        assertThat(sim.state().version()).isEqualTo("2.4.0");
        assertThat(Files.readAllLines(context.dirs().user().resolve("audit.jsonl"))).hasSize(1);
    }
}
