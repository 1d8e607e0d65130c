package io.fieldflash.device.webupdater;

import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import io.fieldflash.device.Protocols;
import io.fieldflash.device.StreamedTransfer;
import io.fieldflash.device.http.HttpSettings;
import java.io.IOException;
import java.net.URI;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * What the web-page updaters (the Arduino web updater, ElegantOTA) have in common: a page at a fixed path that
 * tells the updater apart and sits behind the same Basic password as the upload, one streamed upload the device
 * checks and installs as it arrives, no install step, no reboot command, no trial boot, and nothing said about the
 * device itself. A subclass gives its {@link Kind} (how its page looks) and how its upload goes.
 */
public abstract class WebPageDevice implements Device {
    /** Nothing but a single upload the device checks and boots by itself. */
    public static final Capabilities CAPABILITIES = new Capabilities(false, false, false, false, false, false, false);

    /**
     * What tells one updater apart.
     *
     * @param protocol     the name in the audit log
     * @param path         the path of the updater's page
     * @param isPage       true when the answer to {@code GET path} is this updater's page
     * @param pageWords    the page in words, for the error when it is something else (e.g. {@code ElegantOTA's page})
     * @param updaterWords the updater in words, for the steps it does not have (e.g. {@code the web updater})
     */
    public record Kind(String protocol, String path, Predicate<WebForm.Answer> isPage, String pageWords, String updaterWords) {}

    private final Kind kind;
    private final URI address;
    private final String user;
    private final String password;
    private final HttpSettings settings;

    protected WebPageDevice(Kind kind, URI address, String user, String password, HttpSettings settings) {
        new WebForm(address, user, password, settings).close();    // checks the address now, not at open()
        this.kind = kind;
        this.address = address;
        this.user = user;
        this.password = password;
        this.settings = settings;
    }

    /** Sends {@code image} through {@code form}; the one send of one transfer (called again for each attempt). */
    protected abstract Upload upload(WebForm form, ImageSource image);

    /** One attempt of an upload; a transfer keeps its {@code Upload}, so it may remember earlier attempts. */
    @FunctionalInterface
    protected interface Upload {
        void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException;
    }

    @Override
    public final String transport() {
        return kind.protocol();
    }

    @Override
    public final String address() {
        return "http://" + address.getRawAuthority();
    }

    @Override
    public final Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public final DeviceSession open() {
        return new Session(new WebForm(address, user, password, settings));
    }

    /** Auto-detection: {@code GET path} is the updater's page (or wants a password). Changes nothing. */
    protected static Protocols.Finding probe(URI address, Protocols.Credentials c, HttpSettings settings, Kind kind)
            throws DeviceException, InterruptedException {
        try (WebForm form = new WebForm(address, c.user(), c.password(), settings)) {
            WebForm.Answer a = form.get(kind.path());
            if (a.status() == 401) return Protocols.Finding.PASSWORD_WANTED;
            return kind.isPage().test(a) ? Protocols.Finding.FOUND : Protocols.Finding.ABSENT;
        }
    }

    private final class Session implements DeviceSession {
        private final WebForm form;

        Session(WebForm form) {
            this.form = form;
        }

        @Override
        public DeviceInfo identify() throws DeviceException, InterruptedException {
            checkAccess();
            return WebPages.anonymous(kind.protocol(), form.address());
        }

        /** {@code GET} of the page: the page, behind the same password as the upload. Changes nothing. */
        @Override
        public void checkAccess() throws DeviceException, InterruptedException {
            WebForm.Answer a = form.get(kind.path());
            if (a.status() == 401) throw WebPages.authFailed(form, a, "the update page");
            if (!kind.isPage().test(a)) {
                throw DeviceException.protocol(form.address(), "GET " + kind.path() + " is not " + kind.pageWords() + " (HTTP "
                        + a.status() + ")");
            }
        }

        @Override
        public ImageTransfer openTransfer(ImageSource image, String resumeHandle) {
            Upload upload = upload(form, image);
            return new StreamedTransfer() {
                @Override
                public ImageSource image() {
                    return image;
                }

                @Override
                public void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException {
                    upload.send(progress);
                }
            };
        }

        @Override
        public void install(ImageTransfer transfer, InstallRequest request) {
            throw new UnsupportedOperationException(kind.updaterWords() + " installs as it receives");
        }

        @Override
        public void reboot() {
            throw new UnsupportedOperationException(kind.updaterWords() + " restarts by itself");
        }

        @Override
        public void confirm() {
            throw new UnsupportedOperationException(kind.updaterWords() + " has no trial boot");
        }

        @Override
        public void close() {
            form.close();
        }
    }
}
