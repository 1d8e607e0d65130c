package io.fieldflash.ui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.bundle.LaptopTrust;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustUpdate;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.ui.AppContext;
import io.fieldflash.update.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The settings window, headless, on real files: trust.json changes through {@link LaptopTrust} as the command line
 * makes them, settings.json keeps the operator and the Wi-Fi patterns, and every refusal is shown in words.
 */
@ExtendWith(ApplicationExtension.class)
class SettingsWindowTest {
    static SigningKey acme, other, root1, release1, release2;

    @TempDir
    Path tmp;

    private Stage owner;
    private AppContext context;
    private AppDirs dirs;
    private SettingsWindow window;

    @BeforeAll
    static void keys() {
        acme = SigningKey.generate(SignatureAlgorithm.ED25519);
        other = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        root1 = SigningKey.generate(SignatureAlgorithm.ED25519);
        release1 = SigningKey.generate(SignatureAlgorithm.ED25519);
        release2 = SigningKey.generate(SignatureAlgorithm.ED25519);
    }

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
        if (context != null) context.close();
    }

    // ---- set-up helpers ----

    private void open(FxRobot robot, SettingsWindow.Page page) throws Exception {
        dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        Files.createDirectories(dirs.user());
        context = new AppContext(dirs);
        fx(() -> {
            window = new SettingsWindow(context, owner, List.of());
            window.show(page);
        });
        waitUntil(() -> window.trust().snapshot().isPresent() && window.operator().name.isEditable()
                && window.wifi().patterns.isEditable());
    }

    /** Runs {@code action} on the FX thread and waits for it (one round trip, unlike {@code robot.interact}). */
    private static void fx(Runnable action) throws Exception {
        WaitForAsyncUtils.asyncFx(action).get(10, TimeUnit.SECONDS);
    }

    private void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition).get());
    }

    private static TrustedKey key(SigningKey k, String name, boolean root) {
        return new TrustedKey(k.publicKey(), name, List.of(), Instant.MAX, false, root);
    }

    private static void writeStore(Path file, int version, TrustedKey... keys) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, new TrustStore(version, 1, 1, List.of(keys)).toJson());
    }

    private Path pub(SigningKey k, String name) throws Exception {
        return Files.writeString(tmp.resolve(name), k.publicKey().toPem());
    }

    /** The one dialog showing, once it shows. */
    private DialogPane dialog(FxRobot robot) throws Exception {
        waitUntil(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        return robot.lookup(".dialog-pane").queryAs(DialogPane.class);
    }

    private static void press(DialogPane pane, String text) throws Exception {
        ButtonType type = pane.getButtonTypes().stream().filter(t -> t.getText().equals(text)).findFirst().orElseThrow();
        Button b = (Button) pane.lookupButton(type);
        fx(b::fire);
    }

    private static String text(DialogPane pane, String styleClass) {
        Node n = pane.lookup("." + styleClass);
        return n == null ? "" : ((Label) n).getText();
    }

    private List<TrustSnapshot.Row> rows() {
        return List.copyOf(window.trust().table.getItems());
    }

    private Object cell(String headerKey, int row) {
        String header = context.text(headerKey);
        TableColumn<TrustSnapshot.Row, ?> c = window.trust().table.getColumns().stream()
                .filter(col -> col.getText().equals(header)).findFirst().orElseThrow();
        return c.getCellData(row);
    }

    private Optional<TrustedKey> inUserStore(SigningKey k) throws Exception {
        return TrustStore.read(dirs.userTrustStore()).find(k.keyid());
    }

    // ---- trust store ----

    @Test
    void importingAVendorKeyAddsItToTrustJsonAndTheTable(FxRobot robot) throws Exception {
        open(robot, SettingsWindow.Page.TRUST);
        assertThat(rows()).isEmpty();
        assertThat(window.trust().fingerprint.getText()).isEqualTo("(no trust store file)");
        Path file = pub(acme, "acme-release-2027.pub");

        fx(() -> window.importKey(file));
        DialogPane d = dialog(robot);
        assertThat(((Label) d.lookup("#import-keyid")).getText()).isEqualTo(acme.keyid());
        TextField name = (TextField) d.lookup("#import-name");
        assertThat(name.getText()).isEqualTo("acme-release-2027");
        fx(() -> {
            name.setText("Acme release 2027");
            ((TextField) d.lookup("#import-products")).setText(" crossing-controller, gate-unit ,,crossing-controller");
            ((javafx.scene.control.DatePicker) d.lookup("#import-valid-until")).setValue(LocalDate.of(2099, 1, 31));
        });
        press(d, context.text("settings.import.ok"));
        waitUntil(() -> rows().size() == 1 && !window.trust().busyProperty().get());

        TrustedKey saved = inUserStore(acme).orElseThrow();
        assertThat(saved.name()).isEqualTo("Acme release 2027");
        assertThat(saved.products()).containsExactly("crossing-controller", "gate-unit");
        assertThat(saved.notAfter()).isEqualTo(Instant.parse("2099-01-31T23:59:59Z"));
        assertThat(saved.root()).isFalse();
        assertThat(cell("settings.trust.col.name", 0)).isEqualTo("Acme release 2027");
        assertThat(cell("settings.trust.col.keyid", 0)).isEqualTo(acme.keyid().substring(0, 16));
        assertThat(cell("settings.trust.col.algorithm", 0)).isEqualTo("ed25519");
        assertThat(cell("settings.trust.col.products", 0)).isEqualTo("crossing-controller, gate-unit");
        assertThat(cell("settings.trust.col.validUntil", 0)).isEqualTo("2099-01-31");
        assertThat(cell("settings.trust.col.status", 0)).isEqualTo(TrustSnapshot.Status.TRUSTED);
        assertThat(cell("settings.trust.col.from", 0)).isEqualTo("your trust store");
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(dirs.userTrustStore())));
        assertThat(window.trust().fingerprint.getText()).isEqualTo("sha256 " + sha)
                .isEqualTo("sha256 " + new LaptopTrust(dirs).fingerprint().orElseThrow());
        assertThat(window.trust().status.getText()).isEqualTo("Added key 'Acme release 2027' (" + acme.keyid().substring(0, 16) + ").");
    }

    @Test
    void importDialogRefusesABlankNameAndAPastDate(FxRobot robot) throws Exception {
        open(robot, SettingsWindow.Page.TRUST);
        Path file = pub(acme, "acme.pub");
        fx(() -> window.importKey(file));
        DialogPane d = dialog(robot);
        Node ok = d.lookupButton(d.getButtonTypes().getFirst());
        assertThat(ok.isDisabled()).isFalse();
        fx(() -> ((TextField) d.lookup("#import-name")).setText("  "));
        assertThat(ok.isDisabled()).isTrue();
        assertThat(((Label) d.lookup("#import-problem")).getText()).startsWith("Give the key a name");
        fx(() -> {
            ((TextField) d.lookup("#import-name")).setText("Acme");
            ((javafx.scene.control.DatePicker) d.lookup("#import-valid-until")).setValue(LocalDate.now().minusDays(1));
        });
        assertThat(ok.isDisabled()).isTrue();
        assertThat(((Label) d.lookup("#import-problem")).getText()).startsWith("That date has passed");
        fx(() -> ((javafx.scene.control.DatePicker) d.lookup("#import-valid-until")).getEditor().setText("31 Feb or so"));
        assertThat(((Label) d.lookup("#import-problem")).getText()).startsWith("The date is not valid");
        press(d, context.text("common.cancel"));
        assertThat(Files.exists(dirs.userTrustStore())).isFalse();
    }

    @Test
    void importingAKeyTheLaptopAlreadyTrustsSaysSoAndChangesNothing(FxRobot robot) throws Exception {
        dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        writeStore(dirs.userTrustStore(), 3, key(acme, "Acme release", false));
        byte[] before = Files.readAllBytes(dirs.userTrustStore());
        open(robot, SettingsWindow.Page.TRUST);

        Path file = pub(acme, "acme-again.pub");
        fx(() -> window.importKey(file));
        DialogPane d = dialog(robot);

        assertThat(d.lookup("#import-name")).as("no import form for a known key").isNull();
        assertThat(d.getHeaderText()).isEqualTo("The key was not imported");
        assertThat(text(d, "problem-message")).isEqualTo("Key 'Acme release' (" + acme.keyid().substring(0, 16)
                + ") is already in the trust store, from " + dirs.userTrustStore() + ".");
        assertThat(text(d, "hint")).contains("choose Remove, then import it again");
        assertThat(text(d, "problem-code")).contains("KEY_ALREADY_TRUSTED");
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(before);
    }

    @Test
    void aFileThatIsNotAPublicKeyIsRefusedWithItsMessageAndNextStep(FxRobot robot) throws Exception {
        open(robot, SettingsWindow.Page.TRUST);
        Path file = Files.writeString(tmp.resolve("acme.key"), acme.toPem());
        fx(() -> window.importKey(file));
        DialogPane d = dialog(robot);
        assertThat(text(d, "problem-message")).contains("PUBLIC KEY");
        assertThat(text(d, "hint")).startsWith("Choose the vendor's public key file");
        assertThat(text(d, "problem-code")).contains("BAD_KEY");
        assertThat(text(d, "problem-message")).as("no stack trace").doesNotContain("Exception", "\tat ");
        assertThat(Files.exists(dirs.userTrustStore())).isFalse();
    }

    @Test
    void removeAsksFirstAndRemovesOnlyWhenConfirmed(FxRobot robot) throws Exception {
        dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        writeStore(dirs.userTrustStore(), 2, key(acme, "Acme release", false), key(other, "Other vendor", false));
        open(robot, SettingsWindow.Page.TRUST);
        assertThat(rows()).hasSize(2);
        fx(() -> window.trust().table.getSelectionModel().select(0));

        fx(() -> window.trust().removeButton.fire());
        DialogPane ask = dialog(robot);
        assertThat(ask.getHeaderText()).isEqualTo("Stop trusting 'Acme release' (" + acme.keyid().substring(0, 16) + ")?");
        press(ask, context.text("common.cancel"));
        assertThat(inUserStore(acme)).isPresent();

        fx(() -> window.trust().removeButton.fire());
        press(dialog(robot), context.text("settings.remove.ok"));
        waitUntil(() -> rows().size() == 1 && !window.trust().busyProperty().get());

        assertThat(inUserStore(acme)).isEmpty();
        assertThat(inUserStore(other)).isPresent();
        assertThat(cell("settings.trust.col.name", 0)).isEqualTo("Other vendor");
        assertThat(window.trust().status.getText()).startsWith("Removed key 'Acme release'");
    }

    @Test
    void aMachineWideKeyCannotBeRemovedHereAndTheAlertSaysWhoManagesIt(FxRobot robot) throws Exception {
        dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        writeStore(dirs.machineTrustStore(), 1, key(other, "Fleet key", false));
        open(robot, SettingsWindow.Page.TRUST);
        assertThat(cell("settings.trust.col.from", 0)).isEqualTo("machine-wide");
        fx(() -> window.trust().table.getSelectionModel().select(0));

        fx(() -> window.trust().removeButton.fire());
        DialogPane d = dialog(robot);
        assertThat(d.getHeaderText()).isEqualTo("The key was not removed");
        assertThat(text(d, "problem-message")).contains("is not in your trust store").contains(dirs.machineTrustStore().toString());
        assertThat(text(d, "hint")).contains("administrator");
        assertThat(TrustStore.read(dirs.machineTrustStore()).find(other.keyid())).isPresent();
    }

    @Test
    void applyingATrustUpdateShowsWhatChangedAndTheNewVersion(FxRobot robot) throws Exception {
        dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        writeStore(dirs.userTrustStore(), 4, key(root1, "Acme root", true), key(release1, "Acme release 1", false));
        byte[] next = new TrustStore(5, 1, 1, List.of(key(root1, "Acme root", true),
                new TrustedKey(release1.publicKey(), "Acme release 1", List.of(), Instant.MAX, true, false),
                key(release2, "Acme release 2", false))).toJson();
        Path update = Files.write(tmp.resolve("acme-trust-v5.json"), TrustUpdate.sign(next, List.of(root1), Instant.now()));
        open(robot, SettingsWindow.Page.TRUST);
        assertThat(window.trust().summary.getText()).isEqualTo("Trust store version 4: 2 key(s).");

        fx(() -> window.applyUpdate(update));
        DialogPane d = dialog(robot);
        assertThat(d.getHeaderText()).isEqualTo("Trust store updated from version 4 to version 5.");
        List<String> lines = d.lookupAll(".info-line").stream().map(n -> ((Label) n).getText()).toList();
        assertThat(lines).contains("Signed by " + key(root1, "Acme root", true).label() + " (root key)",
                "Added: " + key(release2, "Acme release 2", false).label(),
                "Revoked: " + key(release1, "Acme release 1", false).label(),
                "Fingerprint: sha256 " + TrustUpdate.parse(Files.readAllBytes(update)).fingerprint());
        press(d, "OK");
        waitUntil(() -> rows().size() == 3 && !window.trust().busyProperty().get());

        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(next);
        assertThat(window.trust().summary.getText()).isEqualTo("Trust store version 5: 3 key(s).");
        assertThat(cell("settings.trust.col.status", 1)).isEqualTo(TrustSnapshot.Status.REVOKED);
        assertThat(cell("settings.trust.col.name", 2)).isEqualTo("Acme release 2");
        assertThat(cell("settings.trust.col.root", 0)).isEqualTo("root");

        // the same file again is a rollback: refused with its reason and next step, nothing changed
        fx(() -> window.applyUpdate(update));
        DialogPane again = dialog(robot);
        assertThat(again.getHeaderText()).isEqualTo("The trust update was not applied");
        assertThat(text(again, "problem-message")).contains("already has version 5");
        assertThat(text(again, "hint")).contains("nothing needs doing");
        assertThat(text(again, "problem-code")).contains("TRUST_ROLLBACK");
        assertThat(Files.readAllBytes(dirs.userTrustStore())).isEqualTo(next);
    }

    // ---- operator ----

    @Test
    void operatorNameIsSavedWithEnterAndKeepsTheWifiPatterns(FxRobot robot) throws Exception {
        dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        Files.createDirectories(dirs.user());
        Path file = Settings.file(dirs.user());
        Files.writeString(file, "{\"operator\":\"tech\",\"softApPatterns\":[\"Acme-.+\"]}");
        open(robot, SettingsWindow.Page.OPERATOR);
        TextField name = window.operator().name;
        assertThat(name.getText()).isEqualTo("tech");

        fx(() -> {
            name.setText("  Sam Taylor ");
            name.requestFocus();
        });
        robot.type(KeyCode.ENTER);                // the Save button is the default button on this tab
        waitUntil(() -> !window.operator().status.getText().isEmpty());

        assertThat(Settings.load(file)).isEqualTo(new Settings("Sam Taylor", List.of("Acme-.+")));
        assertThat(name.getText()).isEqualTo("Sam Taylor");
        assertThat(window.operator().status.getText()).isEqualTo("Saved. Audit records will name Sam Taylor as the operator.");
    }

    @Test
    void aBlankOperatorNameIsRefusedAndNothingIsWritten(FxRobot robot) throws Exception {
        open(robot, SettingsWindow.Page.OPERATOR);
        fx(() -> {
            window.operator().name.setText("   ");
            window.operator().save.fire();
        });
        assertThat(window.operator().problem.getText()).startsWith("The operator name is empty.");
        assertThat(window.operator().problem.isVisible()).isTrue();
        assertThat(Files.exists(Settings.file(dirs.user()))).isFalse();
    }

    // ---- Wi-Fi ----

    @Test
    void aBadPatternIsRefusedNamingItsLineAndGoodOnesAreSaved(FxRobot robot) throws Exception {
        open(robot, SettingsWindow.Page.WIFI);
        WifiPane wifi = window.wifi();
        assertThat(wifi.defaults.getText()).contains("ESP_[0-9A-F]{6}");
        assertThat(wifi.defaults.isEditable()).isFalse();

        fx(() -> {
            wifi.patterns.setText("Acme-[0-9A-F]{4}\n\nXC-[0-9\n");
            wifi.save.fire();
        });
        assertThat(wifi.problem.getText()).startsWith("Line 3 (\"XC-[0-9\") is not a valid regular expression");
        assertThat(wifi.patterns.getSelectedText()).isEqualTo("XC-[0-9");
        assertThat(Files.exists(Settings.file(dirs.user()))).isFalse();

        fx(() -> wifi.patterns.setText(".*"));
        fx(wifi.save::fire);
        assertThat(wifi.problem.getText()).startsWith("Line 1 (\".*\") matches an empty network name");
        assertThat(Files.exists(Settings.file(dirs.user()))).isFalse();

        fx(() -> {
            wifi.patterns.setText("Acme-[0-9A-F]{4}\n\nXC-[0-9]+\n");
            wifi.tryName.setText("xc-42");
        });
        assertThat(wifi.problem.getText()).isEmpty();
        assertThat(wifi.tryResult.getText()).isEqualTo("looks like a device's network");
        fx(() -> wifi.tryName.setText("HomeNetwork"));
        assertThat(wifi.tryResult.getText()).isEqualTo("not recognised as a device's network");
        fx(wifi.save::fire);
        waitUntil(() -> !wifi.status.getText().isEmpty());

        assertThat(Settings.load(Settings.file(dirs.user())).softApPatterns()).containsExactly("Acme-[0-9A-F]{4}", "XC-[0-9]+");
        assertThat(wifi.status.getText()).isEqualTo("Saved 2 pattern(s).");
    }

    // ---- the window ----

    @Test
    void escapeClosesButAsksFirstWhenAChangeWasNotSaved(FxRobot robot) throws Exception {
        open(robot, SettingsWindow.Page.OPERATOR);
        fx(() -> {
            window.operator().name.setText("Someone else");
            window.operator().name.requestFocus();
        });
        robot.type(KeyCode.ESCAPE);
        DialogPane ask = dialog(robot);
        assertThat(ask.getHeaderText()).isEqualTo("Close without saving?");
        press(ask, context.text("common.cancel"));
        assertThat(window.stage().isShowing()).isTrue();

        fx(() -> window.operator().name.setText(Objects.requireNonNull(System.getProperty("user.name"))));
        fx(() -> window.operator().name.requestFocus());
        robot.type(KeyCode.ESCAPE);
        waitUntil(() -> !window.stage().isShowing());
    }

    @Test
    void followsTheWizardsTextSizeAndHighContrast(FxRobot robot) throws Exception {
        String hc = Objects.requireNonNull(getClass().getResource("/io/fieldflash/ui/css/high-contrast.css")).toExternalForm();
        fx(() -> {
            owner.getScene().getRoot().setStyle("-fx-font-size: 22.0px;");
            owner.getScene().getRoot().getStylesheets().add(hc);
        });
        open(robot, SettingsWindow.Page.TRUST);
        javafx.scene.Parent root = window.stage().getScene().getRoot();
        assertThat(root.getStyle()).isEqualTo("-fx-font-size: 22.0px;");
        assertThat(root.getStylesheets()).containsExactly(hc);
        double screen = javafx.stage.Screen.getPrimary().getVisualBounds().getWidth();
        assertThat(window.stage().getScene().getWidth()).as("wider for larger text, but on the screen")
                .isEqualTo(Math.min(74 * 22, screen));
        assertThat(window.trust().table.getColumns().getFirst().getPrefWidth()).isEqualTo(11 * 22);

        fx(() -> owner.getScene().getRoot().setStyle("-fx-font-size: 12.0px;"));
        assertThat(root.getStyle()).isEqualTo("-fx-font-size: 12.0px;");
    }
}
