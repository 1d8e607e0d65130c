package io.fieldflash.ui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.bundle.Json;
import io.fieldflash.ui.AppContext;
import io.fieldflash.ui.Language;
import io.fieldflash.update.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Settings → Language: the choice is kept in settings.json beside the other settings and used from the next start. */
@ExtendWith(ApplicationExtension.class)
class LanguageSettingTest {
    @TempDir
    Path tmp;

    private Stage owner;
    private AppContext context;

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

    @Test
    void germanChosenInSettingsIsTheWizardsLanguageFromTheNextStartAndTheOtherSettingsStay() throws Exception {
        AppDirs dirs = new AppDirs(tmp.resolve("user"), tmp.resolve("machine"));
        Files.createDirectories(dirs.user());
        Path file = Settings.file(dirs.user());
        new Settings("Sam Taylor", List.of("Acme-[0-9A-F]{4}")).save(file);
        context = new AppContext(dirs, Locale.ENGLISH);
        SettingsWindow[] window = new SettingsWindow[1];
        WaitForAsyncUtils.asyncFx(() -> {
            window[0] = new SettingsWindow(context, owner, List.of());
            window[0].show(SettingsWindow.Page.LANGUAGE);
        }).get(10, TimeUnit.SECONDS);
        LanguagePane pane = window[0].language();
        assertThat(pane.choice.getValue()).isEqualTo(Language.SYSTEM);
        WaitForAsyncUtils.asyncFx(() -> {
            pane.choice.setValue(Language.GERMAN);
            pane.save.fire();
        }).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !pane.status.getText().isEmpty());
        assertThat(pane.status.getText()).isEqualTo("Saved. FieldFlash speaks the chosen language from its next start.");

        assertThat(Json.MAPPER.readTree(file.toFile()).get("language").asText()).isEqualTo("de");
        assertThat(Settings.load(file).operator()).isEqualTo("Sam Taylor");
        // saving the operator later keeps the language
        Settings.load(file).withOperator("Alex Kim").save(file);
        assertThat(Language.load(file)).isEqualTo(Language.GERMAN);

        try (AppContext next = new AppContext(dirs)) {
            assertThat(next.locale()).isEqualTo(Locale.GERMAN);
            assertThat(next.text("bundle.title")).isEqualTo("Firmware-Paket wählen");
        }
        Language.ENGLISH.save(file);
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMAN);      // English chosen on a German laptop stays English
            try (AppContext next = new AppContext(dirs)) {
                assertThat(next.text("bundle.title")).isEqualTo("Choose the firmware bundle");
            }
        } finally {
            Locale.setDefault(before);
        }
    }
}
