package io.fieldflash.device.http;

import io.fieldflash.device.DeviceException;
import java.time.Duration;

/** The sentences for a device's {@code 422} answer to install, one per code of the protocol. */
final class InstallRefusal {
    private InstallRefusal() {}

    static DeviceException of(String address, String code) {
        String what = switch (code) {
            case "INCOMPLETE" -> "the device has not received the whole image";
            case "HASH_MISMATCH" -> "the image the device received does not match the bundle's SHA-256";
            case "INCOMPATIBLE_HARDWARE" -> "the firmware is not for this device's hardware";
            case "DOWNGRADE" -> "the firmware's security counter is below the device's (no rollback)";
            case "SIGNATURE_INVALID" -> "the bundle's signatures do not satisfy the device's own trust anchors";
            case "" -> "it gave no reason";
            default -> "code " + io.fieldflash.Printable.cut(code, 80);
        };
        String hint = switch (code) {
            case "INCOMPLETE", "HASH_MISMATCH" -> "Run the same command again: the image is sent anew. The device still runs its old firmware.";
            case "INCOMPATIBLE_HARDWARE", "DOWNGRADE" -> "Use a bundle made for this device. It still runs its old firmware.";
            case "SIGNATURE_INVALID" -> "Ask the vendor for a bundle signed with a key the device trusts. It still runs its old firmware.";
            default -> "The device still runs its old firmware. Report the code to the device vendor.";
        };
        return new DeviceException(DeviceException.Reason.INSTALL_REFUSED,
                "The device at " + address + " refused to install the image: " + what + ".", hint, null, 422, code, Duration.ZERO);
    }
}
