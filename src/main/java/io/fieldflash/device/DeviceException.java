package io.fieldflash.device;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A device refused a request, failed, or could not be reached. {@link #reason()} is machine-readable,
 * the message is a sentence for a person and {@link #hint()} says what to do.
 *
 * <p>{@link #retryable()} separates the breaks a transfer rides over (a dropped connection, a chunk that
 * arrived damaged, a device busy rebooting) from the answers that no retry changes (a wrong token, a
 * refused install).
 */
public final class DeviceException extends FieldFlashException {

    /** Why. {@link #code()} is the name, except where noted. */
    public enum Reason {
        /** The device refused the access token (HTTP 401). */
        AUTH_FAILED(false),
        /** Too many wrong tokens: the device refuses everything for a while (HTTP 423). */
        LOCKED_OUT(false),
        /** No answer: connection refused, reset or timed out. Retryable within a transfer. */
        UNREACHABLE(true),
        /** The device failed on its side (HTTP 5xx). */
        DEVICE_ERROR(true),
        /** A chunk arrived damaged and was discarded (HTTP 460); send it again. */
        CHECKSUM_REJECTED(true),
        /** The device holds a different offset than the client assumed (HTTP 409 on PATCH); ask it and go on. */
        OFFSET_MISMATCH(true),
        /** The transfer the client wanted to continue is unknown or expired on the device (HTTP 404/410). */
        UPLOAD_GONE(false),
        /** The device is busy with another transfer (HTTP 409 on create). */
        UPLOAD_BUSY(false),
        /** The image or a chunk is larger than the device accepts (HTTP 413). */
        TOO_LARGE(false),
        /** The device checked the image and refused to install it (HTTP 422 with a code). */
        INSTALL_REFUSED(false),
        /** The device did not come back after a restart within the time allowed. */
        NOT_BACK(false),
        /** The device answered something this client does not understand. */
        PROTOCOL_ERROR(false),
        /** Another unit than the one identified at first contact answers at the address (another id, product or hardware). */
        OTHER_DEVICE(false),
        /** The device's HTTPS certificate is not one this laptop trusts (or not the pinned one). */
        CERTIFICATE_UNTRUSTED(false),
        /** The transfer sent far more than the image without getting the device to hold it (a device that loses what it took). */
        TRANSFER_STALLED(false),
        /** The device runs firmware on trial and installs nothing until it is confirmed or reverted (HTTP 409 to install). */
        TRIAL_UNCONFIRMED(false),
        /**
         * The device refuses to restart: the install pending there lacks an image of its manifest, or holds a damaged
         * one (HTTP 409 to reboot); {@link #missingImages()} names the images never installed, when the device says.
         */
        INSTALL_INCOMPLETE(false),
        /**
         * The device accepted an invitation to fetch the image but never connected back to the laptop (espota): a
         * firewall on the laptop blocks the inbound connection, or the device found the image too large after saying yes.
         */
        NO_CONNECTION_BACK(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;
    private final int httpStatus;
    private final String deviceCode;
    private final Duration retryAfter;
    private final List<String> missingImages;

    public DeviceException(Reason reason, String message, String hint) {
        this(reason, message, hint, null, 0, "", Duration.ZERO);
    }

    public DeviceException(Reason reason, String message, String hint, Throwable cause) {
        this(reason, message, hint, cause, 0, "", Duration.ZERO);
    }

    /**
     * @param httpStatus the HTTP status that led here, 0 when none
     * @param deviceCode the device's own error code (e.g. {@code DOWNGRADE} from a 422), empty when none
     * @param retryAfter how long the device asked to wait, {@link Duration#ZERO} when it did not say
     */
    public DeviceException(Reason reason, String message, String hint, Throwable cause, int httpStatus,
                           String deviceCode, Duration retryAfter) {
        super(message, hint, cause);
        this.reason = reason;
        this.httpStatus = httpStatus;
        this.deviceCode = deviceCode == null ? "" : deviceCode;
        this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
        this.missingImages = List.of();
    }

    private DeviceException(String message, String hint, List<String> missingImages) {
        super(message, hint, null);
        this.reason = Reason.INSTALL_INCOMPLETE;
        this.httpStatus = 409;
        this.deviceCode = Reason.INSTALL_INCOMPLETE.name();
        this.retryAfter = Duration.ZERO;
        this.missingImages = List.copyOf(missingImages);
    }

    public Reason reason() {
        return reason;
    }

    /** True for breaks that a resend or a short wait can get over. */
    public boolean retryable() {
        return reason.retryable();
    }

    /** The HTTP status behind this, when there was one. */
    public Optional<Integer> httpStatus() {
        return httpStatus == 0 ? Optional.empty() : Optional.of(httpStatus);
    }

    /** The device's own code, e.g. {@code DOWNGRADE} for a refused install. */
    public Optional<String> deviceCode() {
        return deviceCode.isEmpty() ? Optional.empty() : Optional.of(deviceCode);
    }

    /** How long the device asked the client to wait (Retry-After), when it said. */
    public Optional<Duration> retryAfter() {
        return retryAfter.isZero() ? Optional.empty() : Optional.of(retryAfter);
    }

    /**
     * For {@link Reason#INSTALL_INCOMPLETE}: the images the device says were never installed (names as the device
     * gave them, not escaped); empty when it names none (e.g. an image whose bytes are damaged).
     */
    public List<String> missingImages() {
        return missingImages;
    }

    @Override
    public String code() {
        return reason.name();
    }

    // ---- the sentences, in one place, so every transport words the common cases alike -------------------

    public static DeviceException authFailed(String address) {
        return new DeviceException(Reason.AUTH_FAILED,
                "The device at " + address + " refused the access token.",
                "Check the token (device label or site records) and try again. After several wrong tokens in a row "
                        + "the device locks itself for a while, so do not guess.", null, 401, "", Duration.ZERO);
    }

    public static DeviceException lockedOut(String address, Duration retryAfter) {
        String span = span(retryAfter);
        String when = retryAfter.isZero() ? "for a while" : "for about " + span.replace(" minute", " more minute").replace(" hour", " more hour");
        return new DeviceException(Reason.LOCKED_OUT,
                "The device at " + address + " is locked after too many wrong access tokens; it refuses updates " + when + ".",
                "Wait " + (retryAfter.isZero() ? "a while" : span)
                        + ", then try again with the correct token. Restarting FieldFlash or the laptop does not shorten the wait.",
                null, 423, "", retryAfter);
    }

    /** A wait for people: whole minutes up to two hours, then whole hours (rounded up; never overflows). */
    private static String span(Duration d) {
        long seconds = Math.max(0, Math.min(d.getSeconds(), Duration.ofDays(365).getSeconds()));
        long minutes = Math.max(1, (seconds + 59) / 60);
        if (minutes < 120) return minutes + (minutes == 1 ? " minute" : " minutes");
        long hours = (minutes + 59) / 60;
        return hours + " hours";
    }

    /**
     * The device refuses to restart into an install that is not whole.
     *
     * @param missing the images it names as never installed (may be empty)
     */
    public static DeviceException installIncomplete(String address, List<String> missing) {
        String names = missing.stream().map(n -> "\"" + Printable.cut(n, 80) + "\"").collect(Collectors.joining(", "));
        return new DeviceException("The device at " + address + " refused to restart: the firmware installed there is not whole ("
                + (missing.isEmpty() ? "an image is damaged" : "missing " + names) + "). It still runs its previous firmware.",
                "Run the same command again: it sends and installs what is missing, then restarts the device. If this happens "
                        + "again, restart the device and report it to the vendor with the audit log.", missing);
    }

    /**
     * Another unit than the one of the first contact answers at the address (another device id, product or hardware).
     *
     * @param when  when it was noticed, e.g. "before sending \"app\""
     * @param now   who answers now
     * @param first who answered at first
     */
    public static DeviceException otherDevice(String address, String when, DeviceInfo now, DeviceInfo first) {
        return new DeviceException(Reason.OTHER_DEVICE,
                "Another unit answers at " + address + " " + when + ": " + describe(now) + ", not " + describe(first)
                        + " as at first. FieldFlash stopped before sending it anything more.",
                "Make sure that only the device to update is powered within reach of the laptop (another unit may share the "
                        + "access point's name), then run the same command again.");
    }

    /** True when {@code a} and {@code b} are the same unit: device id, product and hardware. */
    public static boolean sameUnit(DeviceInfo a, DeviceInfo b) {
        return a.deviceId().equals(b.deviceId()) && a.product().equals(b.product()) && a.hardware().equals(b.hardware());
    }

    private static String describe(DeviceInfo i) {
        return Printable.cut(i.product(), 60) + " (" + Printable.cut(i.hardware(), 60) + ") "
                + Printable.cut(i.deviceId(), 60);
    }

    public static DeviceException certificate(String address, Throwable cause) {
        return new DeviceException(Reason.CERTIFICATE_UNTRUSTED,
                "The device at " + address + " answers over HTTPS with a certificate this laptop does not trust "
                        + "(a device's own, self-signed certificate, or another device's). The connection works; the certificate is the problem.",
                "Check that the address is the device's own. Then give its certificate's SHA-256 fingerprint (device label or the "
                        + "vendor's records) with --pin-sha256, or use the device's http:// address.", cause);
    }

    public static DeviceException unreachable(String address, String what, Throwable cause) {
        return new DeviceException(Reason.UNREACHABLE,
                "The device at " + address + " does not answer (" + what + ").",
                "Check that the laptop is joined to the device's Wi-Fi and that the device is powered, then run the "
                        + "same command again: the transfer continues where it stopped.", cause);
    }

    public static DeviceException protocol(String address, String what) {
        return new DeviceException(Reason.PROTOCOL_ERROR,
                "The device at " + address + " answered something unexpected: " + what + ".",
                "Check the address: it must be a device that speaks the FieldFlash update protocol. If it is, "
                        + "report this message to the device vendor.");
    }
}
