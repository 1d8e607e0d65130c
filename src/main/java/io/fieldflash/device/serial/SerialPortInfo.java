package io.fieldflash.device.serial;

import io.fieldflash.Printable;
import java.util.Optional;

/**
 * One serial port as the operating system lists it, with what a person recognises on it.
 *
 * @param path         what to open: {@code /dev/ttyUSB0}, {@code COM5}, {@code /dev/cu.usbserial-0001}
 * @param description  the system's description of the port (may be empty)
 * @param vendorId     USB vendor id, -1 when not a USB port
 * @param productId    USB product id, -1 when not a USB port
 * @param product      the USB product string (as the device reports it; untrusted, may be empty)
 * @param manufacturer the USB manufacturer string (untrusted, may be empty)
 * @param serialNumber the USB serial number (untrusted, may be empty)
 * @param location     where it is plugged in (bus-port), may be empty
 */
public record SerialPortInfo(String path, String description, int vendorId, int productId, String product,
                             String manufacturer, String serialNumber, String location) {

    public SerialPortInfo {
        if (path == null || path.isEmpty()) throw new IllegalArgumentException("path must not be empty");
        description = description == null ? "" : description;
        product = product == null ? "" : product;
        manufacturer = manufacturer == null ? "" : manufacturer;
        serialNumber = serialNumber == null ? "" : serialNumber;
        location = location == null ? "" : location;
    }

    /** A port given by its path only (a pseudo-terminal, or a port the system does not list). */
    public static SerialPortInfo ofPath(String path) {
        return new SerialPortInfo(path, "", -1, -1, "", "", "", "");
    }

    public boolean usb() {
        return vendorId >= 0 && productId >= 0;
    }

    /** The bridge chip, when the USB ids are known. */
    public Optional<UsbBridge> bridge() {
        return usb() ? UsbBridge.of(vendorId, productId) : Optional.empty();
    }

    /** True for Espressif's own USB-JTAG-serial peripheral (which resets into the bootloader differently). */
    public boolean usbJtagSerial() {
        return vendorId == UsbBridge.ESPRESSIF_VID && productId == UsbBridge.USB_JTAG_SERIAL_PID;
    }

    /**
     * One line for a port list, e.g. {@code /dev/ttyUSB0 — Silicon Labs CP210x (10C4:EA60) "CP2102N USB to UART"}.
     * Device-reported strings are escaped.
     */
    public String label() {
        StringBuilder b = new StringBuilder(Printable.of(path));
        if (usb()) {
            b.append(" — ").append(bridge().map(UsbBridge::name).orElse("USB-serial"))
                    .append(" (").append(String.format("%04X:%04X", vendorId, productId)).append(")");
            String words = !product.isEmpty() ? product : description;
            if (!words.isEmpty()) b.append(" \"").append(Printable.cut(words, 60)).append('"');
            if (!manufacturer.isEmpty()) b.append(", ").append(Printable.cut(manufacturer, 40));
        } else if (!description.isEmpty()) {
            b.append(" — ").append(Printable.cut(description, 60));
        }
        return b.toString();
    }
}
