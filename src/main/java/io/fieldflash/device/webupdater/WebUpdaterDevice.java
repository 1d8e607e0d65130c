package io.fieldflash.device.webupdater;

import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import io.fieldflash.device.StreamedTransfer;
import io.fieldflash.device.http.HttpSettings;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.function.LongConsumer;

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
public final class WebUpdaterDevice implements Device {
    /** The name in the audit log. */
    public static final String PROTOCOL = "arduino-web-updater";
    /** Nothing but a single upload the device checks and boots by itself. */
    public static final Capabilities CAPABILITIES = new Capabilities(false, false, false, false, false, false, false);
    static final String PATH = "/update";

    private final URI address;
    private final String user;
    private final String password;
    private final HttpSettings settings;

    public WebUpdaterDevice(URI address, String user, String password, HttpSettings settings) {
        new WebForm(address, user, password, settings).close();    // checks the address now, not at open()
        this.address = address;
        this.user = user;
        this.password = password;
        this.settings = settings;
    }

    @Override
    public String transport() {
        return PROTOCOL;
    }

    @Override
    public String address() {
        return "http://" + address.getRawAuthority();
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public DeviceSession open() {
        return new Session(new WebForm(address, user, password, settings));
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
    public static io.fieldflash.device.Protocols.Finding probe(URI address, io.fieldflash.device.Protocols.Credentials c,
                                                            HttpSettings settings) throws DeviceException, InterruptedException {
        try (WebForm form = new WebForm(address, c.user(), c.password(), settings)) {
            WebForm.Answer a = form.get(PATH);
            if (a.status() == 401) return io.fieldflash.device.Protocols.Finding.PASSWORD_WANTED;
            return isForm(a) ? io.fieldflash.device.Protocols.Finding.FOUND : io.fieldflash.device.Protocols.Finding.ABSENT;
        }
    }

    private static final class Session implements DeviceSession {
        private final WebForm form;

        Session(WebForm form) {
            this.form = form;
        }

        @Override
        public DeviceInfo identify() throws DeviceException, InterruptedException {
            checkAccess();
            return WebPages.anonymous(PROTOCOL, form.address());
        }

        @Override
        public void checkAccess() throws DeviceException, InterruptedException {
            WebForm.Answer a = form.get(PATH);
            if (a.status() == 401) throw WebPages.authFailed(form, a, "the update page");
            if (!isForm(a)) {
                throw DeviceException.protocol(form.address(), "GET " + PATH + " is not the Arduino web updater's form (HTTP "
                        + a.status() + ")");
            }
        }

        @Override
        public ImageTransfer openTransfer(ImageSource image, String resumeHandle) {
            return new Upload(image);
        }

        private final class Upload implements StreamedTransfer {
            private final ImageSource image;

            Upload(ImageSource image) {
                this.image = image;
            }

            @Override
            public ImageSource image() {
                return image;
            }

            @Override
            public void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException {
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
            }
        }

        @Override
        public void install(ImageTransfer transfer, InstallRequest request) {
            throw new UnsupportedOperationException("the web updater installs as it receives");
        }

        @Override
        public void reboot() {
            throw new UnsupportedOperationException("the web updater restarts by itself");
        }

        @Override
        public void confirm() {
            throw new UnsupportedOperationException("the web updater has no trial boot");
        }

        @Override
        public void close() {
            form.close();
        }
    }
}
