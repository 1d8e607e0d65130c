package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.ui.bundle.BundleStepController;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
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

/** Step 1 of the wizard, headless: a good bundle is accepted with its details; a tampered one is refused in words. */
@ExtendWith(ApplicationExtension.class)
class BundleStepTest {
    @TempDir
    static Path tmp;

    private AppContext context;
    private FieldFlashApp.Wizard wizard;

    @Start
    void start(Stage stage) throws Exception {
        context = new AppContext(UiFixtures.dirs(tmp));
        wizard = FieldFlashApp.Wizard.create(context);
        stage.setScene(new Scene(wizard.root(), 1024, 720));
        stage.show();
    }

    @AfterEach
    void close() {
        context.close();
    }

    private void verify(FxRobot robot, Path bundle) throws Exception {
        BundleStepController step = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step.verify(bundle));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#verdictCard").query().isVisible());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void genuineBundleShowsItsDetailsAndEnablesNext(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.bundle(tmp, "2.4.1", 7, 64 * 1024);
        verify(robot, bundle);
        assertThat(robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#verdictCard .verdict-title").queryAs(Label.class).getText()).isEqualTo("Genuine bundle");
        assertThat(robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#detail-version").queryAs(Label.class).getText()).isEqualTo("2.4.1");
        assertThat(robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#detail-signer").queryAs(Label.class).getText()).startsWith("Acme release (");
        BundleStepController step = wizard.step(WizardStep.BUNDLE);
        assertThat(step.canProceed().get()).isTrue();
        assertThat(wizard.model().bundle()).hasValueSatisfying(b -> assertThat(b.manifest().version()).isEqualTo("2.4.1"));
    }

    @Test
    void whatIsInsideAnImageIsShownOnACompactLine(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.innerBundle(tmp, "1.2.3", "esp-app/esp32-app.bin", "");
        verify(robot, bundle);
        assertThat(robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#verdictCard .verdict-title").queryAs(Label.class).getText()).isEqualTo("Genuine bundle");
        assertThat(robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#detail-inside").queryAs(Label.class).getText())
                .startsWith("app: esp-app: for ESP32, version 1.2.3").contains("secure_version 5");
    }

    @Test
    void anImageTheDeviceWouldRefuseIsRefusedInWordsWithWhatTheVendorMustFix(FxRobot robot) throws Exception {
        // signed for a boot key this laptop does not hold
        Path bundle = UiFixtures.innerBundle(tmp, "2.0.1", "mcuboot/signed-ed25519.bin",
                ", \"bootKeys\": [\"" + io.fieldflash.bundle.inner.InnerVectors.key("mcuboot/ed25519.pub.pem").keyid() + "\"]");
        verify(robot, bundle);
        assertThat(robot.lookup("#verdictCard .verdict-title").queryAs(Label.class).getText())
                .isEqualTo("The device would refuse the firmware in this bundle");
        assertThat(robot.lookup("#verdictText").queryAs(Label.class).getText())
                .isEqualTo("The firmware image is signed, but this laptop has none of the device's boot keys the bundle names, "
                        + "so the signature cannot be checked.");
        assertThat(robot.lookup("#verdictCard .hint").queryAs(Label.class).getText()).contains("they must fix the firmware");
        // the exact finding and what the vendor must fix, for support: behind Details
        assertThat(details(robot)).contains("not in this laptop's trust store").contains("The vendor must list the device's boot keys")
                .contains("INNER_IMAGE");
        assertThat(robot.lookup("#detail-inside").queryAs(Label.class).getText()).startsWith("mcuboot: version 2.0.1+7");
        assertThat(wizard.model().bundle()).isEmpty();
    }

    @Test
    void tamperedBundleIsRefusedWithReasonAndNextStep(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.tampered(UiFixtures.bundle(tmp, "2.4.2", 8, 64 * 1024));
        verify(robot, bundle);
        Node card = robot.from(wizard.main().page(WizardStep.BUNDLE)).lookup("#verdictCard").query();
        assertThat(card.getStyleClass()).contains("bad");
        assertThat(robot.lookup("#verdictCard .verdict-title").queryAs(Label.class).getText())
                .isEqualTo("A firmware image in the bundle is damaged or altered");
        assertThat(robot.lookup("#verdictCard .hint").queryAs(Label.class).getText()).contains("Copy the bundle again");
        assertThat(robot.lookup("#importKeyButton").query().isVisible()).isFalse();
        assertThat(robot.lookup(".nav-bar .button.primary").queryButton().isDisabled()).isTrue();
        assertThat(wizard.model().bundle()).isEmpty();
    }

    @Test
    void anUntrustedVendorIsOfferedKeyImportAndTheBundleIsCheckedAgainByItself(FxRobot robot) throws Exception {
        java.nio.file.Files.delete(context.dirs().userTrustStore());
        Path bundle = UiFixtures.bundle(tmp, "2.4.3", 9, 1024);
        verify(robot, bundle);
        assertThat(robot.lookup("#verdictCard .verdict-title").queryAs(Label.class).getText())
                .isEqualTo("This bundle comes from a vendor this laptop does not trust yet");
        String hint = robot.lookup("#verdictCard .hint").queryAs(Label.class).getText();
        assertThat(hint).contains("import it").contains("FieldFlash then checks the bundle again").doesNotContain("fieldflash trust");
        // the command line's sentence and the code stay available, behind Details
        assertThat(details(robot)).contains("fieldflash trust add").contains("UNTRUSTED_KEY");
        javafx.scene.control.TitledPane disclosure = robot.lookup(".details-disclosure").queryAs(javafx.scene.control.TitledPane.class);
        assertThat(disclosure.isExpanded()).as("Details starts collapsed").isFalse();
        Node importButton = robot.lookup("#importKeyButton").query();
        assertThat(importButton.isVisible()).isTrue();

        // Import vendor key… (the file is given: a headless test cannot drive the file chooser)
        Path pub = java.nio.file.Files.writeString(tmp.resolve("acme-release.pub"), UiFixtures.VENDOR.publicKey().toPem());
        BundleStepController step = wizard.step(WizardStep.BUNDLE);
        robot.interact(() -> step.importKey(pub));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup((Node n) -> n instanceof javafx.scene.control.Button b
                && b.isVisible() && "Import".equals(b.getText().replace("_", ""))).tryQuery().isPresent());
        robot.clickOn(robot.lookup((Node n) -> n instanceof javafx.scene.control.Button b && b.isVisible()
                && "Import".equals(b.getText().replace("_", ""))).queryButton());
        // no re-pick: the bundle is checked again as soon as the key is in
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> wizard.model().bundle().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#verdictCard .verdict-title").queryAs(Label.class).getText()).isEqualTo("Genuine bundle");
        assertThat(importButton.isVisible()).isFalse();
        robot.interact(() -> robot.listTargetWindows().stream().filter(w -> w != robot.targetWindow()
                && w instanceof javafx.stage.Stage).forEach(w -> ((javafx.stage.Stage) w).close()));
    }

    @Test
    void aKeyRemovedInSettingsMakesTheWizardCheckTheBundleAgain(FxRobot robot) throws Exception {
        Path bundle = UiFixtures.bundle(tmp, "2.4.4", 10, 1024);
        verify(robot, bundle);
        assertThat(wizard.model().bundle()).isPresent();
        // what the settings' trust page does after removing the key: the file changes, then it says so
        java.nio.file.Files.delete(context.dirs().userTrustStore());
        robot.interact(context::trustChanged);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> "This bundle comes from a vendor this laptop does not trust yet"
                .equals(robot.lookup("#verdictCard .verdict-title").queryAs(Label.class).getText()));
        assertThat(wizard.model().bundle()).isEmpty();
    }

    private static String details(FxRobot robot) {
        return robot.lookup(".details-text").queryAll().stream().map(n -> ((Label) n).getText()).reduce("", String::concat);
    }

    @Test
    void theLinkOpensTheWifiSetUpWithoutABundle(FxRobot robot) {
        robot.clickOn("#provisionLink");
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        assertThat(javafx.stage.Window.getWindows().stream().filter(w -> w instanceof Stage st && st.isShowing())
                .map(w -> ((Stage) w).getTitle())).contains("Set up a device's Wi-Fi");
        assertThat(wizard.model().step()).isEqualTo(WizardStep.BUNDLE);
        assertThat(wizard.model().bundle()).isEmpty();
        robot.interact(() -> javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage st && "Set up a device's Wi-Fi".equals(st.getTitle())).toList().forEach(javafx.stage.Window::hide));
    }
}
