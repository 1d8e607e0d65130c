package io.fieldflash.device;

import io.fieldflash.device.elegantota.ElegantOtaDevice;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.webupdater.WebUpdaterDevice;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The update protocols FieldFlash speaks, by the names a person types ({@code --protocol}), and the detection of the one
 * a device speaks. Adding a protocol is one entry in {@link #ALL}: its name, its description for people, how to make its
 * {@link Device}, and, if it can be told apart without side effects, how to probe for it.
 */
public final class Protocols {
    private Protocols() {}

    /** What the person gave to reach the device; empty texts for what was not given. */
    public record Credentials(String token, String user, String password) {
        public static final Credentials NONE = new Credentials("", "", "");

        public Credentials {
            token = token == null ? "" : token;
            user = user == null ? "" : user;
            password = password == null ? "" : password;
        }
    }

    /** What a probe found at the address. */
    public enum Finding {
        /** The protocol answers there. */
        FOUND,
        /** Something there wants a user and password (or refused the ones given) before it says what it is. */
        PASSWORD_WANTED,
        /** Not this protocol. */
        ABSENT
    }

    /** Makes a protocol's device; {@link IllegalArgumentException} for an address or credentials it cannot use. */
    @FunctionalInterface
    public interface Factory {
        Device create(URI address, Credentials credentials, HttpSettings settings);
    }

    /**
     * Asks, without changing anything on the device, whether it speaks the protocol. {@link DeviceException} only when
     * nothing answers at all.
     */
    @FunctionalInterface
    public interface Probe {
        Finding probe(URI address, Credentials credentials, HttpSettings settings) throws DeviceException, InterruptedException;
    }

    /**
     * One protocol.
     *
     * @param id      the name for {@code --protocol}
     * @param words   what it is, for people, e.g. {@code an ElegantOTA web updater, cannot resume}
     * @param factory how to make its device; null while it is not built yet
     * @param probe   how to detect it without side effects; null when it is never probed (espota: only when asked)
     */
    public record Protocol(String id, String words, Factory factory, Probe probe) {
        public boolean built() {
            return factory != null;
        }
    }

    /** Every protocol, in the order auto-detection probes them. */
    private static final List<Protocol> ALL = List.of(
            new Protocol("fieldflash-http", "a FieldFlash device (fieldflash-http/1), can resume", Protocols::fieldflash, Protocols::probeFieldflash),
            new Protocol("viperhttp", "a ViperHTTP OTA endpoint, can resume", Protocols::viperhttp, Protocols::probeViperhttp),
            new Protocol("elegantota", "an ElegantOTA web updater, cannot resume",
                    (a, c, s) -> new ElegantOtaDevice(a, c.user(), c.password(), s), ElegantOtaDevice::probe),
            new Protocol("web-updater", "an Arduino web updater, cannot resume",
                    (a, c, s) -> new WebUpdaterDevice(a, c.user(), c.password(), s), WebUpdaterDevice::probe),
            // Never probed: an invitation is sent only when asked for (--protocol espota or an espota:// address).
            new Protocol("espota", "an ArduinoOTA (espota) listener, cannot resume",
                    (a, c, s) -> io.fieldflash.device.espota.EspOtaDevice.parse(a.toString(), c.password()), null));

    /** Every protocol, built or not. */
    public static List<Protocol> all() {
        return ALL;
    }

    /** The names for {@code --protocol}, in order. */
    public static List<String> ids() {
        return ALL.stream().map(Protocol::id).toList();
    }

    public static Optional<Protocol> byId(String id) {
        return ALL.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /**
     * The device for protocol {@code id} at {@code address}.
     *
     * @throws IllegalArgumentException for an unknown or not yet built protocol, or an address or credentials it
     *                                  cannot use; the message says which
     */
    public static Device create(String id, URI address, Credentials credentials, HttpSettings settings) {
        Protocol p = byId(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown protocol '" + id + "'; known: " + String.join(", ", ids())));
        if (!p.built()) {
            throw new IllegalArgumentException("the " + p.id() + " protocol is not available in this version of FieldFlash yet; "
                    + "available: " + String.join(", ", ALL.stream().filter(Protocol::built).map(Protocol::id).toList()));
        }
        return p.factory().create(address, credentials, settings);
    }

    /** What auto-detection found. */
    public record Detection(Protocol protocol) {
        /** For people: {@code an ElegantOTA web updater, cannot resume}. */
        public String describe() {
            return protocol.words();
        }
    }

    /**
     * Probes {@code address} for each protocol that can be probed without side effects, in order, and names the first
     * that answers. Only {@code GET}s of pages and status documents are sent.
     *
     * @throws DeviceException {@code UNREACHABLE} when nothing answers, {@code AUTH_FAILED} when only a password-protected
     *                         page answers, {@code PROTOCOL_ERROR} when no known protocol does
     */
    public static Detection detect(URI address, Credentials credentials, HttpSettings settings) throws DeviceException, InterruptedException {
        String where = address.getScheme() + "://" + address.getRawAuthority();
        if ("https".equalsIgnoreCase(address.getScheme())) return new Detection(byId("fieldflash-http").orElseThrow());
        List<String> locked = new ArrayList<>();
        for (Protocol p : ALL) {
            if (p.probe() == null || !p.built()) continue;
            Finding f = p.probe().probe(address, credentials, settings);
            if (f == Finding.FOUND) return new Detection(p);
            if (f == Finding.PASSWORD_WANTED) locked.add(p.id());
        }
        if (!locked.isEmpty()) {
            boolean given = !credentials.user().isEmpty() || !credentials.password().isEmpty() || !credentials.token().isEmpty();
            throw new DeviceException(DeviceException.Reason.AUTH_FAILED,
                    "The device at " + where + " has an update page that wants a password or token"
                            + (given ? ", and refused what was given" : "") + ", so FieldFlash cannot tell which updater it is ("
                            + String.join(" or ", locked) + ").",
                    "Give the device's update user and password (--user and --password, or FIELDFLASH_PASSWORD) or its token "
                            + "(--token), or name the protocol with --protocol.", null, 401, "", java.time.Duration.ZERO);
        }
        throw new DeviceException(DeviceException.Reason.PROTOCOL_ERROR,
                "The device at " + where + " answers, but none of the update protocols FieldFlash can detect ("
                        + String.join(", ", ALL.stream().filter(p -> p.built() && p.probe() != null).map(Protocol::id).toList()) + ").",
                "Check the address. If the device uses another protocol, name it with --protocol (ArduinoOTA/espota is never "
                        + "detected: it is only tried when asked for).");
    }

    /**
     * A device whose protocol is detected when it is opened (after the bundle was verified, so a bad bundle is refused
     * before anything is sent). {@code found} hears the finding.
     */
    public static Device detecting(URI address, Credentials credentials, HttpSettings settings, Consumer<Detection> found) {
        return new Device() {
            private volatile Device target;

            @Override
            public String transport() {
                Device t = target;
                return t == null ? "auto" : t.transport();
            }

            @Override
            public String address() {
                Device t = target;
                return t == null ? address.getScheme() + "://" + address.getRawAuthority() : t.address();
            }

            @Override
            public Capabilities capabilities() {
                Device t = target;
                if (t == null) throw new IllegalStateException("the protocol is detected by open()");
                return t.capabilities();
            }

            @Override
            public DeviceSession open() throws DeviceException {
                Detection d;
                try {
                    d = detect(address, credentials, settings);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw DeviceException.unreachable(address(), "interrupted while detecting its protocol", e);
                }
                found.accept(d);
                try {
                    target = d.protocol().factory().create(address, credentials, settings);
                } catch (IllegalArgumentException e) {
                    throw new DeviceException(DeviceException.Reason.AUTH_FAILED,
                            "The device at " + address() + " is " + d.describe() + ", but " + e.getMessage() + ".",
                            "Give what it needs (--token for fieldflash-http) and run the same command again.");
                }
                return target.open();
            }

            @Override
            public String toString() {
                Device t = target;
                return t == null ? "device at " + address() + " (protocol not detected yet)" : t.toString();
            }
        };
    }

    // ---- ViperHTTP ----------------------------------------------------------------------------------------------

    private static Device viperhttp(URI address, Credentials c, HttpSettings s) {
        return io.fieldflash.device.viperhttp.ViperHttpDevice.of(address, c.token().strip())
                .withTimeouts(s.connectTimeout(), s.requestTimeout());
    }

    /** {@code GET /ota/status} (read-only), with the token when one was given. */
    private static Finding probeViperhttp(URI address, Credentials c, HttpSettings s) throws DeviceException, InterruptedException {
        try (io.fieldflash.device.webupdater.WebForm form = new io.fieldflash.device.webupdater.WebForm(address, "", "", s)) {
            io.fieldflash.device.webupdater.WebForm.Answer a = form.get("/ota/status",
                    c.token().isBlank() ? java.util.Map.of() : java.util.Map.of("X-OTA-Token", c.token().strip()));
            if (a.status() == 401 && a.text().contains("ota token")) return Finding.PASSWORD_WANTED;
            return a.status() == 200 && a.text().contains("next_update_partition") ? Finding.FOUND : Finding.ABSENT;
        }
    }

    // ---- fieldflash-http/1 ------------------------------------------------------------------------------------

    private static Device fieldflash(URI address, Credentials c, HttpSettings s) {
        if (c.token().isBlank()) throw new IllegalArgumentException("fieldflash-http needs the device's access token");
        return new HttpDevice(address, c.token().strip(), s);
    }

    /** {@code GET /fieldflash/v1/info}: read-only, needs no token. */
    private static Finding probeFieldflash(URI address, Credentials c, HttpSettings s) throws DeviceException, InterruptedException {
        try (io.fieldflash.device.webupdater.WebForm form = new io.fieldflash.device.webupdater.WebForm(address, "", "", s)) {
            io.fieldflash.device.webupdater.WebForm.Answer a = form.get("/fieldflash/v1/info");
            return a.status() == 200 && a.text().contains("fieldflash-http/") ? Finding.FOUND : Finding.ABSENT;
        }
    }
}
