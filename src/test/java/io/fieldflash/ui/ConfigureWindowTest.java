package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.http.DeviceSettings;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.http.SettingValue;
import io.fieldflash.device.http.SettingsSession;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.update.AuditLog;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
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
 * The settings form, headless, against the simulated crossing controller over real HTTP on loopback: Connect offers
 * "Configure the device…", the form is built from the device's schema, a change the device refuses is marked on its
 * field with the device's words and changes nothing, and the changes it accepts are reviewed (old → new), saved,
 * kept across a restart of the device and written to the audit log; the password never comes back.
 */
@ExtendWith(ApplicationExtension.class)
class ConfigureWindowTest {
    private static final String TOKEN = "label-token";
    private static final String PASSWORD = "new gate pass";

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

    private SimulatorConfig config() {
        return SimulatorConfig.builder(tmp.resolve("device")).token(TOKEN).deviceId("3b0021001747353236343033").logRequests(false).build();
    }

    private static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && b.isVisible() && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    private static String status(FxRobot robot) {
        return robot.lookup("#configure-status").queryAs(Label.class).getText();
    }

    @Test
    void theFormRefusesSavesAndAudits(FxRobot robot) throws Exception {
        sim = SimulatedDevice.start(config());
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 10_000);
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().step() == WizardStep.CONNECT);   // a good bundle moves on by itself

        ConnectStepController step2 = wizard.step(WizardStep.CONNECT);
        robot.interact(() -> step2.fill("http://127.0.0.1:" + sim.port(), TOKEN));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);    // the device found: Review, where it can be configured
        Button configure = robot.lookup("#configureButton").queryButton();
        assertThat(configure.isVisible()).isTrue();
        robot.clickOn(configure);

        waitUntil(20, () -> robot.lookup("#configure-field-gateDownDelay").tryQuery().isPresent()
                && !status(robot).startsWith("Reading"));
        TextField delay = robot.lookup("#configure-field-gateDownDelay").queryAs(TextField.class);
        TextField ntp = robot.lookup("#configure-field-ntpServer").queryAs(TextField.class);
        PasswordField password = robot.lookup("#configure-field-apPassword").queryAs(PasswordField.class);
        TextField serial = robot.lookup("#configure-field-serialNumber").queryAs(TextField.class);
        assertThat(delay.getText()).isEqualTo("8");
        assertThat(serial.getText()).isEqualTo("CCX-3B0021001747");
        assertThat(serial.isDisabled() || !serial.isEditable()).as("a read-only setting").isTrue();
        Button review = robot.lookup("#configure-review-button").queryButton();
        Button save = robot.lookup("#configure-save").queryButton();
        assertThat(save.isDisabled()).as("Save before a review").isTrue();

        // out of the schema's limits: marked at once, no review, nothing sent
        robot.interact(() -> delay.setText("99"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(review.isDisabled()).isTrue();
        assertThat(form().problem("gateDownDelay")).hasValue("Gate-down delay takes a whole number from 3 to 30 s.");

        // two changes, the device refuses the NTP server's name: shown on that field, nothing applied
        robot.interact(() -> {
            delay.setText("12");
            ntp.setText("time server.local");
        });
        robot.clickOn(review);
        @SuppressWarnings("unchecked")
        ListView<String> changes = robot.lookup("#configure-review").queryAs(ListView.class);
        assertThat(changes.getItems()).containsExactly("Gate-down delay: 8 → 12 s", "NTP server: pool.ntp.org → time server.local");
        robot.clickOn(save);
        waitUntil(20, () -> robot.lookup("#configure-refusal").query().isVisible());
        assertThat(robot.lookup("#configure-refusal").queryAs(Label.class).getText())
                .startsWith("The device refused NTP server: ").contains("is not a host name");
        assertThat(form().problem("ntpServer")).hasValueSatisfying(m -> assertThat(m)
                .startsWith("The device refused this value: ").contains("is not a host name"));
        assertThat(form().problem("gateDownDelay")).isEmpty();
        assertThat(sim.config().stateDir().resolve("settings.json")).doesNotExist();

        // corrected, and the access point password too: reviewed, saved, accepted
        robot.interact(() -> {
            ntp.setText("ntp.example.net");
            password.setText(PASSWORD);
        });
        robot.clickOn(review);
        assertThat(changes.getItems()).containsExactly("Gate-down delay: 8 → 12 s", "NTP server: pool.ntp.org → ntp.example.net",
                "Access point password: changed");
        robot.clickOn(save);
        waitUntil(20, () -> status(robot).startsWith("The device accepted"));
        assertThat(status(robot)).isEqualTo("The device accepted the 3 changes. They are written to the audit log.");
        TextField delayAfter = robot.lookup("#configure-field-gateDownDelay").queryAs(TextField.class);
        assertThat(delayAfter.getText()).isEqualTo("12");
        assertThat(robot.lookup("#configure-field-apPassword").queryAs(PasswordField.class).getText()).isEmpty();
        robot.clickOn(robot.lookup("#configure-close").queryButton());

        // a power cycle: the values are read back from the device's state folder; the password is not sent back
        sim.close();
        sim = SimulatedDevice.start(config());
        try (SettingsSession s = new HttpDevice(URI.create("http://127.0.0.1:" + sim.port()), TOKEN, HttpSettings.DEFAULT).openSettings()) {
            DeviceSettings after = s.read();
            assertThat(after.value("gateDownDelay")).isEqualTo(new SettingValue.Whole(12));
            assertThat(after.value("ntpServer")).isEqualTo(new SettingValue.Text("ntp.example.net"));
            assertThat(after.value("apPassword")).isEqualTo(new SettingValue.Hidden(true));
        }

        List<String> lines = new AuditLog(context.dirs().user().resolve(AuditLog.FILE_NAME)).lines();
        assertThat(lines).hasSize(1).noneMatch(l -> l.contains(PASSWORD));
        JsonNode entry = Json.MAPPER.readTree(lines.getFirst());
        assertThat(entry.get("kind").asText()).isEqualTo("settings");
        assertThat(entry.at("/device/id").asText()).isEqualTo("3b0021001747353236343033");
        assertThat(entry.get("changes").toString()).contains("\"old\":\"8\",\"new\":\"12\"", "\"old\":\"pool.ntp.org\",\"new\":\"ntp.example.net\"",
                "\"key\":\"apPassword\",\"label\":\"Access point password\",\"secret\":true");
    }

    /** The settings form's window. */
    private static io.fieldflash.ui.configure.ConfigureWindow form() {
        return javafx.stage.Window.getWindows().stream().map(io.fieldflash.ui.configure.ConfigureWindow::of)
                .flatMap(java.util.Optional::stream).findFirst().orElseThrow();
    }
}
