package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.common.Reveal;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.ui.flash.FlashStepController;
import io.fieldflash.update.JobResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.text.Text;
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
 * Every page of the wizard at the size a maximised window has on a 1366×768 laptop screen (1366×700: the screen
 * less title bar and task bar), at the usual and at the largest text size: the page's primary button and its
 * result (style class {@code primary-result}) lie inside the visible part of the window without the person
 * scrolling, and no text on it is cut short.
 */
@ExtendWith(ApplicationExtension.class)
class WizardBoundsTest {
    static final double WIDTH = 1366, HEIGHT = 700;
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

    /**
     * At the usual and the largest text size: the primary nodes of the page shown lie inside the scene, and those
     * inside the scrolling page inside its visible part; and no label or button shows its text cut short.
     */
    static void assertPrimaryVisible(FxRobot robot, FieldFlashApp.Wizard wizard, String page) throws Exception {
        for (double size : new double[] {MainController.DEFAULT_FONT, MainController.MAX_FONT}) {
            robot.interact(() -> wizard.main().setFontSize(size));
            // the new size is laid out on the next frames, and the page scrolls after that: give it a few
            WaitForAsyncUtils.sleep(250, java.util.concurrent.TimeUnit.MILLISECONDS);
            WaitForAsyncUtils.waitForFxEvents();
            String at = page + " at " + size + " px";
            ScrollPane scroll = robot.lookup("#contentScroll").queryAs(ScrollPane.class);
            Parent shown = (Parent) ((Parent) scroll.getContent()).getChildrenUnmodifiable().getFirst();
            VisibleBounds.assertInView(at, wizard.root().getScene(), scroll, shown,
                    VisibleBounds.primaryOf(shown, robot.lookup("#nextButton").query()));
        }
    }

