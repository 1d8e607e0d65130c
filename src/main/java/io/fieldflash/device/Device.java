package io.fieldflash.device;

/**
 * A device reachable over one transport, not yet connected. Cheap to make; {@link #open()} connects.
 *
 * <p>Implementations: {@code io.fieldflash.device.http.HttpDevice} (fieldflash-http/1). A serial
 * (ESP ROM bootloader) or espota device is the same kind of thing to {@code UpdateJob}: it differs only in
 * its {@link Capabilities}.
 */
public interface Device {

    /** The protocol's name, e.g. {@code fieldflash-http/1}; written to the audit log. */
    String transport();

    /** Where the device is, for people: {@code http://192.168.4.1}, {@code /dev/ttyUSB0}. */
    String address();

    /** What this transport can do; the job skips the steps it cannot. */
    Capabilities capabilities();

    /** Connects. Nothing is sent that changes the device. */
    DeviceSession open() throws DeviceException;
}
