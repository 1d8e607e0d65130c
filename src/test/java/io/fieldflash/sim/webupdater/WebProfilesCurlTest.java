package io.fieldflash.sim.webupdater;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.sim.elegantota.ElegantOtaProfile;
import io.fieldflash.testing.Tools;
import io.fieldflash.testing.WebDevices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated web updater and ElegantOTA checked with a client that is not FieldFlash's: curl, uploading as a
 * browser's form does ({@code -F}), with and without the {@code Origin} a browser sends.
 */
class WebProfilesCurlTest {
    @TempDir
    Path tmp;

    record Curl(int status, String body) {}

    Curl curl(String... args) throws IOException, InterruptedException {
        Path curl = Tools.need("curl");
        List<String> cmd = new ArrayList<>(List.of(curl.toString(), "-sS", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String s = new String(out, StandardCharsets.UTF_8);
        int nl = s.lastIndexOf('\n');
        return new Curl(Integer.parseInt(s.substring(nl + 1).strip()), s.substring(0, nl));
    }

    @Test
    void theEsp32WebUpdaterTakesABrowserUploadWithItsOriginAndRefusesOneWithout() throws Exception {
        Path image = WebDevices.espApp(tmp.resolve("v"));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            String url = p.address() + "/update";
            String auth = WebDevices.USER + ":" + WebDevices.PASSWORD;

            Curl form = curl("-u", auth, url);
            assertThat(form.status()).isEqualTo(200);
            assertThat(form.body()).contains("name='firmware'");
            assertThat(curl(url).status()).isEqualTo(401);

            Curl noOrigin = curl("-u", auth, "-F", "firmware=@" + image, url);
            assertThat(noOrigin.status()).isEqualTo(401);            // the right password, but no Origin
            assertThat(p.flashed()).isZero();

            Curl ok = curl("-u", auth, "-H", "Origin: " + p.address(), "-F", "firmware=@" + image, url);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("Update Success! Rebooting...");
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(image));
        }
    }

    @Test
    void withoutAPasswordAWrongOriginIsA200UpdateError() throws Exception {
        Path image = WebDevices.espApp(tmp.resolve("v"));
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32))) {
            Curl r = curl("-H", "Origin: http://elsewhere.example", "-F", "firmware=@" + image, p.address() + "/update");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Update error: Wrong origin received!");
            assertThat(p.flashed()).isZero();
        }
    }

    @Test
    void theEsp8266WebUpdaterSaysItsErrorWith200() throws Exception {
        Path junk = tmp.resolve("junk.bin");
        Files.write(junk, new byte[5000]);
        try (WebUpdaterProfile p = WebUpdaterProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP8266))) {
            Curl r = curl("-F", "firmware=@" + junk, p.address() + "/update");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Update error: ERROR[10]: Magic byte is not 0xE9\n");
        }
    }

    @Test
    void elegantOtaTakesTheBrowserSequenceAndAnUploadWithoutStartFlashesNothing() throws Exception {
        Path image = WebDevices.espApp(tmp.resolve("v"));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(image)));
        try (ElegantOtaProfile p = ElegantOtaProfile.start(WebProfile.Config.of(tmp.resolve("dev"), ArduinoUpdate.Chip.ESP32)
                .withAuth(WebDevices.USER, WebDevices.PASSWORD))) {
            String auth = WebDevices.USER + ":" + WebDevices.PASSWORD;
            assertThat(curl("-u", auth, "--compressed", p.address() + "/update").body()).contains("ElegantOTA");
            assertThat(curl(p.address() + "/ota/start?mode=fr&hash=" + md5).status()).isEqualTo(401);

            // Without /ota/start: "OK", and nothing is flashed.
            Curl blind = curl("-u", auth, "-F", "file=@" + image, p.address() + "/ota/upload");
            assertThat(blind.status()).isEqualTo(200);
            assertThat(blind.body()).isEqualTo("OK");
            assertThat(p.flashed()).isZero();

            // The MD5 is taken and never checked: a wrong one does not stop the update.
            Curl start = curl("-u", auth, p.address() + "/ota/start?mode=fr&hash=" + "0".repeat(32));
            assertThat(start.status()).isEqualTo(200);
            assertThat(start.body()).isEqualTo("OK");
            Curl up = curl("-u", auth, "-F", "file=@" + image, p.address() + "/ota/upload");
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("OK");
            assertThat(p.flashed()).isEqualTo(1);
            assertThat(Files.readAllBytes(p.receivedImage())).isEqualTo(Files.readAllBytes(image));
            assertThat(curl("-u", auth, p.address() + "/ota/start?mode=fr&hash=abc").body()).isEqualTo("MD5 parameter invalid");
        }
    }
}
