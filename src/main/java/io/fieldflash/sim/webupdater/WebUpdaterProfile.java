package io.fieldflash.sim.webupdater;

import io.fieldflash.sim.Reply;
import io.fieldflash.sim.Request;
import java.io.IOException;
import java.util.Optional;

/**
 * A simulated device running the Arduino web updater: esp8266/Arduino's {@code ESP8266HTTPUpdateServer} or
 * arduino-esp32's {@code HTTPUpdateServer} (3.3 and later, with its Origin check). As the real one:
 * <ul>
 *   <li>{@code GET /update} is the upload form (Basic authentication when a user and password are set);</li>
 *   <li>{@code POST /update} takes a multipart file part; the password is checked when the part starts, and on the
 *       ESP32 also that {@code Origin} is {@code http://} + the {@code Host} header, else the upload is ignored and
 *       answered 401, or, without a password, 200 {@code Update error: Wrong origin received!};</li>
 *   <li>a failed update is still answered 200, {@code Update error: } and the {@code Update} object's error text;
 *       success is {@code Update Success! Rebooting...} and the device restarts;</li>
 *   <li>an upload that breaks off closes the update session ({@code Update.end()} on the aborted upload), so the
 *       next upload starts afresh.</li>
 * </ul>
 */
public final class WebUpdaterProfile extends WebProfile {
    static final String FORM = """
            <!DOCTYPE html>
            <html lang='en'><head><meta charset='utf-8'></head><body>
            <form method='POST' action='' enctype='multipart/form-data'>
            Firmware:<br><input type='file' accept='.bin,.bin.gz' name='firmware'><input type='submit' value='Update Firmware'>
            </form>
            <form method='POST' action='' enctype='multipart/form-data'>
            FileSystem:<br><input type='file' accept='.bin,.bin.gz' name='filesystem'><input type='submit' value='Update FileSystem'>
            </form>
            </body></html>""";
    static final String SUCCESS = "<META http-equiv=\"refresh\" content=\"15;URL=/\">Update Success! Rebooting...";

    private volatile boolean authenticated;   // the library's _authenticated: set when a file part starts
    private volatile String updaterError = "";

    private WebUpdaterProfile(Config cfg) throws IOException {
        super(cfg);
    }

    public static WebUpdaterProfile start(Config cfg) throws IOException {
        WebUpdaterProfile p = new WebUpdaterProfile(cfg);
        p.listen();
        return p;
    }

    @Override
    public String describe() {
        return "Arduino web updater (" + (cfg.chip() == ArduinoUpdate.Chip.ESP32 ? "arduino-esp32 3.3" : "ESP8266") + ")"
                + (cfg.asksPassword() ? " with a password" : "");
    }

    @Override
    protected Reply handle(Request r) throws IOException {
        if (!r.path().equals("/update")) return notFound(r);
        return switch (r.method()) {
            case "GET" -> authenticated(r) ? Reply.text(200, "text/html", FORM) : askForPassword();
            case "POST" -> post(r);
            default -> notFound(r);
        };
    }

    private Reply post(Request r) throws IOException {
        Optional<Reply> broke = upload(r, new UploadHandler() {
            @Override
            public void start(MultipartReader.Part part) throws IOException {
                updaterError = "";
                authenticated = authenticated(r);
                if (!authenticated) return;
                if (cfg.chip() == ArduinoUpdate.Chip.ESP32) {
                    String expected = "http://" + r.header("Host").orElse("");
                    if (!r.header("Origin").orElse("").equals(expected)) {
                        authenticated = false;      // "Wrong origin received!" goes to the serial log
                        return;
                    }
                }
                if (part.name().equals("filesystem")) {
                    updaterError = "filesystem updates are not simulated";
                    return;
                }
                if (!update.begin()) updaterError = update.errorText();
            }

            @Override
            public void write(byte[] b, int len) throws IOException {
                if (authenticated && updaterError.isEmpty() && update.write(b, 0, len) != len) updaterError = update.errorText();
            }

            @Override
            public void end() throws IOException {
                if (authenticated && updaterError.isEmpty() && !update.end(true)) updaterError = update.errorText();
            }

            @Override
            public void aborted() throws IOException {
                if (authenticated) update.end(false);
            }
        });
        if (broke.isPresent()) return broke.get();
        if (!authenticated) {
            if (cfg.chip() == ArduinoUpdate.Chip.ESP32 && !cfg.asksPassword()) {
                return Reply.text(200, "text/html", "Update error: Wrong origin received!");
            }
            return askForPassword();
        }
        if (update.hasError() || !updaterError.isEmpty()) return Reply.text(200, "text/html", "Update error: " + updaterError);
        return thenRestart(Reply.text(200, "text/html", SUCCESS));      // ESP.restart()
    }
}
