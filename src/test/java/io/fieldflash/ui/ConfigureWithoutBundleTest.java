package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.update.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
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
 * "Configure the device" without a firmware bundle, headless, against the simulated crossing controller over real
 * HTTP on loopback: the Bundle page's link opens the form on its connect stage, the device is named in words (its
 * address only behind Details), Enter in the token field connects, a wrong token is refused in plain words, and a
 * change saved there reaches the device's state folder and the audit log.
 */
@ExtendWith(ApplicationExtension.class)
class ConfigureWithoutBundleTest {
    private static final String TOKEN = "label-token";

    @TempDir
    Path tmp;

    private Stage stage;
    private AppContext context;
    private FieldFlashApp.Wizard wizard;
    private SimulatedDevice sim;
    private io.fieldflash.testing.DeviceProxy proxy;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() {
        if (wizard != null) wizard.close();
        if (context != null) context.close();
        if (proxy != null) proxy.close();
        if (sim != null) sim.close();
    }

    private static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The wizard on its Bundle page, no bundle chosen, and the link clicked: the form's connect stage. */
    private void openFromBundlePage(FxRobot robot) throws Exception {
        openFromBundlePage(robot, null);
    }

    /** As above; {@code via} (when not null) stands between the form and the simulator. */
    private void openFromBundlePage(FxRobot robot, io.fieldflash.testing.DeviceProxy.Script via) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).token(TOKEN)
                .deviceId("3b0021001747353236343033").logRequests(false).build());
        String at = "http://127.0.0.1:" + sim.port();
        if (via != null) {
            proxy = io.fieldflash.testing.DeviceProxy.in(java.net.URI.create(at)).script(via);
            at = proxy.address().toString();
        }
        String deviceAddress = at;
        context = new AppContext(UiFixtures.dirs(tmp));
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });
        assertThat(wizard.model().bundle()).isEmpty();
        Hyperlink link = robot.lookup("#configureLink").queryAs(Hyperlink.class);
        assertThat(link.getText()).isEqualTo("No update? Change a device's settings instead");
        robot.clickOn(link);
        waitUntil(10, () -> robot.lookup("#configure-token").tryQuery().map(n -> n.isFocused()).orElse(false));

        // the device in words; its address (the usual one, never contacted here) only behind the collapsed Details
        String words = robot.lookup("#configure-device-words").queryAs(Label.class).getText();
        assertThat(words).startsWith("FieldFlash connects to the device").doesNotContain("192.168");
        TitledPane details = robot.lookup("#configure-connect-more").queryAs(TitledPane.class);
        assertThat(details.isExpanded()).isFalse();
        TextField address = robot.lookup("#configure-address").queryAs(TextField.class);
        assertThat(address.getText()).isEqualTo("http://192.168.4.1");
        assertThat(robot.lookup("#configure-field-gateDownDelay").tryQuery()).as("no form before a device is reached").isEmpty();

        robot.clickOn(details);
        robot.interact(() -> address.setText(deviceAddress));
        assertThat(robot.lookup("#configure-device-words").queryAs(Label.class).getText())
                .isEqualTo("FieldFlash connects to the device at the address given under Details.");
    }

    private static void typeToken(FxRobot robot, String token) {
        PasswordField field = robot.lookup("#configure-token").queryAs(PasswordField.class);
        robot.interact(field::clear);
        robot.clickOn(field).write(token).type(KeyCode.ENTER);
    }

    private static boolean formShown(FxRobot robot) {
        return robot.lookup("#configure-field-gateDownDelay").tryQuery().isPresent()
                && !robot.lookup("#configure-connect").query().isVisible();
    }

    @Test
    void withoutABundleTheFormSavesAndAudits(FxRobot robot) throws Exception {
        openFromBundlePage(robot);
        typeToken(robot, TOKEN);
        waitUntil(20, () -> formShown(robot));
        TextField delay = robot.lookup("#configure-field-gateDownDelay").queryAs(TextField.class);
        assertThat(delay.getText()).isEqualTo("8");

        robot.interact(() -> delay.setText("14"));
        robot.clickOn(robot.lookup("#configure-review-button").queryButton());
        @SuppressWarnings("unchecked")
        ListView<String> changes = robot.lookup("#configure-review").queryAs(ListView.class);
        assertThat(changes.getItems()).containsExactly("Gate-down delay: 8 → 14 s");
        Button save = robot.lookup("#configure-save").queryButton();
        robot.clickOn(save);
        waitUntil(20, () -> robot.lookup("#configure-status").queryAs(Label.class).getText().startsWith("The device accepted"));
        assertThat(robot.lookup("#configure-status").queryAs(Label.class).getText())
                .isEqualTo("The device accepted the change. They are written to the audit log.");

        JsonNode saved = Json.MAPPER.readTree(Files.readAllBytes(sim.config().stateDir().resolve("settings.json")));
        assertThat(saved.at("/values/gateDownDelay").asLong()).isEqualTo(14);

        List<String> lines = new AuditLog(context.dirs().user().resolve(AuditLog.FILE_NAME)).lines();
        assertThat(lines).hasSize(1);
        JsonNode entry = Json.MAPPER.readTree(lines.getFirst());
        assertThat(entry.get("kind").asText()).isEqualTo("settings");
        assertThat(entry.at("/device/id").asText()).isEqualTo("3b0021001747353236343033");
        assertThat(entry.get("changes").toString()).contains("\"key\":\"gateDownDelay\"", "\"old\":\"8\",\"new\":\"14\"");
    }

    @Test
    void aWrongTokenIsRefusedInPlainWordsAndTheRightOneThenConnects(FxRobot robot) throws Exception {
        openFromBundlePage(robot);
        typeToken(robot, "not-the-token");
        Label problem = robot.lookup("#configure-connect-problem").queryAs(Label.class);
        waitUntil(20, problem::isVisible);
        assertThat(problem.getText())
                .isEqualTo("The device refused the access token. Check the token on the device's label and type it again.");
        assertThat(problem.getText()).doesNotContain("127.0.0.1", "401", "/fieldflash");
        assertThat(robot.lookup("#configure-field-gateDownDelay").tryQuery()).isEmpty();
        assertThat(robot.lookup("#configure-token").query().isFocused()).as("focus back in the token field").isTrue();
        assertThat(sim.config().stateDir().resolve("settings.json")).doesNotExist();

        typeToken(robot, TOKEN);
        waitUntil(20, () -> formShown(robot));
        assertThat(robot.lookup("#configure-field-gateDownDelay").queryAs(TextField.class).getText()).isEqualTo("8");
    }

    @Test
    void aDeviceWithoutSettingsIsRefusedInPlainWords(FxRobot robot) throws Exception {
        // the same device, but its /info says it serves no settings
        openFromBundlePage(robot, (req, device) -> {
            io.fieldflash.testing.DeviceProxy.Resp r = device.forward(req);
            if (!req.path().endsWith("/info")) return r;
            com.fasterxml.jackson.databind.node.ObjectNode info = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(r.text());
            assertThat(info.get("settings").asBoolean()).as("the simulator serves settings").isTrue();
            return r.withBody(info.put("settings", false).toString());
        });
        typeToken(robot, TOKEN);
        Label problem = robot.lookup("#configure-connect-problem").queryAs(Label.class);
        waitUntil(20, problem::isVisible);
        assertThat(problem.getText()).isEqualTo("This device has no settings FieldFlash can change: its firmware does not offer them. "
                + "Ask the vendor how to set it up.");
        assertThat(robot.lookup("#configure-field-gateDownDelay").tryQuery()).isEmpty();
    }
}
