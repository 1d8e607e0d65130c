package io.fieldflash.ui.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.provision.ProvisionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every failure the Wi-Fi set-up can meet has its words, in English and German, and the German files lack no key. */
class ProvisionMessagesTest {
    static Properties load(String resource) throws IOException {
        Properties p = new Properties();
        try (InputStream in = ProvisionMessagesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void everyReasonHasPlainWordsInBothLanguages() throws IOException {
        Properties en = load("/io/fieldflash/ui/messages.properties");
        Properties de = load("/io/fieldflash/ui/messages_de.properties");
        for (ProvisionException.Reason r : ProvisionException.Reason.values()) {
            for (Properties p : new Properties[] {en, de}) {
                assertThat(p).containsKey("provision.error." + r.name()).containsKey("provision.error." + r.name() + ".hint");
            }
        }
        for (String key : en.stringPropertyNames()) {
            if (key.startsWith("provision.")) assertThat(de).as(key).containsKey(key);
        }
    }

    @Test
    void theSharedRefusalSentencesExistInBothLanguages() throws IOException {
        Properties en = load("/io/fieldflash/provision/messages.properties");
        Properties de = load("/io/fieldflash/provision/messages_de.properties");
        assertThat(de.stringPropertyNames()).isEqualTo(en.stringPropertyNames());
        assertThat(ProvisionException.plain(ProvisionException.Reason.BAD_KEY_LENGTH, Locale.GERMAN, "").message())
                .isEqualTo("Das Gerät hat das Passwort abgelehnt: Seine Länge passt nicht zur Verschlüsselungsart.");
        assertThat(ProvisionException.plain(ProvisionException.Reason.REFUSED, Locale.ROOT, "the claim code").message())
                .isEqualTo("The device refused the claim code.");
        // the command line says the same sentence, with the device's code
        assertThat(ProvisionException.refused("configure-ap", -4).getMessage())
                .isEqualTo("The device refused the password: its length does not fit the security type (code -4).");
    }
}
