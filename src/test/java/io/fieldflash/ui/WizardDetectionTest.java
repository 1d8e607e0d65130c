package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.inner.InnerVectors;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.WebProfile;
import io.fieldflash.sim.webupdater.WebUpdaterProfile;
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
import javafx.scene.control.PasswordField;
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
 * The wizard, headless, against a device that does not speak fieldflash-http: the simulated Arduino web updater
 * (ESP32 flavour, behind a user and password) on loopback. Connect finds out what it is, says so, asks for the
 * password, and the update goes through the same pages.
 */
@ExtendWith(ApplicationExtension.class)
class WizardDetectionTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "pa55-word";
    private static final String VECTOR = "esp-app/esp32-app.bin";

    @TempDir
    Path tmp;

    private Stage stage;
    private AppContext context;
    private FieldFlashApp.Wizard wizard;
    private WebUpdaterProfile device;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() {
        if (wizard != null) wizard.close();
        if (context != null) context.close();
        if (device != null) device.close();
    }

    private static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && b.isVisible() && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    private static String title(FxRobot robot, String card) {
        return robot.lookup("#" + card + " .verdict-title").queryAs(Label.class).getText();
    }

    @Test
    void aWebUpdaterIsFoundAskedForItsPasswordAndUpdated(FxRobot robot) throws Exception {
        device = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32).withAuth(USER, PASSWORD));
        Path bundle = UiFixtures.innerBundle(tmp, "1.2.3", VECTOR, "");   // the vector's descriptor says 1.2.3
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });

        robot.interact(() -> wizard.<ConnectStepController>step(WizardStep.CONNECT).useWifi(new io.fieldflash.wifi.UnsupportedWifiAdapter("tests")));
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);   // a good bundle moves on by itself

        // only the address: the page is behind a password, so the wizard asks for one
        ConnectStepController step2 = wizard.step(WizardStep.CONNECT);
        PasswordField password = robot.lookup("#pagePassword").queryAs(PasswordField.class);
        assertThat(password.isVisible()).as("the password field before anything asks for it").isFalse();
        robot.interact(() -> step2.fill("http://127.0.0.1:" + device.port(), ""));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> robot.lookup("#resultCard").query().isVisible());
        assertThat(title(robot, "resultCard")).isEqualTo("The device wants a user and password");
        assertThat(password.isVisible()).isTrue();
        assertThat(wizard.model().connection()).isEmpty();
        assertThat(visibleButton(robot, "Next").isDisabled()).isTrue();

        // a wrong password: refused, still asked for
        robot.interact(() -> step2.fillPassword(USER, "not-" + PASSWORD));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> robot.lookup("#resultCard").query().isVisible());
        assertThat(title(robot, "resultCard")).isEqualTo("The device refused that user and password");
        assertThat(wizard.model().connection()).isEmpty();

        // with them: found, and said in words; the token field is hidden, since this updater has none
        robot.interact(() -> step2.fillPassword(USER, PASSWORD));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);    // found: the review comes by itself
        javafx.scene.Parent connectPage = wizard.main().page(WizardStep.CONNECT);
        assertThat(robot.from(connectPage).lookup("#resultCard .verdict-title").queryAs(Label.class).getText())
                .isEqualTo("Found an Arduino web updater, cannot resume");
        assertThat(robot.from(connectPage).lookup("#resultHint").queryAs(Label.class).getText()).contains("starts again from the beginning");
        assertThat(robot.from(connectPage).lookup("#token").query().isVisible()).isFalse();
        assertThat(wizard.model().connection().orElseThrow().device().transport()).isEqualTo("arduino-web-updater");
        waitUntil(10, () -> robot.lookup(".verdict-title").queryAll().stream()
                .anyMatch(n -> n.isVisible() && "Ready to update".equals(((Label) n).getText())));

        String where = "http://127.0.0.1:" + device.port();
        assertThat(robot.lookup("#subtitle").queryAll().stream().filter(Node::isVisible).map(n -> ((Label) n).getText()))
                .contains("arduino-web-updater");
        // the address is technical detail: behind Details, not in the subtitle
        assertThat(robot.lookup("#detail-address").queryAll().stream().map(n -> ((Label) n).getText())).contains(where);

        robot.clickOn(visibleButton(robot, "Start update"));
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        JobResult r = wizard.model().result().orElseThrow();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(Files.readAllBytes(device.receivedImage())).isEqualTo(InnerVectors.bytes(VECTOR));
        assertThat(device.flashed()).isEqualTo(1);
        assertThat(robot.lookup("#text").queryAll().stream().filter(Node::isVisible).map(n -> ((Label) n).getText()))
                .contains("The device accepted 1.2.3 and restarts with it. This kind of updater cannot report which firmware "
                        + "it runs afterwards: check the device once it is up again.");
    }
}
