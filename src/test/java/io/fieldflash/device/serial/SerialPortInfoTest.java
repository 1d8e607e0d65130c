package io.fieldflash.device.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldflash.testing.PtyPair;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialPortInfoTest {
    @TempDir
    Path dir;

    @Test
    void aUsbPortIsLabelledWithItsBridgeAndIds() {
        SerialPortInfo cp = new SerialPortInfo("/dev/ttyUSB0", "CP2102N USB to UART Bridge Controller", 0x10C4, 0xEA60,
                "CP2102N USB to UART Bridge Controller", "Silicon Labs", "0001", "1-1.2");
        assertThat(cp.label()).isEqualTo("/dev/ttyUSB0 — Silicon Labs CP210x (10C4:EA60) \"CP2102N USB to UART Bridge Controller\", Silicon Labs");
        assertThat(cp.usbJtagSerial()).isFalse();

        SerialPortInfo jtag = new SerialPortInfo("/dev/ttyACM0", "", 0x303A, 0x1001, "USB JTAG/serial debug unit", "Espressif", "", "");
        assertThat(jtag.usbJtagSerial()).isTrue();
        assertThat(jtag.bridge()).hasValueSatisfying(b -> assertThat(b.nativeUsb()).isTrue());
        assertThat(jtag.label()).contains("Espressif USB-JTAG-serial (303A:1001)");

        assertThat(UsbBridge.of(0x1A86, 0x55D4)).hasValueSatisfying(b -> assertThat(b.name()).isEqualTo("WCH CH9102"));
        assertThat(UsbBridge.of(0x1A86, 0x7523)).hasValueSatisfying(b -> assertThat(b.name()).isEqualTo("WCH CH340"));
        assertThat(UsbBridge.of(0x0403, 0x6001)).hasValueSatisfying(b -> assertThat(b.name()).startsWith("FTDI"));
        assertThat(UsbBridge.of(0x1234, 0x5678)).isEmpty();
    }

    @Test
    void whatADeviceReportsIsEscapedInTheLabel() {
        SerialPortInfo evil = new SerialPortInfo("/dev/ttyUSB1", "", 0x1A86, 0x7523, "CH340\u001b[2J\u202Egnp.exe", "WCH\r\nroot", "", "");
        assertThat(evil.label()).doesNotContain("\u001b", "\u202E", "\r", "\n").contains("\\x1b", "\\u202e");
    }

    @Test
    void aPtyIsOpenedByItsPathAndHasNoModemLines() throws Exception {
        try (PtyPair pty = PtyPair.open(dir); SerialLink a = SerialLink.open(pty.a(), 115200); SerialLink b = SerialLink.open(pty.b(), 115200)) {
            assertThat(a.info().usb()).isFalse();
            assertThat(a.setDtr(true)).as("a pty has no DTR").isFalse();
            a.write("hello".getBytes());
            byte[] buf = new byte[16];
            int n = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (n < 5 && System.nanoTime() < deadline) n += b.read(buf, n, buf.length - n, Duration.ofMillis(200));
            assertThat(new String(buf, 0, n)).isEqualTo("hello");
            assertThat(b.read(buf, 0, buf.length, Duration.ofMillis(150))).as("nothing more: the timeout ends the read").isZero();
        }
    }

    @Test
    void aMissingPortSaysSo() {
        assertThatThrownBy(() -> SerialLink.open(dir.resolve("ttyNOPE").toString(), 115200)).isInstanceOfSatisfying(SerialException.class, e -> {
            assertThat(e.reason()).isEqualTo(SerialException.Reason.PORT_NOT_FOUND);
            assertThat(e.hint()).contains("plugged in");
        });
    }
}