    @Test
    void everyPageShowsItsResultAndItsButtonAtBothTextSizes(FxRobot robot) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse("rate=150000,reboot-ms=300")).logRequests(false).build());
        Path good = UiFixtures.bundle(tmp, "2.5.0", 7, 600_000);
        Path bad = UiFixtures.tampered(UiFixtures.bundle(tmp, "2.5.1", 8, 64 * 1024));
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), WIDTH, HEIGHT));
            stage.getScene().getStylesheets().add(FieldFlashApp.stylesheet("fieldflash.css"));   // as the app has it
            stage.show();
        });
        ConnectStepController connect = WaitForAsyncUtils.asyncFx(() -> wizard.<ConnectStepController>step(WizardStep.CONNECT)).get();
        connect.useWifi(new TestRadio("ccx-3f2a-setup"));
        assertPrimaryVisible(robot, wizard, "bundle");
        // "No update? Change a device's settings instead": the settings window's connect stage
        robot.interact(() -> ((javafx.scene.control.Hyperlink) robot.lookup("#configureLink").query()).fire());
        WizardInteractionsTest.waitUntil(10, () -> robot.listTargetWindows().stream()
                .anyMatch(w -> w.getScene() != null && "configure-root".equals(w.getScene().getRoot().getId())));
        Scene settingsOnly = robot.listTargetWindows().stream().map(javafx.stage.Window::getScene)
                .filter(sc -> sc != null && "configure-root".equals(sc.getRoot().getId())).findFirst().orElseThrow();
        VisibleBounds.assertPrimaryButtonsInView("configure without a bundle", settingsOnly);
        robot.interact(() -> ((Stage) settingsOnly.getWindow()).close());

        BundleStepController bundle = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> bundle.verify(bad));
        WizardInteractionsTest.waitUntil(20, () -> robot.lookup("#verdictCard").tryQuery().map(Reveal::shown).orElse(false));
        assertPrimaryVisible(robot, wizard, "bundle refused");

        robot.interact(() -> bundle.verify(good));
        WizardInteractionsTest.waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);
        assertPrimaryVisible(robot, wizard, "connect");

        robot.interact(() -> connect.fill("http://127.0.0.1:" + sim.port(), "not-" + TOKEN));
        robot.clickOn("#wifiPassword").write("ccx-3f2a-setup");
        robot.clickOn("#connectButton");
        WizardInteractionsTest.waitUntil(20, () -> robot.lookup("#resultCard").query().isVisible());
        assertThat(robot.lookup("#token").query().isFocused()).as("the keyboard is in the field to fix").isTrue();
        assertPrimaryVisible(robot, wizard, "connect refused");

        robot.interact(() -> connect.fill("http://127.0.0.1:" + sim.port(), TOKEN));
        robot.clickOn("#connectButton");
        WizardInteractionsTest.waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);
        WizardInteractionsTest.waitUntil(10, () -> !robot.lookup("#nextButton").queryButton().isDisabled());
        assertPrimaryVisible(robot, wizard, "review");
        // the device serves its settings: "Configure the device…" opens its own window, its Save button in view
        robot.interact(() -> robot.lookup("#configureButton").queryButton().fire());
        WizardInteractionsTest.waitUntil(20, () -> robot.lookup("#configure-save").tryQuery().isPresent()
                && !robot.lookup("#configure-status").queryAs(javafx.scene.control.Label.class).getText().startsWith("Reading"));
        Scene configure = robot.lookup("#configure-save").query().getScene();
        VisibleBounds.assertPrimaryButtonsInView("configure window", configure);
        // the wizard's text size (A+/A−) carries over into the window
        org.assertj.core.api.Assertions.assertThat(configure.getRoot().getStyle()).contains("-fx-font-size")
                .isEqualTo(configure.getWindow() instanceof Stage st && st.getOwner() != null ? st.getOwner().getScene().getRoot().getStyle() : "");
        robot.interact(() -> ((Stage) configure.getWindow()).close());

        robot.clickOn(WizardInteractionsTest.visibleButton(robot, "Start update"));
        WizardInteractionsTest.waitUntil(30, () -> robot.lookup(".progress-bar").queryAs(ProgressBar.class).getProgress() > 0.05);
        assertPrimaryVisible(robot, wizard, "update");

        FlashStepController flash = wizard.step(WizardStep.FLASH);
        robot.interact(flash::stopJob);
        WizardInteractionsTest.waitUntil(30, () -> wizard.model().step() == WizardStep.RESULT);
        assertPrimaryVisible(robot, wizard, "result (cancelled)");

        // "Try again" runs the update again at once, from where it stopped
        robot.clickOn(WizardInteractionsTest.visibleButton(robot, "Try again"));
        WizardInteractionsTest.waitUntil(5, () -> wizard.model().step() == WizardStep.FLASH);
        WizardInteractionsTest.waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        JobResult r = wizard.model().result().orElseThrow();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertPrimaryVisible(robot, wizard, "result (updated)");
    }

    @Test
    void theCablePathShowsItsResultAndItsButtonAtBothTextSizes(FxRobot robot) throws Exception {
        byte[] image = io.fieldflash.testing.RomBench.random(8_000, 23);
        Path bundle = UiFixtures.serialBundle(tmp, "3.1.0", image, "esp32", 0x10000);
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), WIDTH, HEIGHT));
            stage.getScene().getStylesheets().add(FieldFlashApp.stylesheet("fieldflash.css"));   // as the app has it
            stage.show();
            wizard.<ConnectStepController>step(WizardStep.CONNECT).useWifi(new io.fieldflash.wifi.UnsupportedWifiAdapter("tests"));
        });
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        WizardInteractionsTest.waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);
        robot.clickOn("#usbToggle");
        assertPrimaryVisible(robot, wizard, "connect over a cable");
        // several units at once: the depot window, its Start button in view
        robot.interact(() -> robot.lookup("#depotButton").queryButton().fire());
        WizardInteractionsTest.waitUntil(10, () -> robot.lookup("#depot-start").tryQuery().isPresent());
        Scene depot = robot.lookup("#depot-start").query().getScene();
        VisibleBounds.assertPrimaryButtonsInView("depot window", depot);
        // the wizard's text size (A+/A−) carries over into the window
        org.assertj.core.api.Assertions.assertThat(depot.getRoot().getStyle()).contains("-fx-font-size")
                .isEqualTo(depot.getWindow() instanceof Stage st && st.getOwner() != null ? st.getOwner().getScene().getRoot().getStyle() : "");
        robot.interact(() -> ((Stage) depot.getWindow()).close());
        ConnectStepController connect = wizard.step(WizardStep.CONNECT);

        // another chip on the cable: refused, the answer under "Find the unit"
        try (io.fieldflash.testing.RomBench wrong = io.fieldflash.testing.RomBench.start(
                java.nio.file.Files.createDirectories(tmp.resolve("wrong")), io.fieldflash.device.esprom.Chip.ESP32S3, "")) {
            robot.interact(() -> connect.fillPort(wrong.pty.a(), java.time.Duration.ofSeconds(10)));
            robot.clickOn("#findButton");
            WizardInteractionsTest.waitUntil(30, () -> robot.lookup("#resultCard").query().isVisible());
            assertThat(robot.lookup("#resultCard").query().getStyleClass()).contains("bad");
            assertPrimaryVisible(robot, wizard, "connect over a cable, refused");
        }

        // the right chip: found, and the review (with the unit to confirm) comes by itself
        try (io.fieldflash.testing.RomBench right = io.fieldflash.testing.RomBench.start(
                java.nio.file.Files.createDirectories(tmp.resolve("right")), io.fieldflash.device.esprom.Chip.ESP32, "")) {
            robot.interact(() -> connect.fillPort(right.pty.a(), java.time.Duration.ofSeconds(10)));
            robot.clickOn("#findButton");
            WizardInteractionsTest.waitUntil(30, () -> wizard.model().step() == WizardStep.REVIEW);
            WizardInteractionsTest.waitUntil(10, () -> robot.lookup("#verdictCard").query().isVisible());
            assertPrimaryVisible(robot, wizard, "review over a cable");
        }
    }
}
