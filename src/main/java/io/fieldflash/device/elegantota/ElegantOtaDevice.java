package io.fieldflash.device.elegantota;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.Protocols;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.webupdater.WebForm;
import io.fieldflash.device.webupdater.WebPageDevice;
import io.fieldflash.device.webupdater.WebPages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;




import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * A device with ElegantOTA 3 (the library's default build, on the synchronous Arduino {@code WebServer}):
 * {@code GET /ota/start?mode=fr&hash=MD5} opens the device's update session, then a multipart
 * {@code POST /ota/upload} carries the image; {@code OK} means the image ended well and the device restarts by itself,
 * 400 with a text is the device's error. Basic authentication on every route when the device has a password.
 *
 * <p>What the library's code does, and this adapter allows for:
 * <ul>
 *   <li>the MD5 given to {@code /ota/start} is forgotten by the {@code Update.begin} that follows, so the device never
 *       checks it: FieldFlash's own checks (the bundle's signature and SHA-256, on the laptop) are what stand;</li>
 *   <li>an upload without {@code /ota/start} is answered {@code OK} and flashes nothing, so every upload here is
 *       preceded by its own {@code /ota/start};</li>
 *   <li>an upload that breaks off leaves the session open. The ESP8266 refuses the next {@code /ota/start} once with
 *       {@code Update already running} (and closes the session): started again at once. The ESP32 accepts it and
 *       appends the next upload to the broken one, which then fails to activate (and closes the session): after a
 *       break, that refusal is taken as the break's and the upload is sent again.</li>
 * </ul>
 */
public final class ElegantOtaDevice extends WebPageDevice {
    /** The name in the audit log. */
    public static final String PROTOCOL = "elegantota-3";
    static final String PAGE = "/update";

    private static final Kind KIND = new Kind(PROTOCOL, PAGE, ElegantOtaDevice::isPage, "ElegantOTA's page", "ElegantOTA");

    public ElegantOtaDevice(URI address, String user, String password, HttpSettings settings) {
        super(KIND, address, user, password, settings);
    }

    @Override
    public String toString() {
        return "ElegantOTA at " + address();
    }

    /** True when {@code a} is ElegantOTA's page: gzip-compressed HTML that names the library. */
    static boolean isPage(WebForm.Answer a) {
        if (a.status() != 200 || !a.contentEncoding().equalsIgnoreCase("gzip")) return false;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(a.body()))) {
            String html = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            return html.contains("ElegantOTA");
        } catch (IOException e) {
            return false;
        }
    }

    /** Auto-detection: {@code GET /update} is ElegantOTA's page (or wants a password). Never {@code /ota/start}: that opens a session. */
    public static Protocols.Finding probe(URI address, Protocols.Credentials c, HttpSettings settings)
            throws DeviceException, InterruptedException {
        return probe(address, c, settings, KIND);
    }

    @Override
    protected Upload upload(WebForm form, ImageSource image) {
        return new Upload() {
            private boolean brokeBefore;

            @Override
            public void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException {
                String md5 = image.md5();   // as ElegantOTA's page computes it for /ota/start
                WebForm.Answer s = start(md5);
                if (s.status() == 400 && s.text().contains("already running")) s = start(md5);   // ESP8266: closed by the refusal
                if (s.status() == 401) throw WebPages.authFailed(form, s, "/ota/start");
                if (s.status() != 200) {
                    if (s.status() == 400) throw WebPages.refused(form, 400, s.text().strip(), null);
                    throw DeviceException.protocol(form.address(), "HTTP " + s.status() + " to /ota/start: \"" + s.printable() + "\"");
                }
                WebForm.Answer a;
                try {
                    a = form.upload("/ota/upload", "file", WebPages.fileName(image), image, progress);
                } catch (DeviceException e) {
                    if (e.retryable()) brokeBefore = true;
                    throw e;
                }
                if (a.status() == 401) throw WebPages.authFailed(form, a, "the upload");
                if (a.status() == 200 && a.text().strip().equals("OK")) return;
                if (a.status() == 400) {
                    String said = a.text().strip();
                    if (brokeBefore) {
                        brokeBefore = false;
                        throw new DeviceException(DeviceException.Reason.DEVICE_ERROR,
                                "The device at " + form.address() + " refused the image (\"" + io.fieldflash.Printable.cut(said, 200)
                                        + "\"): the upload that broke off before left its update session open, and this one was "
                                        + "added to it. The refusal closed that session.",
                                "Nothing to do: FieldFlash sends the image once more. If it fails again, restart the device "
                                        + "(power off and on) and run the same command again.");
                    }
                    throw WebPages.refused(form, 400, said, null);
                }
                throw DeviceException.protocol(form.address(), "HTTP " + a.status() + " to the upload: \"" + a.printable() + "\"");
            }

            private WebForm.Answer start(String md5) throws DeviceException, InterruptedException {
                WebForm.Answer s = form.get("/ota/start?mode=fr&hash=" + md5);
                if (s.status() == 401 && !form.authenticating()) throw WebPages.authFailed(form, s, "/ota/start");
                return s;
            }
        };
    }
}
