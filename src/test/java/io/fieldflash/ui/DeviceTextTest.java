package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.testing.DeviceProxy;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
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
 * The wizard shows a device's own text (product, hardware, version, id) escaped: a device, or anyone answering at its
 * address, cannot put terminal controls or bidi overrides into a label to make it read otherwise.
 */
@ExtendWith(ApplicationExtension.class)
class DeviceTextTest {
    private static final String TOKEN = "label-token";
    private static final String HOSTILE_VERSION = "2.4.0\u202e0.5.2\u001b[2J";

    @TempDir
    Path tmp;

    private Stage stage;
    private AppContext context;
    private FieldFlashApp.Wizard wizard;
    private SimulatedDevice sim;
    private DeviceProxy proxy;

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

    private static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && b.isVisible() && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAll().stream().filter(Node::isVisible).map(n -> ((Label) n).getText())
                .findFirst().orElseThrow();
    }

    @Test
    void theDevicesOwnTextIsShownEscaped(FxRobot robot) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse("reboot-ms=300")).logRequests(false).build());
        proxy = DeviceProxy.in(address(sim));
        proxy.script((r, d) -> {
            DeviceProxy.Resp a = d.forward(r);
            if (!r.method().equals("GET") || !r.path().endsWith("/info") || a.status() != 200) return a;
            ObjectNode n = (ObjectNode) Json.MAPPER.readTree(a.body());
            n.put("deviceId", n.get("deviceId").asText() + "\u001b]0;owned\u0007");
            ((ObjectNode) n.get("firmware")).put("version", HOSTILE_VERSION);
            return a.withBody(n.toString());
        });
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 20_000);
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
        robot.interact(() -> step2.fill(proxy.address().toString(), TOKEN));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);    // found: the review comes by itself
        javafx.scene.Parent connectPage = wizard.main().page(WizardStep.CONNECT);
        assertThat(robot.from(connectPage).lookup("#detail-current").queryAs(Label.class).getText()).isEqualTo("2.4.0\\u202e0.5.2\\x1b[2J");
        assertThat(robot.from(connectPage).lookup("#detail-deviceId").queryAs(Label.class).getText()).endsWith("\\x1b]0;owned\\x07");
        assertThat(text(robot, "#fromVersion")).isEqualTo("2.4.0\\u202e0.5.2\\x1b[2J");
        assertThat(text(robot, "#subtitle")).contains("\\x1b]0;owned\\x07").doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(robot.lookup(".label").queryAll()).extracting(n -> ((Label) n).getText())
                .noneMatch(t -> t != null && (t.contains("\u001b") || t.contains("\u202e") || t.contains("\u0007")));
    }

    private static java.net.URI address(SimulatedDevice d) {
        return java.net.URI.create("http://127.0.0.1:" + d.port());
    }
}
