package io.fieldflash.device.webupdater;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.Protocols;
import io.fieldflash.device.http.HttpSettings;
import java.net.URI;
import java.util.Locale;

/**
 * A device with the Arduino web updater ({@code ESP8266HTTPUpdateServer}, arduino-esp32 {@code HTTPUpdateServer}) at
 * {@code /update}: one multipart POST with the image as a file part; the device writes it as it arrives, checks the
 * ESP image header, and restarts by itself when the image ended well. It cannot resume, has no separate install step
 * and says nothing about itself.
 *
 * <p>Its answers: {@code Update Success! Rebooting...}; or, still with HTTP 200, {@code Update error: } and the
 * device's own error text (ESP8266: {@code ERROR[n]: ...}), which is a failure; 401 for a wrong user or password, and
 * on arduino-esp32 3.3 also for a missing or wrong {@code Origin} (without a password set: 200
 * {@code Update error: Wrong origin received!}).
 */
public final class WebUpdaterDevice extends WebPageDevice {
    /** The name in the audit log. */
    public static final String PROTOCOL = "arduino-web-updater";
    static final String PATH = "/update";

    private static final Kind KIND = new Kind(PROTOCOL, PATH, WebUpdaterDevice::isForm, "the Arduino web updater's form", "the web updater");

    public WebUpdaterDevice(URI address, String user, String password, HttpSettings settings) {
        super(KIND, address, user, password, settings);
    }

    @Override
    public String toString() {
        return "Arduino web updater at " + address();
    }

    /** True when {@code a} is the updater's form page (the upload field of either core). */
    static boolean isForm(WebForm.Answer a) {
        String t = a.text().toLowerCase(Locale.ROOT);
        return a.status() == 200 && a.contentEncoding().isEmpty() && t.contains("multipart/form-data") && t.contains("name='firmware'");
    }

    /** Auto-detection: {@code GET /update} is the updater's form (or wants a password). Changes nothing. */
    public static Protocols.Finding probe(URI address, Protocols.Credentials c, HttpSettings settings)
            throws DeviceException, InterruptedException {
        return probe(address, c, settings, KIND);
    }

    @Override
    protected Upload upload(WebForm form, ImageSource image) {
        return progress -> {
            WebForm.Answer a = form.upload(PATH, "firmware", WebPages.fileName(image), image, progress);
            String text = a.text().strip();
            if (a.status() == 401) throw WebPages.authFailed(form, a, "the upload");
            if (a.status() == 200 && text.contains("Update Success")) return;
            if (a.status() == 200 && text.startsWith("Update error:")) {
                String said = text.substring("Update error:".length()).strip();
                throw WebPages.refused(form, 200, said, said.contains("Wrong origin")
                        ? "The device refused the upload's origin (arduino-esp32 3.3 checks it). FieldFlash sends the origin "
                          + "the device expects, so something between the laptop and the device changed the request (a proxy?): "
                          + "connect the laptop to the device's own Wi-Fi directly and try again."
                        : null);
            }
            throw DeviceException.protocol(form.address(), "HTTP " + a.status() + " to the upload: \"" + a.printable() + "\"");
        };
    }
}
