package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.esprom.RomSimConfig;
import io.fieldflash.sim.esprom.SimulatedRom;
import io.fieldflash.testing.PtyPair;
import io.fieldflash.testing.RomBench;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.update.JobResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
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
 * The wizard's USB cable path, headless: the simulated ESP ROM answers on the far end of a real pty pair (socat),
 * the port is typed in by hand (ptys are never listed), and the same Review, Update and Done pages follow.
 */
@ExtendWith(ApplicationExtension.class)
class WizardUsbTest {
    private static final long OFFSET = 0x10000;

    @TempDir
    Path tmp;

    private Stage stage;
    private AppContext context;
    private FieldFlashApp.Wizard wizard;
    private RomBench bench;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() throws Exception {
        if (wizard != null) wizard.close();
        if (context != null) context.close();
        if (bench != null) bench.close();
    }

    private static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && b.isVisible() && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    private static String visibleText(FxRobot robot, String id) {
        return robot.lookup(id).queryAll().stream().filter(Node::isVisible).map(n -> ((Label) n).getText()).findFirst().orElse("");
    }

    /** Opens the wizard with {@code bundle} verified and the Connect page on the USB choice. */
    private ConnectStepController toUsbConnect(FxRobot robot, Path bundle) throws Exception {
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);   // a good bundle moves on by itself
        robot.clickOn(robot.lookup("#usbToggle").queryAs(ToggleButton.class));
        assertThat(robot.lookup("#usbPane").query().isVisible()).isTrue();
        return wizard.step(WizardStep.CONNECT);
    }

    @Test
    void aUnitOnACableIsFoundConfirmedAndUpdated(FxRobot robot) throws Exception {
        byte[] image = RomBench.random(30_000, 21);
        Path bundle = UiFixtures.serialBundle(tmp, "3.1.0", image, "esp32", OFFSET);
        bench = RomBench.start(tmp, Chip.ESP32, "");
        ConnectStepController step2 = toUsbConnect(robot, bundle);

        robot.interact(() -> step2.fillPort(bench.pty.a(), Duration.ofSeconds(10)));
        robot.clickOn(visibleButton(robot, "Find the unit"));
        waitUntil(30, () -> wizard.model().step() == WizardStep.REVIEW);    // found: the review comes by itself
        String mac = Chip.macText(bench.rom.mac());
        assertThat(robot.from(wizard.main().page(WizardStep.CONNECT)).lookup("#resultTitle").queryAs(Label.class).getText())
                .isEqualTo("Found: ESP32, unit " + mac);
        assertThat(wizard.model().connection().get().device()).isInstanceOf(EspRomDevice.class);
        assertThat(visibleText(robot, "#verdictTitle")).isEqualTo("Some checks are not possible over a cable");
        assertThat(visibleText(robot, "#verdictText")).contains("crossing-controller").contains("3.1.0");
        assertThat(visibleText(robot, "#verdictHint")).isEqualTo("Checked: the unit is an ESP32, as the bundle requires.");
        Button startUpdate = visibleButton(robot, "Start update");
        assertThat(startUpdate.isDisabled()).as("Start update before the unit is confirmed").isTrue();
        CheckBox confirm = robot.lookup("#confirmUnit").queryAs(CheckBox.class);
        assertThat(confirm.getText()).isEqualTo("I have checked this is the right unit: ESP32, unit " + mac + ", a crossing-controller");
        robot.clickOn(confirm);
        assertThat(startUpdate.isDisabled()).isFalse();

        robot.clickOn(startUpdate);
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        JobResult r = wizard.model().result().orElseThrow();
        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(r.deviceId()).isEqualTo(mac);
        assertThat(bench.flash(OFFSET, image.length)).isEqualTo(image);
        assertThat(visibleText(robot, "#text")).isEqualTo("Firmware 3.1.0 was written to unit " + mac
                + " over the cable and checked, and the unit restarts with it. Over a cable it cannot report which firmware it "
                + "runs afterwards: check the unit once it is up.");

        JsonNode rec = Json.MAPPER.readTree(Files.readAllLines(tmp.resolve("user").resolve("audit.jsonl")).getLast());
        assertThat(rec.path("device").path("transport").asText()).isEqualTo("esp-rom");
        assertThat(rec.path("device").path("id").asText()).isEqualTo(mac);
        assertThat(rec.path("device").path("confirmedByOperator").asBoolean()).isTrue();
        assertThat(rec.path("result").asText()).isEqualTo("UPDATED");
    }

    @Test
    void anotherChipIsRefusedOnTheConnectPageBeforeAnythingIsWritten(FxRobot robot) throws Exception {
        byte[] image = RomBench.random(8_000, 22);
        Path bundle = UiFixtures.serialBundle(tmp, "3.1.0", image, "esp32", OFFSET);
        byte[] before = new byte[(int) (4L << 20)];
        Arrays.fill(before, (byte) 0x5A);
        bench = RomBench.start(tmp, Chip.ESP32S3, "", before);
        ConnectStepController step2 = toUsbConnect(robot, bundle);

        robot.interact(() -> step2.fillPort(bench.pty.a(), Duration.ofSeconds(10)));
        robot.clickOn(visibleButton(robot, "Find the unit"));
        waitUntil(30, () -> robot.lookup("#resultCard").query().isVisible());
        assertThat(visibleText(robot, "#resultTitle")).isEqualTo("This unit is an ESP32-S3, but the bundle is for an ESP32");
        assertThat(visibleText(robot, "#resultText")).isEqualTo("Nothing was written to the unit.");
        assertThat(visibleText(robot, "#resultHint")).contains("pick the bundle made for an ESP32-S3");
        assertThat(wizard.model().connection()).isEmpty();
        assertThat(visibleButton(robot, "Next").isDisabled()).isTrue();
        assertThat(Files.readAllBytes(bench.flashFile())).isEqualTo(before);
    }

    /**
     * A pty cannot reset the unit (no DTR/RTS) and nothing answers yet: the page asks for the buttons; the unit
     * (the simulator) comes up after that and is found without another press.
     */
    @Test
    void asksForTheButtonsAndGoesOnWhenTheUnitAnswers(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.serialBundle(tmp, "3.1.0", RomBench.random(4_000, 24), "esp32", OFFSET);
        try (PtyPair pty = PtyPair.open(tmp)) {
            ConnectStepController step2 = toUsbConnect(robot, bundle);
            robot.interact(() -> step2.fillPort(pty.a(), Duration.ofSeconds(30)));
            robot.clickOn(visibleButton(robot, "Find the unit"));
            waitUntil(20, () -> robot.lookup("#bootPrompt").query().isVisible());
            assertThat(visibleText(robot, "#bootPrompt")).startsWith("The unit did not answer by itself. Hold its BOOT button")
                    .contains("30 seconds");
            assertThat(visibleButton(robot, "Cancel").isVisible()).isTrue();
            SimulatedRom rom = SimulatedRom.start(RomSimConfig.of(pty.b(), tmp.resolve("unit"), Chip.ESP32));
            try {
                waitUntil(30, () -> wizard.model().connection().isPresent());
                assertThat(visibleText(robot, "#resultTitle")).isEqualTo("Found: ESP32, unit " + Chip.macText(rom.mac()));
                assertThat(robot.lookup("#bootPrompt").query().isVisible()).isFalse();
            } finally {
                robot.interact(() -> wizard.model().connectionProperty().set(null));   // lets go of the port
                rom.stop();
            }
        }
    }

    @Test
    void cancelStopsWaitingForTheButtons(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.serialBundle(tmp, "3.1.0", RomBench.random(4_000, 25), "esp32", OFFSET);
        try (PtyPair pty = PtyPair.open(tmp)) {
            ConnectStepController step2 = toUsbConnect(robot, bundle);
            robot.interact(() -> step2.fillPort(pty.a(), Duration.ofSeconds(60)));
            robot.clickOn(visibleButton(robot, "Find the unit"));
            waitUntil(20, () -> robot.lookup("#bootPrompt").query().isVisible());
            robot.clickOn(visibleButton(robot, "Cancel"));
            waitUntil(10, () -> !robot.lookup("#findCancelButton").query().isVisible());
            assertThat(visibleText(robot, "#usbStatus")).isEqualTo("Stopped looking for the unit. Nothing was written.");
            assertThat(robot.lookup("#bootPrompt").query().isVisible()).isFalse();
            assertThat(robot.lookup("#findButton").queryButton().isDisabled()).isFalse();
            assertThat(wizard.model().connection()).isEmpty();
        }
    }

    @Test
    void aBundleWithoutFlashOffsetsSaysItCannotGoOverACable(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 4_000);
        toUsbConnect(robot, bundle);
        assertThat(visibleText(robot, "#usbNotForCable")).startsWith("This bundle cannot be written over a cable");
        assertThat(robot.lookup("#usbBody").query().isDisabled()).isTrue();
    }

    /**
     * A network update that ended because the unit stopped answering: the result page offers the cable, and its
     * button brings Connect up on the USB choice with the same verified bundle.
     */
    @Test
    void aLostNetworkUpdateOffersTheCable(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.serialBundle(tmp, "3.1.0", RomBench.random(4_000, 23), "esp32", OFFSET);
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().bundle().isPresent());
        var verified = wizard.model().bundle().get();
        HttpDevice network = new HttpDevice(URI.create("http://127.0.0.1:9"), "token", HttpSettings.DEFAULT);
        DeviceInfo info = new DeviceInfo("fieldflash-http/1", "crossing-controller", "ccx-rev-b", "unit-7",
                new DeviceInfo.Firmware("3.0.0", 4, false), 1 << 20, 4096, DeviceInfo.UploadState.NONE);
        robot.interact(() -> {
            wizard.model().connectionProperty().set(new WizardModel.Connection(network, info));
            wizard.model().resultProperty().set(new JobResult(JobResult.Outcome.FAILED, "UNREACHABLE",
                    "The device stopped answering.", "", "unit-7", "3.0.0", "", 1000, 0, Duration.ofSeconds(3), true));
            wizard.model().goTo(WizardStep.RESULT);
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#usbFallback").query().isVisible()).isTrue();
        assertThat(robot.lookup((Node n) -> n instanceof Label l && l.isVisible()
                && "Connect the unit's USB port to this laptop and press Use USB.".equals(l.getText())).tryQuery()).isPresent();

        robot.clickOn(visibleButton(robot, "Use USB"));
        assertThat(wizard.model().step()).isEqualTo(WizardStep.CONNECT);
        assertThat(robot.lookup("#usbToggle").queryAs(ToggleButton.class).isSelected()).isTrue();
        assertThat(robot.lookup("#usbPane").query().isVisible()).isTrue();
        assertThat(robot.lookup("#usbBody").query().isDisabled()).isFalse();
        assertThat(wizard.model().bundle()).containsSame(verified);
        assertThat(wizard.model().connection()).isEmpty();
    }
}
