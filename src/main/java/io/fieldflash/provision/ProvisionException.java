package io.fieldflash.provision;

import io.fieldflash.FieldFlashException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/** A set-up step over a device's access point failed: what went wrong, in plain words, and what to do. */
public final class ProvisionException extends FieldFlashException {

    /** Why a step failed. */
    public enum Reason {
        /** No connection to the device (wrong address, not joined to its access point). */
        UNREACHABLE,
        /** The device did not answer within the deadline. */
        TIMEOUT,
        /** The device closed the connection without an answer. */
        NO_ANSWER,
        /** The answer was larger than any real answer can be. */
        TOO_LARGE,
        /** The answer was not what the protocol says. */
        MALFORMED,
        /** The device's public key could not be read or is unusable. */
        BAD_KEY,
        /** configure-ap -2: the device does not see the network in its own scan. */
        NETWORK_NOT_FOUND,
        /** configure-ap -3: the network name was refused. */
        BAD_SSID,
        /** configure-ap -4: the password's length does not fit the security type. */
        BAD_KEY_LENGTH,
        /** configure-ap -16640: the password did not decrypt on the device. */
        PASSWORD_NOT_DECRYPTED,
        /** Any other non-zero result code. */
        REFUSED,
        /** connect-ap was sent but the device did not confirm it. */
        CONNECT_UNCONFIRMED
    }

    private final Reason reason;
    private final int deviceCode;
    private final String command;

    public ProvisionException(Reason reason, String message, String hint) {
        this(reason, 0, "", message, hint, null);
    }

    public ProvisionException(Reason reason, String message, String hint, Throwable cause) {
        this(reason, 0, "", message, hint, cause);
    }

    private ProvisionException(Reason reason, int deviceCode, String command, String message, String hint, Throwable cause) {
        super(message, hint, cause);
        this.reason = reason;
        this.deviceCode = deviceCode;
        this.command = command;
    }

    /** Where the sentences of {@link #refused} live, shared with the wizard. */
    static final String MESSAGES = "io.fieldflash.provision.messages";

    /** A device's refusal in plain words and what to do about it. */
    public record Plain(String message, String hint) {}

    /**
     * What the device's refusal with {@code reason} means and what to do, in {@code locale}: the same sentences the
     * command line prints (without the device's code). {@code step} names the refused step for {@link Reason#REFUSED}.
     */
    public static Plain plain(Reason reason, Locale locale, String step) {
        ResourceBundle b = ResourceBundle.getBundle(MESSAGES, locale);
        String key = "refused." + (b.containsKey("refused." + reason.name()) ? reason.name() : Reason.REFUSED.name());
        String message = b.getString(key);
        if (message.contains("{0}")) message = MessageFormat.format(message, step);
        return new Plain(message, b.getString(key + ".hint"));
    }

    /** A non-zero {@code r} from {@code command}, said in plain words (English, as the command line prints it). */
    public static ProvisionException refused(String command, int r) {
        Reason reason = switch (command + " " + r) {
            case "configure-ap -2" -> Reason.NETWORK_NOT_FOUND;
            case "configure-ap -3" -> Reason.BAD_SSID;
            case "configure-ap -4" -> Reason.BAD_KEY_LENGTH;
            case "configure-ap -16640" -> Reason.PASSWORD_NOT_DECRYPTED;
            default -> Reason.REFUSED;
        };
        Plain p = plain(reason, Locale.ROOT, command);
        String sentence = p.message().endsWith(".") ? p.message().substring(0, p.message().length() - 1) : p.message();
        return new ProvisionException(reason, r, command, sentence + " (code " + r + ").", p.hint(), null);
    }

    /** The command the device refused, empty when the failure was not a refusal. */
    public String command() {
        return command;
    }

    public Reason reason() {
        return reason;
    }

    /** The device's non-zero result code, 0 when the failure was not an answer of the device. */
    public int deviceCode() {
        return deviceCode;
    }

    @Override
    public String code() {
        return "SOFTAP_" + reason.name();
    }
}
