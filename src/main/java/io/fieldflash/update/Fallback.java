package io.fieldflash.update;

import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;

/**
 * A second way to the same unit, taken when the job's first path is gone: in practice the unit's ESP ROM bootloader
 * over a USB-serial cable ({@code flash --device URL --fallback-serial PORT}) after the network path failed. The job
 * sends the same verified bundle over it; the audit record and the result name both transports.
 *
 * <p>{@link #takesOver(Exception)} is the one decision of when to switch.
 *
 * @param device the second transport (an {@code EspRomDevice}); its own checks (chip, offsets) still run when it is opened
 * @param means  how a person calls it, for the sentence that says the job switched, e.g. "USB-serial"
 */
public record Fallback(Device device, String means) {

    /**
     * True when {@code failure}, the first path's, means that path is gone, so the job goes on over the fallback:
     * the device does not answer (after the retries and connect attempts), it keeps failing on its side or losing
     * what it was sent, the link damages every chunk, or it did not come back after a restart.
     *
     * <p>Never for an answer the device gave on purpose, nor for anything about the bundle: a refused token, a
     * lock-out, a refused install (wrong product, anti-rollback), a preflight refusal, an untrusted certificate,
     * another unit answering, a busy device. Those are decisions, or signs that the unit is not the one meant; going
     * round them over a cable would defeat the very check that said no, or write to a unit nobody identified. Those
     * end the job as they would without a fallback.
     */
    public static boolean takesOver(Exception failure) {
        if (!(failure instanceof DeviceException e)) return false;     // bundle, preflight, I/O on the laptop: never
        return switch (e.reason()) {
            case UNREACHABLE, DEVICE_ERROR, NOT_BACK, UPLOAD_GONE, TRANSFER_STALLED, CHECKSUM_REJECTED, NO_CONNECTION_BACK -> true;
            case AUTH_FAILED, LOCKED_OUT, INSTALL_REFUSED, OTHER_DEVICE, CERTIFICATE_UNTRUSTED, UPLOAD_BUSY, TOO_LARGE,
                 TRIAL_UNCONFIRMED, INSTALL_INCOMPLETE, PROTOCOL_ERROR, OFFSET_MISMATCH -> false;
        };
    }
}
