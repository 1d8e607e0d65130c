package io.fieldflash.ui.depot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.testing.RomBench;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.WizardModel;
import io.fieldflash.update.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The depot view, headless, with two units on real pty pairs: one simulated ESP32 and one that answers as an
 * ESP32-S3 (the bundle is for an ESP32). One row ends done, the other failed with its sentence; after the right unit
 * is plugged in on that cable, Retry on the failed row takes it to done.
 */
@ExtendWith(ApplicationExtension.class)
class DepotWindowTest {
    static final SigningKey VENDOR = SigningKey.generate(SignatureAlgorithm.ED25519);

    @TempDir
    Path tmp;

    private Stage owner;
    private AppContext context;
    private DepotWindow window;
    private RomBench good;
    private RomBench bad;

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        if (window != null) fx(window::cancelAll);
        FxToolkit.cleanupStages();
        if (good != null) good.close();
        if (bad != null) bad.close();
        if (context != null) context.close();
    }

    private static void fx(Runnable action) throws Exception {
        WaitForAsyncUtils.asyncFx(action).get(10, TimeUnit.SECONDS);
    }

    private static void waitUntil(int seconds, Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition).get());
    }

    private <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    private Path bundle(byte[] app) throws Exception {
        Path img = Files.write(tmp.resolve("app.bin"), app);
        String manifest = """
                {"vendor": "Acme Rail Systems", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "2.0.0", "securityCounter": 3, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app", "serial": {"flashOffset": 65536, "chip": "esp32"}}]}
                """;
        Path out = tmp.resolve("depot.fwb");
        BundleWriter.create(manifest.getBytes(StandardCharsets.UTF_8), Map.of("app", img), List.of(VENDOR), out,
                BundleWriter.Compression.STORE);
        return out;
    }

    private UnitRow row(String path) throws Exception {
        return onFx(() -> window.table.getItems().stream().filter(r -> r.path.equals(path)).findFirst().orElseThrow());
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /**
     * With {@code -Dfieldflash.screenshots=DIR} (docs/make-screenshots.sh), writes the depot window as it is now to
     * DIR/{@code name}: the user guide's picture of this view.
     */
    private void screenshot(String name) throws Exception {
        String dir = System.getProperty("fieldflash.screenshots", "");
        if (dir.isEmpty()) return;
        javafx.scene.image.WritableImage img = onFx(() -> window.stage().getScene().snapshot(null));
        int w = (int) img.getWidth(), h = (int) img.getHeight();
        int[] argb = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, w);
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        Files.createDirectories(Path.of(dir));
        javax.imageio.ImageIO.write(out, "png", Path.of(dir, name).toFile());
    }

    @Test
    void oneUnitDoneOneFailedAndRetryTakesItToDone(FxRobot robot) throws Exception {
        byte[] app = RomBench.random(24_000, 51);
        Path bundleFile = bundle(app);
        TrustStore trust = new TrustStore(1, 1, 1, List.of(new TrustedKey(VENDOR.publicKey(), "Acme", List.of(), Instant.MAX, false, false)));
        var verified = new BundleReader(trust).read(bundleFile);
        good = RomBench.start(Files.createDirectories(tmp.resolve("good")), Chip.ESP32, "");
        Path badDir = Files.createDirectories(tmp.resolve("bad"));
        bad = RomBench.start(badDir, Chip.ESP32S3, "");

        AppDirs dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        Files.createDirectories(dirs.user());
        context = new AppContext(dirs);
        WizardModel model = new WizardModel(context);
        fx(() -> {
            model.bundleProperty().set(verified);
            window = new DepotWindow(context, model, owner,
                    List.of(DepotWindow.class.getResource("/io/fieldflash/ui/css/fieldflash.css").toExternalForm()));
            window.show();
        });
        // ptys are not listed by the system: both are added by their path, and are ticked
        for (String path : List.of(good.pty.a(), bad.pty.a())) {
            fx(() -> window.pathField.setText(path));
            fx(window::addPath);
        }
        assertThat(onFx(() -> window.ports.getItems().stream().filter(c -> c.ticked().get()).count())).isEqualTo(2);
        assertThat(onFx(() -> window.ports.getItems().stream().filter(c -> c.info().path().equals(good.pty.a())).findFirst().orElseThrow().name()))
                .isEqualTo(context.text("depot.addedPort", 1));
        assertThat(onFx(() -> ((javafx.scene.control.Label) window.stage().getScene().lookup("#depot-details")).getText()))
                .as("the paths are behind Details").contains(good.pty.a()).contains(bad.pty.a());

        robot.clickOn("#depot-start");
        waitUntil(60, () -> window.table.getItems().size() == 2
                && window.table.getItems().stream().noneMatch(r -> r.state.get() == UnitRow.State.RUNNING));

        UnitRow ok = row(good.pty.a());
        UnitRow failed = row(bad.pty.a());
        assertThat(ok.state.get()).as(ok.result.get()).isEqualTo(UnitRow.State.DONE);
        assertThat(ok.progress.get()).isEqualTo(1.0);
        assertThat(ok.unit.get()).contains("ESP32").contains(Chip.macText(good.rom.mac()));
        assertThat(ok.result.get()).startsWith("Updated");
        assertThat(good.flash(0x10000, app.length)).isEqualTo(app);
        assertThat(failed.state.get()).isEqualTo(UnitRow.State.FAILED);
        assertThat(failed.result.get()).contains("ESP32-S3").contains("Nothing was written");
        assertThat(failed.retryable.get()).isTrue();
        assertThat(ok.retryable.get()).isFalse();
        assertThat(onFx(() -> window.summary.getText())).isEqualTo(context.text("depot.summary", 1, 2));
        List<Node> retries = onFx(() -> window.table.lookupAll(".depot-retry").stream().filter(Node::isVisible).toList());
        assertThat(retries).as("one Retry, on the failed row").hasSize(1);
        screenshot("7-depot.png");

        // the right unit is plugged in on that cable
        bad.close();
        deleteTree(badDir);
        Files.createDirectories(badDir);
        bad = RomBench.start(badDir, Chip.ESP32, "");
        assertThat(bad.pty.a()).isEqualTo(failed.path);

        Button retry = (Button) retries.getFirst();
        fx(retry::fire);
        waitUntil(60, () -> failed.state.get() != UnitRow.State.RUNNING);
        assertThat(failed.state.get()).as(failed.result.get()).isEqualTo(UnitRow.State.DONE);
        assertThat(failed.unit.get()).contains(Chip.macText(bad.rom.mac()));
        assertThat(bad.flash(0x10000, app.length)).isEqualTo(app);
        assertThat(onFx(() -> window.summary.getText())).isEqualTo(context.text("depot.summary", 2, 2));

        List<String> audit = new AuditLog(dirs.user().resolve(AuditLog.FILE_NAME)).lines();
        assertThat(audit).as("one record per attempt: two units, one retried").hasSize(3);
    }
}
