package io.fieldflash.ui;

import io.fieldflash.AppDirs;
import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import io.fieldflash.ui.flash.FlashStepController;
import io.fieldflash.ui.result.ResultStepController;
import io.fieldflash.ui.review.ReviewStepController;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The JavaFX wizard. Start it with {@code fieldflash} (no arguments) or {@code fieldflash gui}. */
public final class FieldFlashApp extends Application {
    /** Launch argument naming a bundle to check on the first page (followed by its path). */
    public static final String BUNDLE_ARG = "--bundle";
    private static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256};

    private AppContext context;
    private Wizard wizard;

    @Override
    public void start(Stage stage) {
        AppDirs dirs = AppDirs.detect();
        io.fieldflash.log.RunLog.startFile(dirs.user().resolve("logs"));
        org.slf4j.LoggerFactory.getLogger(FieldFlashApp.class).info("FieldFlash {} started (Java {}, JavaFX {})",
                io.fieldflash.AppInfo.version(), Runtime.version(), System.getProperty("javafx.runtime.version"));
        java.util.List<String> args = getParameters().getUnnamed();
        // the documentation tour and the benchmarks press buttons by their English names and shoot English pictures
        boolean scripted = args.contains("--tour") || args.contains("--bench-start") || args.contains("--bench-flash");
        context = scripted ? new AppContext(dirs, java.util.Locale.ENGLISH) : new AppContext(dirs);
        wizard = Wizard.create(context);
        Scene scene = new Scene(wizard.root());
        scene.getStylesheets().add(stylesheet("fieldflash.css"));
        stage.setTitle(context.text("app.title"));
        stage.getIcons().setAll(icons());
        stage.setScene(scene);
        stage.setMinWidth(820);
        stage.setMinHeight(600);
        stage.setOnCloseRequest(e -> {
            if (!wizard.main().confirmClose()) e.consume();
        });
        if (args.contains("--bench-start") || args.contains("--bench-flash")) {
            stage.setOnShown(e -> Platform.runLater(() -> {
                System.out.println("BENCH shown");
                System.out.flush();
                if (args.contains("--bench-start")) Platform.exit();
                else Tour.benchFlash(wizard, args.subList(args.indexOf("--bench-flash") + 1, args.size()));
            }));
        }
        stage.show();
        int bundleAt = args.indexOf(BUNDLE_ARG);
        if (bundleAt >= 0 && bundleAt + 1 < args.size()) {
            wizard.<io.fieldflash.ui.bundle.BundleStepController>step(WizardStep.BUNDLE).verify(java.nio.file.Path.of(args.get(bundleAt + 1)));
        }
        if (!scripted) Platform.runLater(wizard.main()::askOperatorIfNeeded);
        if (args.contains("--tour")) {
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(Tour.WIDTH);
            stage.setHeight(Tour.HEIGHT);
            Tour.start(wizard);
        }
    }

    @Override
    public void stop() {
        if (wizard != null) wizard.close();
        if (context != null) context.close();
    }

    /** The app icon at the sizes a window manager picks from (made from icons/fieldflash.svg). */
    static java.util.List<javafx.scene.image.Image> icons() {
        java.util.List<javafx.scene.image.Image> images = new java.util.ArrayList<>();
        for (int size : ICON_SIZES) {
            java.net.URL url = FieldFlashApp.class.getResource("/io/fieldflash/ui/icons/fieldflash-" + size + ".png");
            if (url != null) images.add(new javafx.scene.image.Image(url.toExternalForm()));
        }
        return images;
    }

    static String stylesheet(String name) {
        return Objects.requireNonNull(FieldFlashApp.class.getResource("/io/fieldflash/ui/css/" + name), name).toExternalForm();
    }

    /** The assembled wizard: views, controllers and model, without a stage (tests put it in their own). */
    public record Wizard(javafx.scene.Parent root, MainController main, WizardModel model) {
        public static Wizard create(AppContext context) {
            WizardModel model = new WizardModel(context);
            Map<Class<?>, Function<Views, Object>> factories = Map.of(
                    MainController.class, v -> new MainController(context, model),
                    BundleStepController.class, v -> new BundleStepController(context, model),
                    ConnectStepController.class, v -> new ConnectStepController(context, model),
                    ReviewStepController.class, v -> new ReviewStepController(context, model),
                    FlashStepController.class, v -> new FlashStepController(context, model),
                    ResultStepController.class, v -> new ResultStepController(context, model,
                            () -> v.<FlashStepController>controllerOf(FlashStepController.class).map(FlashStepController::logLines)
                                    .orElse(java.util.List.of())));
            Views views = new Views(context, factories);
            Views.Loaded<MainController> main = views.load(FxmlView.MAIN);
            main.controller().addStep(WizardStep.BUNDLE, () -> views.<BundleStepController>load(FxmlView.BUNDLE));
            main.controller().addStep(WizardStep.CONNECT, () -> views.<ConnectStepController>load(FxmlView.CONNECT));
            main.controller().addStep(WizardStep.REVIEW, () -> views.<ReviewStepController>load(FxmlView.REVIEW));
            main.controller().addStep(WizardStep.FLASH, () -> views.<FlashStepController>load(FxmlView.FLASH));
            main.controller().addStep(WizardStep.RESULT, () -> views.<ResultStepController>load(FxmlView.RESULT));
            main.controller().begin();
            return new Wizard(main.root(), main.controller(), model);
        }

        /** Ends what the wizard started: the demo device, the Wi-Fi join. */
        public void close() {
            model.job().ifPresent(io.fieldflash.update.UpdateJob::cancel);
            if (main.loaded(WizardStep.CONNECT)) this.<ConnectStepController>step(WizardStep.CONNECT).leaveDeviceNetwork();
            model.demo().ifPresent(io.fieldflash.ui.demo.DemoSession::close);
        }

        public <C extends StepController> C step(WizardStep step) {
            return main.controller(step);
        }
    }

    /** Launches the app (blocks until the window closes). */
    public static void launchApp(String... args) {
        Application.launch(FieldFlashApp.class, args);
    }
}
