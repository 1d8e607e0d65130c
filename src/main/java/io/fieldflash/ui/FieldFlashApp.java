package io.fieldflash.ui;

import io.fieldflash.AppDirs;
import io.fieldflash.ui.bundle.BundleStepController;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The JavaFX wizard. Start it with {@code fieldflash} (no arguments) or {@code fieldflash gui}. */
public final class FieldFlashApp extends Application {
    private AppContext context;
    private Wizard wizard;

    @Override
    public void start(Stage stage) {
        AppDirs dirs = AppDirs.detect();
        io.fieldflash.log.RunLog.startFile(dirs.user().resolve("logs"));
        org.slf4j.LoggerFactory.getLogger(FieldFlashApp.class).info("FieldFlash {} started (Java {}, JavaFX {})",
                io.fieldflash.AppInfo.version(), Runtime.version(), System.getProperty("javafx.runtime.version"));
        context = new AppContext(dirs);
        wizard = Wizard.create(context);
        Scene scene = new Scene(wizard.root());
        scene.getStylesheets().add(stylesheet("fieldflash.css"));
        stage.setTitle(context.text("app.title"));
        stage.setScene(scene);
        stage.setMinWidth(820);
        stage.setMinHeight(600);
        stage.show();
    }

    @Override
    public void stop() {
        if (context != null) context.close();
    }

    static String stylesheet(String name) {
        return Objects.requireNonNull(FieldFlashApp.class.getResource("/io/fieldflash/ui/css/" + name), name).toExternalForm();
    }

    /** The assembled wizard: views, controllers and model, without a stage (tests put it in their own). */
    public record Wizard(javafx.scene.Parent root, MainController main, WizardModel model) {
        public static Wizard create(AppContext context) {
            WizardModel model = new WizardModel();
            Map<Class<?>, Function<Views, Object>> factories = Map.of(
                    MainController.class, v -> new MainController(context, model),
                    BundleStepController.class, v -> new BundleStepController(context, model));
            Views views = new Views(context, factories);
            Views.Loaded<MainController> main = views.load(FxmlView.MAIN);
            main.controller().addStep(WizardStep.BUNDLE, views.<BundleStepController>load(FxmlView.BUNDLE));
            return new Wizard(main.root(), main.controller(), model);
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
