package io.fieldflash.sim.elegantota;

import io.fieldflash.sim.Reply;
import io.fieldflash.sim.Request;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.MultipartReader;
import io.fieldflash.sim.webupdater.WebProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * A simulated device running ElegantOTA 3 on the synchronous Arduino {@code WebServer} (the library's default build).
 * As its {@code ElegantOTA.cpp}:
 * <ul>
 *   <li>{@code GET /update} is the gzip-compressed page; {@code GET /ota/start?mode=fr&hash=MD5} opens an update
 *       session ({@code Update.begin}) and answers {@code OK}, or 400 with the error text; a hash that is not 32
 *       characters is refused, any other is accepted and then forgotten by {@code Update.begin}: never checked;</li>
 *   <li>{@code POST /ota/upload} writes the multipart file part into whatever session is open, then answers
 *       {@code OK} (and restarts) or 400 with the error text. Without {@code /ota/start} nothing is written, yet the
 *       answer is {@code OK};</li>
 *   <li>the password (Basic) is checked on every route; an upload that breaks off leaves the session open: the ESP8266
 *       then refuses the next {@code /ota/start} once with {@code Update already running}, the ESP32 says {@code OK}
 *       and appends the next upload to the broken one, which then fails to activate.</li>
 * </ul>
 */
public final class ElegantOtaProfile extends WebProfile {
    /** Not ElegantOTA's page (that is the library's), but a page that names itself the same way. */
    static final String PAGE = "<!DOCTYPE html><html><head><title>ElegantOTA</title></head><body>"
            + "<div id=\"app\">ElegantOTA (simulated)</div><script>/* GET /ota/start?mode=fr&hash=..., then POST /ota/upload */</script>"
            + "</body></html>";
    private static final byte[] PAGE_GZIP = gzip(PAGE);

    private volatile String updateErrorStr = "";

    private ElegantOtaProfile(Config cfg) throws IOException {
        super(cfg);
    }

    public static ElegantOtaProfile start(Config cfg) throws IOException {
        ElegantOtaProfile p = new ElegantOtaProfile(cfg);
        p.listen();
        return p;
    }

    @Override
    public String describe() {
        return "ElegantOTA 3 (" + (cfg.chip() == ArduinoUpdate.Chip.ESP32 ? "ESP32" : "ESP8266") + ")"
                + (cfg.asksPassword() ? " with a password" : "");
    }

    @Override
    protected Reply handle(Request r) throws IOException {
        String route = r.method() + " " + r.path();
        return switch (route) {
            case "GET /update" -> authenticated(r)
                    ? new Reply.Respond(200, java.util.List.of(new Reply.Header("Content-Type", "text/html"),
                            new Reply.Header("Content-Encoding", "gzip")), PAGE_GZIP, false, () -> {})
                    : askForPassword();
            case "GET /ota/start" -> start(r);
            case "POST /ota/upload" -> upload(r);
            default -> notFound(r);
        };
    }

    private Reply start(Request r) throws IOException {
        if (!authenticated(r)) return askForPassword();
        Optional<String> hash = param(r, "hash");
        if (hash.isPresent() && hash.get().length() != 32) return Reply.text(400, "text/plain", "MD5 parameter invalid");
        if (param(r, "mode").orElse("").equals("fs")) return Reply.text(400, "text/plain", "filesystem updates are not simulated\n");
        if (!update.begin()) updateErrorStr = update.errorText() + "\n";
        return update.hasError() ? Reply.text(400, "text/plain", updateErrorStr) : Reply.text(200, "text/plain", "OK");
    }

    private Reply upload(Request r) throws IOException {
        Optional<Reply> broke = upload(r, new UploadHandler() {
            @Override
            public void start(MultipartReader.Part part) {
                // The library only logs a failed password here; the writes below go on regardless.
            }

            @Override
            public void write(byte[] b, int len) throws IOException {
                update.write(b, 0, len);
            }

            @Override
            public void end() throws IOException {
                if (!update.end(true)) updateErrorStr = update.errorText() + "\n";
            }

            @Override
            public void aborted() {
                // "Update Failed Unexpectedly (likely broken connection)": logged, and the session stays open.
            }
        });
        if (broke.isPresent()) return broke.get();
        if (!authenticated(r)) return askForPassword();
        if (update.hasError()) return Reply.text(400, "text/plain", updateErrorStr).closing();
        return thenRestart(Reply.text(200, "text/plain", "OK"));      // the auto-reboot two seconds later
    }

    private static byte[] gzip(String s) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(b)) {
                z.write(s.getBytes(StandardCharsets.UTF_8));
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
