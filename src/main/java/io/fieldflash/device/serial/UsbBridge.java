package io.fieldflash.device.serial;

import java.util.Optional;

/**
 * The USB-serial chips a technician meets on ESP boards, by USB vendor and product id, with the name printed on
 * the chip or in the vendor's driver, so a port list can say "CP2102" instead of "/dev/ttyUSB0" alone.
 *
 * @param vendorId  USB vendor id
 * @param productId USB product id
 * @param name      what people call it
 * @param nativeUsb true for the chip's own USB peripheral (Espressif USB-JTAG-serial): its reset into the
 *                  bootloader needs a different DTR/RTS sequence than a bridge chip
 */
public record UsbBridge(int vendorId, int productId, String name, boolean nativeUsb) {

    /** Espressif's USB vendor id. */
    public static final int ESPRESSIF_VID = 0x303A;
    /** Product id of the USB-JTAG-serial peripheral of the ESP32-S3, -C3, -C6, -H2. */
    public static final int USB_JTAG_SERIAL_PID = 0x1001;

    private static final UsbBridge[] KNOWN = {
        new UsbBridge(0x10C4, 0xEA60, "Silicon Labs CP210x", false),
        new UsbBridge(0x10C4, 0xEA70, "Silicon Labs CP2105 (dual)", false),
        new UsbBridge(0x10C4, 0xEA71, "Silicon Labs CP2108 (quad)", false),
        new UsbBridge(0x1A86, 0x7523, "WCH CH340", false),
        new UsbBridge(0x1A86, 0x7522, "WCH CH340K", false),
        new UsbBridge(0x1A86, 0x5523, "WCH CH341", false),
        new UsbBridge(0x1A86, 0x55D3, "WCH CH343", false),
        new UsbBridge(0x1A86, 0x55D4, "WCH CH9102", false),
        new UsbBridge(0x0403, 0x6001, "FTDI FT232R", false),
        new UsbBridge(0x0403, 0x6010, "FTDI FT2232", false),
        new UsbBridge(0x0403, 0x6011, "FTDI FT4232", false),
        new UsbBridge(0x0403, 0x6014, "FTDI FT232H", false),
        new UsbBridge(0x0403, 0x6015, "FTDI FT231X", false),
        new UsbBridge(0x067B, 0x2303, "Prolific PL2303", false),
        new UsbBridge(ESPRESSIF_VID, USB_JTAG_SERIAL_PID, "Espressif USB-JTAG-serial", true),
        new UsbBridge(ESPRESSIF_VID, 0x0002, "Espressif USB (ESP32-S2/S3 native USB)", true),
    };

    /** The known bridge with these ids, else one named by its vendor when the vendor is known. */
    public static Optional<UsbBridge> of(int vendorId, int productId) {
        for (UsbBridge b : KNOWN) {
            if (b.vendorId == vendorId && b.productId == productId) return Optional.of(b);
        }
        String vendor = switch (vendorId) {
            case 0x10C4 -> "Silicon Labs";
            case 0x1A86 -> "WCH";
            case 0x0403 -> "FTDI";
            case 0x067B -> "Prolific";
            case ESPRESSIF_VID -> "Espressif";
            default -> null;
        };
        return vendor == null ? Optional.empty()
                : Optional.of(new UsbBridge(vendorId, productId, vendor + " USB-serial", vendorId == ESPRESSIF_VID));
    }

    /** {@code 10C4:EA60}. */
    public String ids() {
        return String.format("%04X:%04X", vendorId, productId);
    }
}
