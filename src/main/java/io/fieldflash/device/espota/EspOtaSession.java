package io.fieldflash.device.espota;

import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;

/**
 * A "connection" to an ArduinoOTA device: nothing is open until a transfer starts, because the only thing the protocol
 * can say to a device is "take this image" (an invitation starts an update on it).
 */
final class EspOtaSession implements DeviceSession {
    private final EspOtaDevice device;

    EspOtaSession(EspOtaDevice device) {
        this.device = device;
    }

    /** Says nothing to the device (the protocol has no question that leaves it alone); what is known is its address. */
    @Override
    public DeviceInfo identify() {
        return new DeviceInfo(EspOtaDevice.PROTOCOL, "", "", device.address(), new DeviceInfo.Firmware("unknown", 0, false),
                0, 0, DeviceInfo.UploadState.NONE);
    }

    @Override
    public ImageTransfer openTransfer(ImageSource image, String resumeHandle) {
        return new EspOtaTransfer(device, image);
    }

    @Override
    public void install(ImageTransfer transfer, InstallRequest request) {
        throw new UnsupportedOperationException("an ArduinoOTA device installs by itself after the last byte");
    }

    @Override
    public void reboot() {
        throw new UnsupportedOperationException("an ArduinoOTA device restarts by itself after a good image");
    }

    @Override
    public void confirm() {
        throw new UnsupportedOperationException("ArduinoOTA has no trial boot");
    }

    @Override
    public void close() {
        // nothing stays open between transfers
    }
}
