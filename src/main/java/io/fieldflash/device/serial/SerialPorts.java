package io.fieldflash.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The serial ports of this computer. Pseudo-terminals (and some virtual ports) are not listed by the operating
 * system's enumeration; open those by their path with {@link SerialLink#open(String, int)}.
 */
public final class SerialPorts {
    private SerialPorts() {}

    /** The ports the system lists, USB ports with a known bridge first, then by path. */
    public static List<SerialPortInfo> list() {
        List<SerialPortInfo> ports = new ArrayList<>();
        for (SerialPort p : SerialPort.getCommPorts()) {
            ports.add(describe(p));
        }
        ports.sort(Comparator.comparing((SerialPortInfo i) -> i.bridge().isEmpty()).thenComparing(SerialPortInfo::path));
        return List.copyOf(ports);
    }

    /** What the system says about the port at {@code path}; only the path when it does not list it. */
    public static SerialPortInfo info(String path) {
        for (SerialPort p : SerialPort.getCommPorts()) {
            if (path.equals(p.getSystemPortPath()) || path.equals(p.getSystemPortName())) return describe(p);
        }
        return SerialPortInfo.ofPath(path);
    }

    static SerialPortInfo describe(SerialPort p) {
        int vid = p.getVendorID();
        int pid = p.getProductID();
        boolean usb = vid > 0 && pid > 0;
        return new SerialPortInfo(p.getSystemPortPath(), p.getPortDescription(), usb ? vid : -1, usb ? pid : -1,
                p.getDescriptivePortName(), p.getManufacturer(), p.getSerialNumber(), p.getPortLocation());
    }
}
