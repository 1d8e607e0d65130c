package io.fieldflash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the portable app keeps its files: beside itself only when told to, by --portable or the marker file. */
class AppDirsTest {
    @TempDir
    Path app;

    @AfterEach
    void clear() {
        System.clearProperty(AppDirs.APP_ROOT);
        System.clearProperty(AppDirs.PORTABLE);
        System.clearProperty("fieldflash.home");
    }

    @Test
    void anInstalledAppUsesThePerUserFolderUntilToldToBePortable() {
        System.setProperty(AppDirs.APP_ROOT, app.toString());
        assertThat(AppDirs.appRoot()).contains(app);
        assertThat(AppDirs.detect().user()).isNotEqualTo(app.resolve("data"));
        assertThat(AppDirs.detect().user().getFileName()).hasToString("fieldflash");

        System.setProperty(AppDirs.PORTABLE, "true");
        assertThat(AppDirs.detect().user()).isEqualTo(app.resolve("data"));
        assertThat(AppDirs.detect().userTrustStore()).isEqualTo(app.resolve("data/trust.json"));
    }

    @Test
    void theMarkerFileBesideTheAppMakesItPortable() throws Exception {
        System.setProperty(AppDirs.APP_ROOT, app.toString());
        Files.createFile(app.resolve(AppDirs.PORTABLE_MARKER));
        assertThat(AppDirs.detect().user()).isEqualTo(app.resolve("data"));
    }

    @Test
    void anExplicitHomeWinsAndASourceCheckoutIsNeverPortable(@TempDir Path home) throws Exception {
        System.setProperty(AppDirs.PORTABLE, "true");
        assertThat(AppDirs.appRoot()).isEmpty();
        assertThat(AppDirs.detect().user().getFileName()).hasToString("fieldflash");

        System.setProperty(AppDirs.APP_ROOT, app.toString());
        System.setProperty("fieldflash.home", home.toString());
        assertThat(AppDirs.detect().user()).isEqualTo(home);
    }
}
