package io.fieldflash.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open serial port, 8N1, no flow control: write bytes, read with a timeout, change the baud rate, drive the
 * DTR and RTS lines where the port has them.
 *
 * <p>Reads wait in slices of at most {@value #SLICE_MS} ms so that an interrupted thread stops waiting promptly.
 * A pseudo-terminal has no modem lines: {@link #setDtr}/{@link #setRts} return false there, which is normal
 * (the caller falls back to asking a person to press the buttons).
 */
public final class SerialLink implements AutoCloseable {
    static final int SLICE_MS = 100;

    private final SerialPortInfo info;
    private final SerialPort port;
    private final ReentrantLock readLock = new ReentrantLock();
    private int baud;
    private int timeoutMs = -1;
    private volatile boolean closed;

    private SerialLink(SerialPortInfo info, SerialPort port, int baud) {
        this.info = info;
        this.port = port;
        this.baud = baud;
    }

    /**
     * Opens {@code path} at {@code baud}. A listed port brings its USB description along; an unlisted path (a
     * pseudo-terminal) is opened as given.
     */
    public static SerialLink open(String path, int baud) throws SerialException {
        SerialPortInfo info = SerialPorts.info(path);
        if (!path.matches("(?i)com\\d+") && !Files.exists(Path.of(path))) {
            throw new SerialException(SerialException.Reason.PORT_NOT_FOUND, "There is no serial port " + io.fieldflash.Printable.of(path) + ".",
                    "Check that the USB cable is plugged in and pick the port again (the list shows the ports this computer sees now).");
        }
        SerialPort port;
        try {
            port = SerialPort.getCommPort(path);
        } catch (SerialPortInvalidPortException e) {
            throw new SerialException(SerialException.Reason.PORT_NOT_FOUND, "There is no serial port " + io.fieldflash.Printable.of(path) + ".",
                    "Check the port name and that the cable is plugged in.");
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort(0)) {
            throw new SerialException(SerialException.Reason.PORT_BUSY, "The serial port " + io.fieldflash.Printable.of(path)
                    + " could not be opened (error " + port.getLastErrorCode() + ").",
                    "Close any other program that uses this port (a serial monitor, another FieldFlash window). On Linux, "
                            + "your user must be in the 'dialout' group (sudo usermod -a -G dialout $USER, then log in again).");
        }
        SerialLink link = new SerialLink(info, port, baud);
        link.timeouts(SLICE_MS);
        return link;
    }

    public SerialPortInfo info() {
        return info;
    }

    public String path() {
        return info.path();
    }

    public int baud() {
        return baud;
    }

    /** Switches the baud rate of this end of the line. */
    public void setBaud(int newBaud) throws SerialException {
        if (!port.setBaudRate(newBaud)) {
            throw new SerialException(SerialException.Reason.SETTING_REFUSED, "The serial adapter on " + io.fieldflash.Printable.of(path())
                    + " refused " + newBaud + " baud.", "Choose a lower baud rate (115200 works with every adapter).");
        }
        baud = newBaud;
    }

    /** Sets DTR; false when the port has no such line (a pseudo-terminal) or the driver refused. */
    public boolean setDtr(boolean on) {
        return on ? port.setDTR() : port.clearDTR();
    }

    /** Sets RTS; false when the port has no such line or the driver refused. */
    public boolean setRts(boolean on) {
        return on ? port.setRTS() : port.clearRTS();
    }

    /** Writes all of {@code len} bytes from {@code off}. */
    public void write(byte[] buf, int off, int len) throws SerialException {
        int done = 0;
        while (done < len) {
            if (closed) throw closedError(null);
            int n = port.writeBytes(buf, len - done, off + done);
            if (n < 0) throw closedError("write failed");
            done += n;
        }
    }

    public void write(byte[] buf) throws SerialException {
        write(buf, 0, buf.length);
    }

    /**
     * Reads what is there, up to {@code len} bytes, waiting up to {@code timeout} for the first byte.
     *
     * @return the number of bytes read; 0 when nothing came within the timeout
     */
    public int read(byte[] buf, int off, int len, Duration timeout) throws SerialException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        readLock.lock();
        try {
            while (true) {
                if (Thread.interrupted()) throw new InterruptedException("interrupted while reading " + path());
                if (closed) throw closedError(null);
                long leftMs = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                int slice = (int) Math.max(1, Math.min(SLICE_MS, leftMs));
                int available = port.bytesAvailable();
                if (available < 0) throw closedError("the port reported an error");
                int want = available > 0 ? Math.min(len, available) : 1;
                if (available == 0) timeouts(slice);
                int n = port.readBytes(buf, want, off);
                if (n < 0) throw closedError("read failed");
                if (n > 0) {
                    if (want < len && port.bytesAvailable() > 0) {
                        int more = port.readBytes(buf, Math.min(len - n, port.bytesAvailable()), off + n);
                        if (more > 0) n += more;
                    }
                    return n;
                }
                if (System.nanoTime() - deadline >= 0) return 0;
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Throws away whatever has arrived and not been read yet. */
    public void drainInput() throws SerialException {
        byte[] junk = new byte[4096];
        int avail;
        while ((avail = port.bytesAvailable()) > 0) {
            int n = port.readBytes(junk, Math.min(avail, junk.length), 0);
            if (n <= 0) break;
        }
        if (avail < 0) throw closedError("the port reported an error");
    }

    private void timeouts(int ms) {
        if (ms != timeoutMs) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, ms, 0);
            timeoutMs = ms;
        }
    }

    private SerialException closedError(String what) {
        return new SerialException(SerialException.Reason.PORT_CLOSED, "The serial port " + io.fieldflash.Printable.of(path()) + " went away"
                + (what == null ? "" : " (" + what + ")") + ".",
                "Check the USB cable (it may have been pulled or is loose), plug it in again and start over.");
    }

    public boolean isOpen() {
        return !closed && port.isOpen();
    }

    /** Closes the port; never throws. */
    @Override
    public void close() {
        closed = true;
        port.closePort();
    }

    @Override
    public String toString() {
        return info.label() + " @ " + baud;
    }
}
