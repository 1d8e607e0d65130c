package io.fieldflash.device.http;

import io.fieldflash.Printable;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and changes a {@code fieldflash-http/1} device's settings ({@code GET} and {@code PUT /settings}), with the
 * same token, deadlines, answer size cap and origin check as the update itself. One request per call, no retries.
 *
 * <p>A change is all or nothing: the device checks every value before it applies any, and a refusal
 * ({@link SettingRefusedException}) names the setting. Secrets go to the device and never come back.
 */
public final class SettingsSession implements AutoCloseable {
    private final HttpClient http;
    private final Exchange exchange;
    private final URI api;
    private final String address;
    private final String token;
    private final HttpSettings settings;
    private volatile DeviceSettings last;

    SettingsSession(HttpClient http, URI api, String address, String token, HttpSettings settings) {
        this.http = http;
        this.exchange = new Exchange(http, address);
        this.api = api;
        this.address = address;
        this.token = token;
        this.settings = settings;
    }

    /** True when {@code device} speaks fieldflash-http/1 and its {@code /info} says it serves settings. */
    public static boolean offers(Device device, DeviceInfo info) {
        return device instanceof HttpDevice && info.settings();
    }

    /** A settings session with {@code device}, when it is a fieldflash-http/1 device. */
    public static Optional<SettingsSession> open(Device device) {
        return device instanceof HttpDevice h ? Optional.of(h.openSettings()) : Optional.empty();
    }

    /** The device's address, {@code scheme://host[:port]}. */
    public String address() {
        return address;
    }

    /** The device's {@code /info} (no token needed). */
    public DeviceInfo identify() throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(exchange.request(URI.create(api + "/info"), settings.requestTimeout()).GET().build());
        if (a.status() == 404) throw DeviceException.protocol(address, "it has no " + HttpDevice.API_PATH + "/info (is it a FieldFlash device?)");
        if (a.status() != 200) throw exchange.failure(a, "GET /info");
        return InfoJson.parse(a.body(), address);
    }

    /** The schema and the current values. */
    public DeviceSettings read() throws DeviceException, InterruptedException {
        Exchange.Answer a = exchange.send(authorized().GET().build());
        DeviceSettings s = answer(a, "GET /settings");
        last = s;
        return s;
    }

    /**
     * Sends {@code changes} (only the settings that change; a secret as its new {@link SettingValue.Text}) and returns
     * the settings as the device holds them afterwards.
     *
     * @throws SettingRefusedException when the device refused a value (then it changed nothing)
     */
    public DeviceSettings write(Map<String, SettingValue> changes) throws DeviceException, SettingRefusedException, InterruptedException {
        if (changes.isEmpty()) throw new IllegalArgumentException("no changes to send");
        if (changes.size() > SettingsJson.MAX_SETTINGS) throw new IllegalArgumentException("more changes than a device has settings");
        String body = SettingsJson.changeRequest(changes);
        Exchange.Answer a = exchange.send(authorized().header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
        if (a.status() == 422) {
            SettingsJson.Refusal r = SettingsJson.refusal(a.body());
            DeviceSettings known = last;
            String label = known == null ? Printable.cut(r.field(), 80)
                    : known.spec(r.field()).map(SettingSpec::shownLabel).orElse(Printable.cut(r.field(), 80));
            throw new SettingRefusedException(address, r.field(), label, r.message());
        }
        if (a.status() == 400) {
            throw DeviceException.protocol(address, "it did not understand the settings change ("
                    + Printable.cut(SettingsJson.refusal(a.body()).message(), 200) + ")");
        }
        DeviceSettings s = answer(a, "PUT /settings");
        last = s;
        return s;
    }

    private DeviceSettings answer(Exchange.Answer a, String what) throws DeviceException {
        if (a.status() == 404 || a.status() == 405) {
            throw new DeviceException(DeviceException.Reason.PROTOCOL_ERROR,
                    "The device at " + address + " has no settings FieldFlash can change (" + what + ": HTTP " + a.status() + ").",
                    "Its firmware does not serve settings over its access point; ask the vendor how to set it up.");
        }
        if (a.status() != 200) throw exchange.failure(a, what);
        return SettingsJson.parse(a.body(), address);
    }

    private HttpRequest.Builder authorized() {
        return exchange.request(URI.create(api + "/settings"), settings.requestTimeout()).header("Authorization", "Bearer " + token);
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
