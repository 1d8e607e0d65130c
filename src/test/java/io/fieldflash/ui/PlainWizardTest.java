package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.update.AuditLog;
import io.fieldflash.update.JobResult;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
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
 * The wizard's words on a real update (simulated device on loopback): a version downgrade is shown as one and goes only
 * with the technician's explicit yes, which the audit log records; "already up to date" is information, not an error;
 * and the whole wizard runs in German.
 */
@ExtendWith(ApplicationExtension.class)
class PlainWizardTest {
    private static final String TOKEN = "label-token";
    private static final java.util.regex.Pattern ISO = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");

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

    private void open(FxRobot robot, Locale locale) throws Exception {
        sim = SimulatedDevice.start(SimulatorConfig.builder(tmp.resolve("device")).port(0).token(TOKEN)
                .faults(FaultSpec.parse("reboot-ms=200")).logRequests(false).build());     // runs 2.4.0 at counter 6
        context = new AppContext(UiFixtures.dirs(tmp), locale);
        robot.interact(() -> {
            wizard = FieldFlashApp.Wizard.create(context);
            stage.setScene(new Scene(wizard.root(), 1024, 760));
            stage.show();
        });
    }

    private static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Button visibleButton(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && b.isVisible() && text.equals(b.getText().replace("_", ""))).queryButton();
    }

    private static String visibleText(FxRobot robot, String query) {
        return robot.lookup(query).queryAll().stream().filter(Node::isVisible).map(n -> ((Label) n).getText()).findFirst().orElse("");
    }

    /** Bundle → Connect → Review, pressing the buttons named in the wizard's language. */
    private void toReview(FxRobot robot, Path bundle, String next, String connect, String token) throws Exception {
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().bundle().isPresent());
        robot.clickOn(visibleButton(robot, next));
        ConnectStepController step2 = wizard.step(WizardStep.CONNECT);
        robot.interact(() -> step2.fill("http://127.0.0.1:" + sim.port(), token));
        robot.clickOn(visibleButton(robot, connect));
        if (!token.equals(TOKEN)) return;
        waitUntil(20, () -> wizard.model().connection().isPresent());
        robot.clickOn(visibleButton(robot, next));
        waitUntil(10, () -> wizard.model().step() == WizardStep.REVIEW && robot.lookup("#verdictCard").query().isVisible());
    }

    @Test
    void anOlderVersionNeedsTheTechniciansConfirmationWhichTheAuditLogRecords(FxRobot robot) throws Exception {
        open(robot, Locale.ENGLISH);
        toReview(robot, UiFixtures.bundle(tmp, "2.3.9", 6, 20_000), "Next", "Connect", TOKEN);
        assertThat(visibleText(robot, "#verdictCard .verdict-title")).isEqualTo("This is an older version");
        // Back and Next again: the page is shown afresh, its Details hold one copy of each fact
        robot.clickOn(visibleButton(robot, "Back"));
        robot.clickOn(visibleButton(robot, "Next"));
        waitUntil(10, () -> "This is an older version".equals(visibleText(robot, "#verdictCard .verdict-title")));
        assertThat(robot.lookup("#detail-counters").queryAll()).hasSize(1);
        assertThat(robot.lookup("#detail-counters").queryAs(Label.class).getText()).isEqualTo("6 / 6");
        assertThat(visibleText(robot, "#verdictText")).startsWith("The device runs 2.4.0; this bundle holds 2.3.9, an older version.");
        Button start = visibleButton(robot, "Start update");
        assertThat(start.isDisabled()).as("Start before the confirmation").isTrue();
        CheckBox confirm = robot.lookup("#downgradeBox").queryAs(CheckBox.class);
        assertThat(confirm.isVisible()).isTrue();
        assertThat(confirm.getText().replace("_", "")).isEqualTo("Install the older version (2.3.9 instead of 2.4.0)");

        robot.clickOn(confirm);
        assertThat(start.isDisabled()).as("Start after the confirmation").isFalse();
        robot.clickOn(start);
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        JobResult r = wizard.model().result().orElseThrow();
        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(r.versionAfter()).isEqualTo("2.3.9");
        List<String> lines = new AuditLog(context.dirs().user().resolve(AuditLog.FILE_NAME)).lines();
        JsonNode last = Json.MAPPER.readTree(lines.getLast());
        assertThat(last.get("result").asText()).isEqualTo("UPDATED");
        assertThat(last.get("downgradeConfirmed").asBoolean()).isTrue();
    }

    @Test
    void alreadyUpToDateIsInformationNotAnError(FxRobot robot) throws Exception {
        open(robot, Locale.ENGLISH);
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 20_000);
        toReview(robot, bundle, "Next", "Connect", TOKEN);
        robot.clickOn(visibleButton(robot, "Start update"));
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        robot.clickOn(visibleButton(robot, "Update another device"));
        waitUntil(10, () -> wizard.model().step() == WizardStep.CONNECT);
        // the Connect page starts afresh for the next device: here it is the same one again
        ConnectStepController again = wizard.step(WizardStep.CONNECT);
        robot.interact(() -> again.fill("http://127.0.0.1:" + sim.port(), TOKEN));
        robot.clickOn(visibleButton(robot, "Connect"));
        waitUntil(20, () -> wizard.model().step() == WizardStep.REVIEW);   // found: the review comes by itself
        waitUntil(10, () -> "Already up to date".equals(visibleText(robot, "#verdictCard .verdict-title")));
        Node card = robot.lookup("#verdictCard").query();
        assertThat(card.getStyleClass()).contains("info").doesNotContain("bad");
        assertThat(visibleText(robot, "#verdictCard .verdict-icon")).isEqualTo("ℹ");
    }

    @Test
    void theWizardRunsInGerman(FxRobot robot) throws Exception {
        open(robot, Locale.GERMAN);
        assertThat(robot.lookup(".step-title").queryAs(Label.class).getText()).isEqualTo("Firmware-Paket wählen");
        Path bundle = UiFixtures.bundle(tmp, "2.5.0", 7, 20_000);
        BundleStepController step1 = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step1.verify(bundle));
        waitUntil(20, () -> wizard.model().bundle().isPresent());
        assertThat(visibleText(robot, "#verdictCard .verdict-title")).isEqualTo("Echtes Paket");
        // the expiry for people: German medium style in the laptop's time zone, never ISO
        String expires = robot.lookup("#detail-expires").queryAs(Label.class).getText();
        assertThat(expires).isEqualTo(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(Locale.GERMAN)
                .withZone(ZoneId.systemDefault()).format(Instant.parse("2099-01-01T00:00:00Z")));
        assertThat(ISO.matcher(expires).find()).isFalse();
        assertThat(robot.lookup("#detail-images").queryAs(Label.class).getText()).as("German decimal mark").isEqualTo("app (19,5 KiB)");

        // a wrong token: the German words, the technical sentence behind Details
        robot.clickOn(visibleButton(robot, "Weiter"));
        ConnectStepController step2 = wizard.step(WizardStep.CONNECT);
        robot.interact(() -> step2.fill("http://127.0.0.1:" + sim.port(), "wrong"));
        robot.clickOn(visibleButton(robot, "Verbinden"));
        waitUntil(20, () -> "Das Gerät hat den Zugangscode nicht angenommen".equals(visibleText(robot, "#resultCard .verdict-title")));
        assertThat(visibleText(robot, "#resultCard .hint")).startsWith("Prüfen Sie den Zugangscode").doesNotContain("127.0.0.1");

        robot.interact(() -> step2.fill("http://127.0.0.1:" + sim.port(), TOKEN));
        robot.clickOn(visibleButton(robot, "Verbinden"));
        waitUntil(20, () -> wizard.model().connection().isPresent());
        assertThat(visibleText(robot, "#resultCard .verdict-title")).isEqualTo("Gefunden: crossing-controller");
        robot.clickOn(visibleButton(robot, "Weiter"));
        waitUntil(10, () -> "Bereit zur Aktualisierung".equals(visibleText(robot, "#verdictCard .verdict-title")));
        assertThat(visibleText(robot, "#verdictText")).startsWith("Das Gerät führt 2.4.0 weiter aus");

        robot.clickOn(visibleButton(robot, "Aktualisierung starten"));
        waitUntil(60, () -> wizard.model().step() == WizardStep.RESULT);
        assertThat(visibleText(robot, ".verdict-title")).isEqualTo("Aktualisierung abgeschlossen");
        assertThat(visibleText(robot, ".hint")).isEqualTo("Sie können die Verbindung zum Gerät trennen und den Schaltschrank schließen.");
    }
}
