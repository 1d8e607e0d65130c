package io.fieldflash.device.webupdater;

import io.fieldflash.Printable;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.ImageSource;
import java.util.Locale;

/** The words the web-page adapters share: what the device says about itself, refusals, and what to do about them. */
public final class WebPages {
    private WebPages() {}

    /**
     * What a device that says nothing about itself is known by: its address as its id (for the resume file and the
     * audit log), no product, hardware or version.
     */
    public static DeviceInfo anonymous(String protocol, String address) {
        return new DeviceInfo(protocol, "", "", address, new DeviceInfo.Firmware("", 0, false), 0, 0,
                DeviceInfo.UploadState.NONE);
    }

    /** The file name sent with the image: the image's name with {@code .bin}, in safe characters. */
    public static String fileName(ImageSource image) {
        String n = image.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return (n.isEmpty() ? "firmware" : n) + (n.toLowerCase(Locale.ROOT).endsWith(".bin") ? "" : ".bin");
    }

    /** 401: a wrong or missing user and password, or a scheme FieldFlash does not speak. */
    public static DeviceException authFailed(WebForm form, WebForm.Answer answer, String what) {
        if (answer.authScheme().equalsIgnoreCase("Digest")) {
            return new DeviceException(DeviceException.Reason.AUTH_FAILED,
                    "The device at " + form.address() + " asks for Digest authentication for " + what + " (ElegantOTA built with "
                            + "the async web server does); FieldFlash sends the user and password with Basic authentication only.",
                    "Update this device with its own web page in a browser, or ask the vendor for firmware whose update page "
                            + "takes Basic authentication. FieldFlash did not send the image.",
                    null, 401, "", java.time.Duration.ZERO);
        }
        return new DeviceException(DeviceException.Reason.AUTH_FAILED,
                "The device at " + form.address() + " refused " + what + ": it wants a user name and password"
                        + (form.authenticating() ? ", and not the ones given." : ", and none was given."),
                "Give the device's update user and password (--user and --password, or FIELDFLASH_PASSWORD): see the "
                        + "device label or the site records. These pages do not lock out, but guessing is still not the way.",
                null, 401, "", java.time.Duration.ZERO);
    }

    /**
     * The device took the upload but refused the image, saying {@code said} (its own text, escaped here).
     *
     * @param status the HTTP status it came with (the web updater says it with 200)
     * @param hint what to do, or null for the advice that follows from the text
     */
    public static DeviceException refused(WebForm form, int status, String said, String hint) {
        String s = said.toLowerCase(Locale.ROOT);
        String advice = hint != null ? hint
                : s.contains("magic") ? "The image is not an ESP application image this device can start (wrong file in the "
                        + "bundle, or a bundle for another kind of device). Check that the bundle is meant for this device; "
                        + "if it is, report the device's message to the vendor."
                : s.contains("space") || s.contains("size") ? "The image is larger than the device's update partition. Check "
                        + "that the bundle is meant for this device and model."
                : s.contains("activate") || s.contains("md5") || s.contains("sign") ? "The device received an image it "
                        + "could not verify or start. Restart the device (power off and on), then run the same command again; "
                        + "if the same message comes back, report it to the vendor with the audit log."
                : s.contains("already running") ? "An earlier upload that broke off still holds the device's update session. "
                        + "Run the same command again (the device closes it after this refusal); if it comes back, restart the device."
                : "Restart the device (power off and on) and run the same command again; if the same message comes back, "
                        + "report it to the vendor with the audit log.";
        return new DeviceException(DeviceException.Reason.INSTALL_REFUSED,
                "The device at " + form.address() + " refused the image and keeps its old firmware. It said: \""
                        + Printable.cut(said, 300) + "\"",
                advice, null, status, Printable.cut(said, 80), java.time.Duration.ZERO);
    }
}
