package io.fieldflash.sim.webupdater;

import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.inner.InnerChecker;
import io.fieldflash.bundle.inner.InnerFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The device's {@code Update} object (the Arduino cores' {@code Updater.cpp}) as the web updaters drive it: {@link #begin},
 * {@link #write}, {@link #end}, and the error text {@code printError} would print. The two cores differ where it matters
 * to a client, and both differences are kept:
 * <ul>
 *   <li>ESP8266: {@code begin} while a session is open records "Update already running", which also closes that
 *       session (so the next {@code begin} works); the magic byte (0xE9, or 0x1f for gzip) is checked at {@code end};
 *       the error text is {@code ERROR[n]: text}.</li>
 *   <li>ESP32: {@code begin} while a session is open fails silently (no error recorded) and the session stays open, so
 *       the next upload is appended to what the broken one left; the magic byte is checked on the first write; at
 *       {@code end} the whole image is verified as the bootloader would (segments, checksum, appended SHA-256), and a
 *       bad one is "Could Not Activate The Firmware".</li>
 * </ul>
 * Received bytes go to {@code upload.part} in the state folder; an image that ends well becomes {@code firmware.bin}.
 */
public final class ArduinoUpdate {

    /** Which Arduino core. */
    public enum Chip { ESP32, ESP8266 }

    /** The errors a web update can meet, with the ESP8266 core's numbers and both cores' texts. */
    enum Error {
        OK(0, "No Error", "No Error"),
        READ(3, "Flash Read Failed", "Flash Read Failed"),
        SPACE(4, "Not Enough Space", "Not Enough Space"),
        MAGIC_BYTE(10, "Magic byte is not 0xE9", "Wrong Magic Byte"),
        ACTIVATE(9, "UNKNOWN", "Could Not Activate The Firmware"),
        ABORT(12, "UNKNOWN", "Aborted"),
        NO_DATA(13, "No data supplied", "UNKNOWN"),
        RUNNING_ALREADY(15, "Update already running", "UNKNOWN");

        final int esp8266Code;
        final String esp8266Text;
        final String esp32Text;

        Error(int esp8266Code, String esp8266Text, String esp32Text) {
            this.esp8266Code = esp8266Code;
            this.esp8266Text = esp8266Text;
            this.esp32Text = esp32Text;
        }
    }

    private final Chip chip;
    private final Path part;
    private final Path firmware;
    private final long partitionSize;
    private long size;              // > 0 while a session is open
    private long progress;
    private Error error = Error.OK;
    private OutputStream out;
    private int flashed;

    /** @param partitionSize the update partition's size: the largest image */
    public ArduinoUpdate(Chip chip, Path stateDir, long partitionSize) throws IOException {
        this.chip = chip;
        Files.createDirectories(stateDir);
        this.part = stateDir.resolve("upload.part");
        this.firmware = stateDir.resolve("firmware.bin");
        this.partitionSize = partitionSize;
    }

    public Chip chip() {
        return chip;
    }

    /** Where an image that ended well is kept. */
    public Path firmwareFile() {
        return firmware;
    }

    /** How many images ended well since start. */
    public synchronized int flashed() {
        return flashed;
    }

    public synchronized boolean running() {
        return size > 0;
    }

    public synchronized boolean hasError() {
        return error != Error.OK;
    }

    /** Bytes taken by the open session. */
    public synchronized long progress() {
        return progress;
    }

    /** Opens a session for an image of unknown size (at most the partition). */
    public synchronized boolean begin() throws IOException {
        if (size > 0) {
            if (chip == Chip.ESP8266) setError(Error.RUNNING_ALREADY);
            return false;       // ESP32: "already running" goes to the log only; the open session stays
        }
        reset();
        error = Error.OK;
        size = partitionSize;
        out = Files.newOutputStream(part);
        return true;
    }

    /** Takes {@code len} bytes; returns how many it took (fewer on an error, 0 without a session). */
    public synchronized int write(byte[] b, int off, int len) throws IOException {
        if (hasError() || size == 0) return 0;
        if (progress + len > size) {
            fail(Error.SPACE);
            return 0;
        }
        if (chip == Chip.ESP32 && progress == 0 && len > 0 && (b[off] & 0xff) != 0xE9) {
            fail(Error.MAGIC_BYTE);
            return 0;
        }
        out.write(b, off, len);
        progress += len;
        return len;
    }

    /**
     * Ends the session. {@code evenIfRemaining} (what every web updater passes at the end of an upload) takes the bytes
     * so far as the whole image; without it an unfinished session is an abort.
     */
    public synchronized boolean end(boolean evenIfRemaining) throws IOException {
        if (chip == Chip.ESP32) {
            if (hasError() || size == 0) return false;
            if (progress < size && !evenIfRemaining) {
                fail(Error.ABORT);
                return false;
            }
            closeOut();
            if (progress == 0) {
                fail(Error.READ);
                return false;
            }
            if (!bootable()) {
                fail(Error.ACTIVATE);
                return false;
            }
        } else {
            if (size == 0) {
                reset();
                return false;
            }
            if (progress == 0) setError(Error.NO_DATA);
            if (hasError() || progress < size && !evenIfRemaining) {
                reset();
                return false;
            }
            closeOut();
            int first = firstByte();
            if (first != 0xE9 && first != 0x1f) {
                setError(Error.MAGIC_BYTE);
                return false;
            }
        }
        AtomicFile.move(part, firmware);
        flashed++;
        reset();
        return true;
    }

    /** What {@code Update.printError} prints: ESP8266 {@code ERROR[n]: text\n}, ESP32 {@code text\r\n}. */
    public synchronized String errorText() {
        return chip == Chip.ESP8266 ? "ERROR[" + error.esp8266Code + "]: " + error.esp8266Text + "\n" : error.esp32Text + "\r\n";
    }

    /** The device restarts: whatever session was open is gone. */
    public synchronized void restart() throws IOException {
        reset();
        error = Error.OK;
    }

    /** ESP8266 {@code _setError}: records the error and closes the session. */
    private void setError(Error e) throws IOException {
        error = e;
        reset();
    }

    /** ESP32 {@code _abort}: the same, in the other core's words. */
    private void fail(Error e) throws IOException {
        reset();
        error = e;
    }

    private void reset() throws IOException {
        closeOut();
        size = 0;
        progress = 0;
    }

    private void closeOut() throws IOException {
        if (out != null) {
            OutputStream o = out;
            out = null;
            o.close();
        }
    }

    private int firstByte() throws IOException {
        try (InputStream in = Files.newInputStream(part)) {
            return in.read();
        }
    }

    /** What {@code esp_ota_set_boot_partition} checks: the image verifies as an ESP application image. */
    private boolean bootable() throws IOException {
        try (InputStream in = Files.newInputStream(part)) {
            return InnerChecker.check(InnerFormat.ESP_APP.checker(List.of()), in).ok();
        }
    }
}
