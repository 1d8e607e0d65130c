package io.fieldflash.ui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.update.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wizard's remembered choices live in settings.json beside the operator and the Wi-Fi patterns, and keep them. */
class WizardPrefsTest {
    @TempDir
    Path tmp;

    @Test
    void savedChoicesReadBackAndTheOtherSettingsStay() throws Exception {
        Path file = Settings.file(tmp);
        new Settings("Sam Taylor", List.of("Acme-[0-9A-F]{4}")).save(file);
        assertThat(WizardPrefs.load(file)).isEqualTo(WizardPrefs.defaults());
        WizardPrefs.defaults().withTextSize(20).withHighContrast(true).withOperatorAsked().save(file);
        WizardPrefs.saveLastBundleFolder(file, tmp);

        assertThat(WizardPrefs.load(file)).isEqualTo(new WizardPrefs(20, true, true));
        assertThat(WizardPrefs.lastBundleFolder(file)).contains(tmp.toAbsolutePath());
        assertThat(Settings.load(file)).isEqualTo(new Settings("Sam Taylor", List.of("Acme-[0-9A-F]{4}")));
        // and the other way round: saving the operator keeps the wizard's part
        Settings.load(file).withOperator("Alex Kim").save(file);
        assertThat(WizardPrefs.load(file)).isEqualTo(new WizardPrefs(20, true, true));
        assertThat(WizardPrefs.operatorSaved(file)).isTrue();
    }

    @Test
    void aMissingOrDamagedFileGivesTheDefaultsAndSizesStayInRange() throws Exception {
        Path file = Settings.file(tmp);
        assertThat(WizardPrefs.load(file)).isEqualTo(WizardPrefs.defaults());
        assertThat(WizardPrefs.operatorSaved(file)).isFalse();
        Files.writeString(file, "{\"wizard\": {\"textSize\": 400, \"highContrast\": \"yes\"}, \"operator\": \"  \"}");
        assertThat(WizardPrefs.load(file)).isEqualTo(new WizardPrefs(WizardPrefs.MAX_TEXT, false, false));
        assertThat(WizardPrefs.operatorSaved(file)).isFalse();
        Files.writeString(file, "not json");
        assertThat(WizardPrefs.load(file)).isEqualTo(WizardPrefs.defaults());
    }

    @Test
    void theOfferedNameIsTheFullNameAndNeverAnAdministratorAccount() {
        List<String> passwd = List.of("root:x:0:0:root:/root:/bin/bash",
                "sam:x:1000:1000:Sam Taylor,,,:/home/sam:/bin/bash",
                "kiosk:x:1001:1001::/home/kiosk:/bin/sh");
        assertThat(OsUserName.fromPasswd("sam", passwd)).isEqualTo("Sam Taylor");
        assertThat(OsUserName.fromPasswd("root", passwd)).isEmpty();
        assertThat(OsUserName.fromPasswd("kiosk", passwd)).isEmpty();
        assertThat(OsUserName.fromPasswd("nobody-here", passwd)).isEmpty();
    }
}
