package io.fieldflash.device.esprom;

import io.fieldflash.Printable;
import io.fieldflash.device.serial.SerialException;
import io.fieldflash.device.serial.SerialLink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A conversation with an ESP chip's ROM bootloader over one serial link, command by command as esptool 4.7
 * holds it with {@code --no-stub}: SYNC, chip detection, eFuse MAC, SPI attach and parameters, baud change,
 * flash writes (plain or deflated) with a checksum per block, MD5 of every written region, reset.
 *
 * <p>Every command waits for its answer with an explicit timeout, and a timeout says which command went
 * unanswered. Data blocks are resent (same sequence number, as esptool does) up to {@value #BLOCK_ATTEMPTS}
 * times; anything else that fails throws {@link EspRomException}.
 */
public final class EspRomClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EspRomClient.class);

    /** esptool's SYNC_TIMEOUT. */
    static final Duration SYNC_TIMEOUT = Duration.ofMillis(100);
    /** esptool's WRITE_BLOCK_ATTEMPTS. */
    static final int BLOCK_ATTEMPTS = 3;
    /** Longest response accepted (the ROM's are short: MD5 is 32 + 4 bytes). */
    static final int MAX_RESPONSE = 4096;
    /** Seconds per MB the ROM may take to erase a region (esptool's ERASE_REGION_TIMEOUT_PER_MB). */
    static final double ERASE_SECONDS_PER_MB = 30;
    /** Seconds per MB the ROM may take to inflate and write (esptool's ERASE_WRITE_TIMEOUT_PER_MB). */
    static final double WRITE_SECONDS_PER_MB = 40;
    /** Seconds per MB for SPI_FLASH_MD5 (esptool's MD5_TIMEOUT_PER_MB). */
    static final double MD5_SECONDS_PER_MB = 8;

    /**
     * Data block FieldFlash tries first on the ESP32 family: the ROM's RAM-download block (esptool's ESP_RAM_BLOCK,
     * which every ROM takes for MEM_DATA). Fewer, larger blocks mean fewer round trips. Should a ROM not take it,
     * the region is written again with esptool's {@link Chip#ROM_FLASH_BLOCK}.
     */
    static final int LARGE_BLOCK = 0x1800;
    /** esptool's USB_RAM_BLOCK for the ESP32-S3 downloading over USB-OTG. */
    static final int USB_OTG_BLOCK = 0x800;
    static final int ESP32S3_UARTDEV_BUF_NO = 0x3FCEF14C;
    static final int ESP32S3_UART_USB_OTG = 3;

    // ESP32 registers esptool reads to undo the ROM's clock drift when changing the baud rate
    static final int ESP32_RTCCALICFG1 = 0x3FF5F06C;
    static final int ESP32_EFUSE_WORD4 = 0x3FF5A000 + 16;

    /** One answer of the ROM. */
    record Response(int op, int value, byte[] data) {}

    private final SerialLink link;
    private final Duration commandTimeout;
    private final Slip.Decoder decoder = new Slip.Decoder(MAX_RESPONSE);
    private final byte[] in = new byte[8192];
    private int inPos;
    private int inLen;
    private Chip chip;
    private long wireBytes;
    private int blockSize = Chip.ROM_FLASH_BLOCK;
    private int failedSeq = -1;

    public EspRomClient(SerialLink link, Duration commandTimeout) {
        this.link = link;
        this.commandTimeout = commandTimeout;
    }

    public SerialLink link() {
        return link;
    }

    /** The chip, once {@link #detectChip()} ran. */
    public Optional<Chip> chip() {
        return Optional.ofNullable(chip);
    }

    /** Bytes written to the line so far, framing included. */
    public long wireBytes() {
        return wireBytes;
    }

    // ---- reaching the bootloader ----------------------------------------------------------------------------

    /**
     * Gets the bootloader's attention: SYNC at once (the unit may already wait in download mode), then the reset
     * sequences the adapter allows (Espressif USB-JTAG-serial, or the classic DTR/RTS circuit), then, when
     * the lines cannot reset the unit, asks a person through {@code prompt} and keeps trying until {@code manualWait}.
     */
    public void connect(ManualBoot.Prompt prompt, Duration manualWait) throws EspRomException, InterruptedException {
        if (trySync(3)) return;
        boolean lines = true;
        for (int attempt = 0; attempt < 4 && lines; attempt++) {
            lines = link.info().usbJtagSerial() ? ResetSequence.usbJtagSerial(link) : ResetSequence.classic(link, attempt % 2 == 0 ? 50 : 550);
            if (lines && trySync(5)) return;
        }
        LOG.info("{}: {}; asking for the buttons", Printable.of(link.path()),
                lines ? "the reset sequences did not bring up the bootloader" : "the adapter cannot drive DTR/RTS");
        prompt.manualBootNeeded(ManualBoot.on(Printable.of(link.path()), manualWait));
        long deadline = System.nanoTime() + manualWait.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (trySync(1)) {
                prompt.bootloaderFound();
                return;
            }
            Thread.sleep(50);
        }
        throw new EspRomException(EspRomException.Reason.NO_BOOTLOADER,
                "The unit on " + Printable.of(link.path()) + " did not answer as an ESP ROM bootloader (SYNC) within "
                        + manualWait.toSeconds() + " s.",
                "Put it into download mode: hold BOOT (IO0), press and release RESET (EN), release BOOT, and try again. "
                        + "Check that the cable carries data, that TX and RX are not swapped, and that the unit has power.");
    }

    /** Sends SYNC up to {@code attempts} times; true when the ROM answered. */
    boolean trySync(int attempts) throws EspRomException, InterruptedException {
        for (int i = 0; i < attempts; i++) {
            drain();
            send(RomCommand.SYNC, RomCommand.syncPayload(), 0);
            try {
                Response r = await(RomCommand.SYNC, SYNC_TIMEOUT);
                // The ROM answers one SYNC eight times; esptool reads the other seven. Take what comes quickly.
                for (int extra = 0; extra < 7; extra++) {
                    try {
                        await(RomCommand.SYNC, SYNC_TIMEOUT);
                    } catch (EspRomException late) {
                        break;
                    }
                }
                drain();
                if (r.value() == 0) LOG.info("{}: SYNC answered with 0: a flasher stub, not the ROM, is running", Printable.of(link.path()));
                return true;
            } catch (EspRomException e) {
                if (e.reason() != EspRomException.Reason.NO_RESPONSE) throw e;
                Thread.sleep(50);
            }
        }
        return false;
    }

    // ---- who is it ----------------------------------------------------------------------------------------

    /**
     * Finds out which chip answers, as esptool's {@code detect_chip}: GET_SECURITY_INFO names the newer chips;
     * where the ROM does not know that command (ESP8266, ESP32), the chip-detect register at 0x40001000 does.
     */
    public Chip detectChip() throws EspRomException, InterruptedException {
        Chip bySecurity = null;
        boolean resync = false;
        try {
            Response r = command(RomCommand.GET_SECURITY_INFO, new byte[0], 0, commandTimeout);
            byte[] d = r.data();
            // ESP32-S3/C3 ROM: 4 flags, 1 crypt count, 7 key purposes, 4 chip id, 4 API version, then 4 status bytes
            if (d.length == 24 && d[20] == 0) {
                int id = le32(d, 12);
                bySecurity = Chip.bySecurityInfoId(id).orElse(null);
                if (bySecurity == null) LOG.info("GET_SECURITY_INFO names chip id {}, which FieldFlash does not know", id);
            } else {
                resync = true;   // ESP8266 / ESP32 ROM: not a command it knows
            }
        } catch (EspRomException e) {
            if (e.reason() != EspRomException.Reason.NO_RESPONSE && e.reason() != EspRomException.Reason.BAD_RESPONSE) throw e;
            resync = true;
        }
        if (resync && !trySync(5)) {
            throw new EspRomException(EspRomException.Reason.NO_RESPONSE, "The bootloader on " + Printable.of(link.path())
                    + " stopped answering after the chip-type question.", "Reset the unit into download mode and try again.");
        }
        int magic = readReg(Chip.CHIP_DETECT_MAGIC_REG);
        Optional<Chip> byMagic = Chip.byMagic(magic);
        Chip found = bySecurity != null ? bySecurity : byMagic.orElse(null);
        if (found == null) {
            throw new EspRomException(EspRomException.Reason.UNKNOWN_CHIP, String.format(
                    "The unit on %s is an ESP chip FieldFlash does not know (chip-detect register 0x%08x).", Printable.of(link.path()), magic),
                    "FieldFlash flashes the ESP32, ESP32-S3, ESP32-C3 and ESP8266. Check the unit's chip and the bundle.");
        }
        chip = found;
        blockSize = chip.esp32Family() ? LARGE_BLOCK : Chip.ROM_FLASH_BLOCK;
        if (chip == Chip.ESP32S3 && (readReg(ESP32S3_UARTDEV_BUF_NO) & 0xFF) == ESP32S3_UART_USB_OTG) {
            blockSize = USB_OTG_BLOCK;   // the S3's USB-OTG download path takes smaller blocks (esptool's USB_RAM_BLOCK)
        }
        LOG.info("{}: chip is {}", Printable.of(link.path()), chip.displayName());
        return chip;
    }

    /** The base MAC from eFuse, read as esptool's {@code read_mac}. */
    public byte[] readMac() throws EspRomException, InterruptedException {
        Chip c = requireChip();
        int[] regs = c.macRegisters();
        int[] values = new int[regs.length];
        for (int i = 0; i < regs.length; i++) values[i] = readReg(regs[i]);
        try {
            return c.macFrom(values);
        } catch (IllegalArgumentException e) {
            throw new EspRomException(EspRomException.Reason.BAD_RESPONSE, "The ESP8266 on " + Printable.of(link.path())
                    + " has a MAC vendor prefix in its OTP memory that esptool does not know.", "Report this unit to the vendor.");
        }
    }

    /** The flash chip's JEDEC id, read by running RDID (0x9F) through the SPI controller's registers, as esptool does. */
    public int flashId() throws EspRomException, InterruptedException {
        return runSpiFlashCommand(0x9F, 24);
    }

    /** Flash size in bytes from a JEDEC id ({@code flashId >> 16} is the capacity code), 0 when unknown. */
    public static long flashSizeOf(int flashId) {
        int code = (flashId >>> 16) & 0xFF;
        if (code >= 0x12 && code <= 0x1C) return 1L << (code - 0x12 + 18);   // 0x12 = 256 KiB … 0x18 = 16 MiB
        if (code >= 0x32 && code <= 0x3A) return 1L << (code - 0x32 + 18);
        if (code >= 0x20 && code <= 0x22) return 1L << (code - 0x20 + 26);
        return 0;
    }

    private int runSpiFlashCommand(int spiCommand, int readBits) throws EspRomException, InterruptedException {
        Chip c = requireChip();
        final int usrCommand = 1 << 31, usrMiso = 1 << 28, cmdUsr = 1 << 18;
        int oldUsr = readReg(c.spiUsrReg());
        int oldUsr2 = readReg(c.spiUsr2Reg());
        if (c.spiMosiDlenReg() >= 0) {
            if (readBits > 0) writeReg(c.spiMisoDlenReg(), readBits - 1);
        } else {
            writeReg(c.spiUsr1Reg(), (readBits > 0 ? readBits - 1 : 0) << 8);   // ESP8266: MISO bit length at bit 8
        }
        writeReg(c.spiUsrReg(), usrCommand | (readBits > 0 ? usrMiso : 0));
        writeReg(c.spiUsr2Reg(), (7 << 28) | spiCommand);
        writeReg(c.spiW0Reg(), 0);
        writeReg(c.spiCmdReg(), cmdUsr);
        boolean done = false;
        for (int i = 0; i < 10 && !done; i++) done = (readReg(c.spiCmdReg()) & cmdUsr) == 0;
        if (!done) {
            throw new EspRomException(EspRomException.Reason.BAD_RESPONSE, "The flash chip of the unit on " + Printable.of(link.path())
                    + " did not finish a command.", "Check the unit's flash wiring; reset it into download mode and try again.");
        }
        int status = readReg(c.spiW0Reg());
        writeReg(c.spiUsrReg(), oldUsr);
        writeReg(c.spiUsr2Reg(), oldUsr2);
        return status;
    }

    // ---- flash set-up and speed ---------------------------------------------------------------------------

    /** Enables the SPI flash: SPI_ATTACH on the ESP32 family, an empty FLASH_BEGIN on the ESP8266 (which attaches on it). */
    public void attachFlash() throws EspRomException, InterruptedException {
        Chip c = requireChip();
        if (c.esp32Family()) {
            checkCommand(RomCommand.SPI_ATTACH, new byte[8], 0, commandTimeout);   // default pins, "is legacy" 0
        } else {
            flashBegin(0, 0, 0, 0);
        }
    }

    /** Tells the ROM the flash size (SPI_SET_PARAMS, as esptool's fixed block/sector/page sizes); nothing on the ESP8266 ROM. */
    public void setFlashParameters(long totalSize) throws EspRomException, InterruptedException {
        if (!requireChip().esp32Family()) return;
        ByteBuffer b = le(24);
        b.putInt(0).putInt((int) totalSize).putInt(64 * 1024).putInt(4 * 1024).putInt(256).putInt(0xFFFF);
        checkCommand(RomCommand.SPI_SET_PARAMS, b.array(), 0, commandTimeout);
    }

    /**
     * Switches both ends to {@code baud} (CHANGE_BAUDRATE; the ESP8266 ROM cannot, and stays at 115200). On the
     * ESP32 the requested rate is scaled by the ROM's own clock estimate, as esptool does. If the line does not
     * work at the new rate, both ends go back to the old one; if that fails too, {@link EspRomException.Reason#BAUD_FAILED}.
     *
     * @return the rate in use afterwards
     */
    public int changeBaud(int baud) throws EspRomException, InterruptedException {
        Chip c = requireChip();
        int old = link.baud();
        if (baud == old || !c.esp32Family()) return old;
        try {
            link.setBaud(baud);     // can this adapter do it at all?
            link.setBaud(old);
        } catch (SerialException e) {
            LOG.info("{}: the adapter cannot do {} baud; staying at {}", Printable.of(link.path()), baud, old);
            return old;
        }
        int romBaud = baud;
        if (c == Chip.ESP32) {
            long cali = (Integer.toUnsignedLong(readReg(ESP32_RTCCALICFG1)) >>> 7) & 0x01FFFFFF;
            long ck8m = readReg(ESP32_EFUSE_WORD4) & 0xFF;
            double romFreq = cali * 15625.0 * ck8m / 40;
            double valid = romFreq > 33_000_000 ? 40_000_000 : 26_000_000;
            romBaud = (int) Math.floor(baud * romFreq / valid);
        }
        ByteBuffer b = le(8);
        b.putInt(romBaud).putInt(0);
        command(RomCommand.CHANGE_BAUDRATE, b.array(), 0, commandTimeout);
        port(() -> link.setBaud(baud));
        Thread.sleep(50);
        drain();
        try {
            readReg(Chip.CHIP_DETECT_MAGIC_REG);
            LOG.info("{}: {} baud", Printable.of(link.path()), baud);
            return baud;
        } catch (EspRomException e) {
            LOG.info("{}: no answer at {} baud; back to {}", Printable.of(link.path()), baud, old);
            port(() -> link.setBaud(old));
            if (trySync(5)) return old;
            throw new EspRomException(EspRomException.Reason.BAUD_FAILED, "The unit on " + Printable.of(link.path()) + " stopped answering after "
                    + "switching to " + baud + " baud.", "Reset the unit into download mode and try again with --baud " + EspRomOptions.ROM_BAUD + ".");
        }
    }

    // ---- writing ------------------------------------------------------------------------------------------

    /** What one region write cost and checked. */
    public record WriteResult(long size, long wireBytes, boolean compressed, boolean md5Checked, String md5) {}

    /**
     * Writes {@code size} bytes from {@code data} at {@code offset}: erase and write through FLASH_DEFL_* when
     * {@code compress} and the ROM can inflate, else FLASH_*, then compares the region's MD5 (SPI_FLASH_MD5) with
     * the bytes sent where the ROM can compute one. {@code progress} hears the image bytes the ROM confirmed.
     *
     * @param reopen opens the data again from the start (compression reads it twice, to know its size first)
     */
    public WriteResult write(DataSource reopen, long size, int offset, boolean compress, LongConsumer progress)
            throws EspRomException, IOException, InterruptedException {
        Chip c = requireChip();
        long padded = (size + 3) & ~3L;    // esptool pads every file to 4 bytes with 0xFF
        long wireBefore = wireBytes;
        boolean deflate = compress && c.esp32Family();
        MessageDigest md5 = md5();
        try {
            writeRegion(deflate, reopen, size, padded, offset, md5, progress);
        } catch (FirstBlockRefused e) {
            LOG.info("{}: the ROM did not take {}-byte blocks ({}); writing again with {}-byte blocks", Printable.of(link.path()),
                    blockSize, e.getCause().getMessage(), Chip.ROM_FLASH_BLOCK);
            blockSize = Chip.ROM_FLASH_BLOCK;
            drain();
            if (!trySync(5)) throw (EspRomException) e.getCause();
            md5 = md5();
            try {
                writeRegion(deflate, reopen, size, padded, offset, md5, progress);
            } catch (FirstBlockRefused cannotHappen) {   // blocks are esptool's size now
                throw (EspRomException) cannotHappen.getCause();
            }
        }
        String expected = HexFormat.of().formatHex(md5.digest());
        boolean checked = false;
        if (c.esp32Family()) {
            String actual = flashMd5(offset, padded);
            if (!actual.equals(expected)) {
                throw new EspRomException(EspRomException.Reason.VERIFY_FAILED, String.format(
                        "The flash of the unit on %s does not hold what was written at 0x%x (MD5 %s, expected %s).",
                        Printable.of(link.path()), offset, actual, expected), "Write it again; if it fails again, the unit's flash may be worn or damaged.");
            }
            checked = true;
        }
        return new WriteResult(size, wireBytes - wireBefore, deflate, checked, expected);
    }

    private void writeRegion(boolean deflate, DataSource reopen, long size, long padded, int offset, MessageDigest md5, LongConsumer progress)
            throws EspRomException, IOException, InterruptedException, FirstBlockRefused {
        failedSeq = -1;
        try {
            if (deflate) {
                writeDeflated(reopen, size, padded, offset, md5, progress);
            } else {
                writePlain(reopen, size, padded, offset, md5, progress);
            }
        } catch (EspRomException e) {
            // nothing confirmed yet, large blocks: perhaps this ROM's buffer is smaller
            if (failedSeq == 0 && blockSize > Chip.ROM_FLASH_BLOCK) throw new FirstBlockRefused(e);
            throw e;
        }
    }

    /** The first data block of a region failed with blocks larger than esptool's. */
    private static final class FirstBlockRefused extends Exception {
        FirstBlockRefused(EspRomException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Opens the bytes to write from their start. */
    public interface DataSource {
        InputStream open() throws IOException;
    }

    /**
     * FLASH_BEGIN/DATA. The ROM erases whole sectors from the offset and the last block is padded to the block
     * size with 0xFF; with esptool's 1 KiB blocks that padding never leaves the last erased sector, with larger
     * ones it could run into the next one (the neighbour's data, and a failed read-back). So large blocks carry
     * only a whole number of sectors, and the rest goes in a second FLASH_BEGIN with 1 KiB blocks.
     */
    private void writePlain(DataSource source, long size, long padded, int offset, MessageDigest md5, LongConsumer progress)
            throws EspRomException, IOException, InterruptedException {
        int small = Chip.ROM_FLASH_BLOCK;
        long unit = lcm(blockSize, Chip.SECTOR);
        long large = blockSize > small && offset % Chip.SECTOR == 0 ? padded / unit * unit : 0;
        try (InputStream in = source.open()) {
            long[] done = {0};
            if (large > 0) plainPart(in, size, large, offset, blockSize, md5, progress, done);
            if (padded > large) plainPart(in, size, padded - large, offset + large, small, md5, progress, done);
        }
    }

    /** One FLASH_BEGIN and its blocks: {@code length} bytes (padded image) at {@code at}; {@code done} counts the image bytes sent. */
    private void plainPart(InputStream in, long size, long length, long at, int block, MessageDigest md5, LongConsumer progress, long[] done)
            throws EspRomException, IOException, InterruptedException {
        int blocks = (int) ((length + block - 1) / block);
        long eraseSize = chip == Chip.ESP8266 ? esp8266EraseSize(at, length) : length;
        flashBegin(eraseSize, blocks, block, (int) at);
        byte[] buf = new byte[block];
        long partDone = 0;
        for (int seq = 0; seq < blocks; seq++) {
            int dataLen = (int) Math.min(block, length - partDone);
            int want = (int) Math.max(0, Math.min(dataLen, size - done[0]));
            int got = in.readNBytes(buf, 0, want);
            if (got != want) throw new IOException("the image ended after " + (done[0] + got) + " of " + size + " bytes");
            Arrays.fill(buf, got, block, (byte) 0xFF);    // 4-byte padding and the last block's fill
            md5.update(buf, 0, dataLen);
            dataBlock(RomCommand.FLASH_DATA, buf, block, seq, commandTimeout);
            partDone += dataLen;
            done[0] += dataLen;
            progress.accept(Math.min(done[0], size));
        }
    }

    private static long lcm(long a, long b) {
        long x = a, y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    private void writeDeflated(DataSource source, long size, long padded, int offset, MessageDigest md5, LongConsumer progress)
            throws EspRomException, IOException, InterruptedException {
        int block = blockSize;
        long compressedSize = deflate(source, size, padded, null, (b, n, raw) -> {});
        int blocks = (int) ((compressedSize + block - 1) / block);
        // the ROM wants the erase size in whole 1 KiB blocks (esptool's FLASH_WRITE_SIZE), whatever the data blocks are
        long writeSize = (padded + Chip.ROM_FLASH_BLOCK - 1) / Chip.ROM_FLASH_BLOCK * Chip.ROM_FLASH_BLOCK;
        ByteBuffer p = le(chip.beginTakesEncryptFlag() ? 20 : 16);
        p.putInt((int) writeSize).putInt(blocks).putInt(block).putInt(offset);
        if (chip.beginTakesEncryptFlag()) p.putInt(0);
        checkCommand(RomCommand.FLASH_DEFL_BEGIN, p.array(), 0, perMb(ERASE_SECONDS_PER_MB, writeSize));
        int[] seq = {0};
        long[] rawDone = {0};
        long sent = deflate(source, size, padded, md5, (b, n, raw) -> {
            if (seq[0] >= blocks) throw new IOException("the compressed image came out longer than when measured");
            rawDone[0] += raw;
            Duration timeout = max(commandTimeout, perMb(WRITE_SECONDS_PER_MB, raw));   // the ROM writes before it answers
            dataBlock(RomCommand.FLASH_DEFL_DATA, b, n, seq[0]++, timeout);
            progress.accept(Math.min(rawDone[0], size));
        });
        if (sent != compressedSize || seq[0] != blocks) throw new IOException("the compressed image changed between two reads");
    }

    /** A compressed block is ready: {@code raw} is how many image bytes went into the compressor since the last one. */
    private interface BlockSink {
        void block(byte[] data, int len, long raw) throws EspRomException, IOException, InterruptedException;
    }

    /** Deflates the (padded) image as zlib at level 9 (as esptool), handing out blocks of the current block size; returns the compressed size. */
    private long deflate(DataSource source, long size, long padded, MessageDigest md5, BlockSink sink)
            throws EspRomException, IOException, InterruptedException {
        int block = blockSize;
        Deflater d = new Deflater(9);
        byte[] raw = new byte[64 * 1024];
        byte[] out = new byte[block];
        int outLen = 0;
        long total = 0;
        long rawSince = 0;
        long read = 0;
        try (InputStream in = source.open()) {
            while (!d.finished()) {
                if (d.needsInput() && read < padded) {
                    int n = (int) Math.min(raw.length, padded - read);
                    int fromImage = (int) Math.max(0, Math.min(n, size - read));
                    int got = in.readNBytes(raw, 0, fromImage);
                    if (got != fromImage) throw new IOException("the image ended after " + (read + got) + " of " + size + " bytes");
                    Arrays.fill(raw, got, n, (byte) 0xFF);
                    if (md5 != null) md5.update(raw, 0, n);
                    d.setInput(raw, 0, n);
                    read += n;
                    rawSince += n;
                    if (read == padded) d.finish();
                } else if (d.needsInput() && read >= padded) {
                    d.finish();
                }
                int n = d.deflate(out, outLen, block - outLen);
                outLen += n;
                if (outLen == block) {
                    sink.block(out, block, rawSince);
                    total += block;
                    rawSince = 0;
                    outLen = 0;
                }
            }
            if (outLen > 0) {
                sink.block(out, outLen, rawSince);
                total += outLen;
            }
        } finally {
            d.end();
        }
        return total;
    }

    /**
     * The erase size to send so that the ESP8266 ROM erases exactly the region: its FLASH_BEGIN counts the sectors
     * up to the next 64 KiB boundary twice (esptool's {@code ESP8266ROM.get_erase_size}).
     */
    public static long esp8266EraseSize(long offset, long size) {
        int sectorsPerBlock = 16;
        long sector = Chip.SECTOR;
        long numSectors = (size + sector - 1) / sector;
        long startSector = offset / sector;
        long head = sectorsPerBlock - (startSector % sectorsPerBlock);
        if (numSectors < head) head = numSectors;
        if (numSectors < 2 * head) return (numSectors + 1) / 2 * sector;
        return (numSectors - head) * sector;
    }

    void flashBegin(long eraseSize, int blocks, int blockSize, int offset) throws EspRomException, InterruptedException {
        ByteBuffer p = le(requireChip().beginTakesEncryptFlag() ? 20 : 16);
        p.putInt((int) eraseSize).putInt(blocks).putInt(blockSize).putInt(offset);
        if (chip.beginTakesEncryptFlag()) p.putInt(0);
        checkCommand(RomCommand.FLASH_BEGIN, p.array(), 0, perMb(ERASE_SECONDS_PER_MB, eraseSize));
    }

    /** One FLASH_DATA / FLASH_DEFL_DATA block, resent with the same sequence number up to {@value #BLOCK_ATTEMPTS} times. */
    private void dataBlock(RomCommand cmd, byte[] data, int len, int seq, Duration timeout) throws EspRomException, InterruptedException {
        byte[] payload = new byte[16 + len];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(len).putInt(seq).putInt(0).putInt(0);
        System.arraycopy(data, 0, payload, 16, len);
        int chk = RomCommand.checksum(data, 0, len);
        for (int attempt = 1; ; attempt++) {
            try {
                checkCommand(cmd, payload, chk, timeout);
                return;
            } catch (EspRomException e) {
                // a first large block without any answer: likely too large for this ROM, try esptool's size at once
                boolean probe = seq == 0 && len > Chip.ROM_FLASH_BLOCK && e.reason() == EspRomException.Reason.NO_RESPONSE;
                if (!e.retryable() || attempt >= BLOCK_ATTEMPTS || probe) {
                    failedSeq = seq;
                    throw new EspRomException(e.reason(), "Writing block " + seq + " failed " + attempt + " times: " + e.getMessage(),
                            e.hint(), e.romError(), e);
                }
                LOG.info("{}: block {} failed ({}); sending it again", Printable.of(link.path()), seq, e.getMessage());
                drain();
            }
        }
    }

    /** The data block size in use (after {@link #detectChip()}). */
    public int blockSize() {
        return blockSize;
    }

    /** SPI_FLASH_MD5 of a flash region, lowercase hex; the ROM answers 32 hex characters, a stub 16 bytes. */
    public String flashMd5(long offset, long size) throws EspRomException, InterruptedException {
        if (!requireChip().esp32Family()) {
            throw new UnsupportedOperationException("the ESP8266 ROM has no SPI_FLASH_MD5");
        }
        ByteBuffer p = le(16);
        p.putInt((int) offset).putInt((int) size).putInt(0).putInt(0);
        byte[] r = checkCommand(RomCommand.SPI_FLASH_MD5, p.array(), 0, max(commandTimeout, perMb(MD5_SECONDS_PER_MB, size)));
        if (r.length == 32) {
            String hex = new String(r, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
            if (hex.matches("[0-9a-f]{32}")) return hex;
        } else if (r.length == 16) {
            return HexFormat.of().formatHex(r);
        }
        throw new EspRomException(EspRomException.Reason.BAD_RESPONSE, "The unit on " + Printable.of(link.path())
                + " answered the MD5 question with " + r.length + " bytes that are not an MD5.", "Reset the unit into download mode and try again.");
    }

    /** READ_FLASH_SLOW (ESP32 family ROM only): {@code len} bytes from flash, 64 per request. */
    public byte[] readFlash(long offset, int len) throws EspRomException, InterruptedException {
        if (!requireChip().esp32Family()) throw new UnsupportedOperationException("the ESP8266 ROM cannot read flash");
        byte[] out = new byte[len];
        for (int done = 0; done < len; done += 64) {
            int n = Math.min(64, len - done);
            ByteBuffer p = le(8);
            p.putInt((int) (offset + done)).putInt(n);
            byte[] r = checkCommand(RomCommand.READ_FLASH_SLOW, p.array(), 0, commandTimeout);
            if (r.length < n) {
                throw new EspRomException(EspRomException.Reason.BAD_RESPONSE, "The unit on " + Printable.of(link.path()) + " returned "
                        + r.length + " bytes for a " + n + "-byte flash read.", "Reset the unit into download mode and try again.");
            }
            System.arraycopy(r, 0, out, done, n);   // the ROM always answers a 64-byte buffer
        }
        return out;
    }

    /**
     * Leaves the bootloader and starts the written firmware: pulses RTS (EN) where the adapter can; where it
     * cannot, asks the ROM to reboot (FLASH_END with "reboot"), which it does without a reliable answer.
     */
    public void hardReset() throws EspRomException, InterruptedException {
        if (ResetSequence.hard(link)) return;
        ByteBuffer p = le(4);
        p.putInt(0);   // 0: reboot
        send(RomCommand.FLASH_END, p.array(), 0);
        try {
            await(RomCommand.FLASH_END, Duration.ofMillis(300));
        } catch (EspRomException noAnswer) {
            // the ROM may restart before it answers
        }
    }

    // ---- registers -----------------------------------------------------------------------------------------

    /** READ_REG: the 32-bit word at {@code address}. */
    public int readReg(int address) throws EspRomException, InterruptedException {
        ByteBuffer p = le(4);
        p.putInt(address);
        Response r = command(RomCommand.READ_REG, p.array(), 0, commandTimeout);
        // status is judged on the first data byte here, as esptool does (read_reg runs before the status size is known)
        if (r.data().length == 0 || r.data()[0] != 0) {
            int err = r.data().length > 1 ? r.data()[1] & 0xFF : -1;
            throw new EspRomException(EspRomException.Reason.COMMAND_FAILED, String.format("The unit on %s refused to read register 0x%08x (%s).",
                    Printable.of(link.path()), address, RomCommand.errorText(err)), "The unit may be in secure download mode; check with the vendor.", err, null);
        }
        return r.value();
    }

    /** WRITE_REG with a full mask and no delay. */
    public void writeReg(int address, int value) throws EspRomException, InterruptedException {
        ByteBuffer p = le(16);
        p.putInt(address).putInt(value).putInt(0xFFFFFFFF).putInt(0);
        checkCommand(RomCommand.WRITE_REG, p.array(), 0, commandTimeout);
    }

    // ---- the exchange --------------------------------------------------------------------------------------

    /**
     * Sends a request and waits for the answer with the same opcode. Requests that can be repeated without harm
     * (reads, register writes, SPI set-up, MD5, the erase of a region not yet written) are sent again when the
     * answer is missing or damaged, up to {@value #BLOCK_ATTEMPTS} times, as esptool resends data blocks.
     */
    Response command(RomCommand cmd, byte[] data, int checksum, Duration timeout) throws EspRomException, InterruptedException {
        int attempts = switch (cmd) {
            case READ_REG, WRITE_REG, SPI_ATTACH, SPI_SET_PARAMS, SPI_FLASH_MD5, FLASH_BEGIN, FLASH_DEFL_BEGIN, READ_FLASH_SLOW -> BLOCK_ATTEMPTS;
            default -> 1;
        };
        for (int attempt = 1; ; attempt++) {
            send(cmd, data, checksum);
            try {
                return await(cmd, timeout);
            } catch (EspRomException e) {
                boolean lineTrouble = e.reason() == EspRomException.Reason.NO_RESPONSE || e.reason() == EspRomException.Reason.BAD_RESPONSE;
                if (!lineTrouble || attempt >= attempts) throw e;
                LOG.info("{}: {}; asking again", Printable.of(link.path()), e.getMessage());
                drain();
            }
        }
    }

    /** {@link #command}, then the status bytes: a failure throws, otherwise the data before the status comes back. */
    byte[] checkCommand(RomCommand cmd, byte[] data, int checksum, Duration timeout) throws EspRomException, InterruptedException {
        Response r = command(cmd, data, checksum, timeout);
        int statusLen = requireChip().statusBytes();
        byte[] d = r.data();
        if (d.length < statusLen) {
            throw new EspRomException(EspRomException.Reason.BAD_RESPONSE, "The unit on " + Printable.of(link.path()) + " answered "
                    + cmd + " with only " + d.length + " status bytes.", "Reset the unit into download mode and try again.");
        }
        int status = d[d.length - statusLen] & 0xFF;
        int error = d[d.length - statusLen + 1] & 0xFF;
        if (status != 0) {
            throw new EspRomException(EspRomException.Reason.COMMAND_FAILED, "The unit on " + Printable.of(link.path()) + " refused "
                    + cmd + ": " + RomCommand.errorText(error) + ".", "Try again; if it keeps failing, reset the unit into download mode and start over.",
                    error, null);
        }
        return Arrays.copyOf(d, d.length - statusLen);
    }

    private void send(RomCommand cmd, byte[] data, int checksum) throws EspRomException {
        byte[] packet = new byte[8 + data.length];
        ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) RomCommand.REQUEST).put((byte) cmd.op()).putShort((short) data.length).putInt(checksum);
        System.arraycopy(data, 0, packet, 8, data.length);
        byte[] framed = Slip.encode(packet);
        port(() -> link.write(framed));
        wireBytes += framed.length;
    }

    private Response await(RomCommand cmd, Duration timeout) throws EspRomException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] p = nextPacket(deadline);
            if (p == null) {
                throw new EspRomException(EspRomException.Reason.NO_RESPONSE, "The unit on " + Printable.of(link.path()) + " did not answer "
                        + cmd + " within " + timeout.toMillis() + " ms.",
                        "Check the cable and that the unit is still in download mode (it leaves it when reset), then try again.");
            }
            if (p.length < 8 || (p[0] & 0xFF) != RomCommand.RESPONSE) continue;
            int size = (p[2] & 0xFF) | (p[3] & 0xFF) << 8;
            if (size != p.length - 8) continue;   // damaged on the way
            if ((p[1] & 0xFF) != cmd.op()) continue;   // a late answer to something else (extra SYNC replies)
            return new Response(p[1] & 0xFF, le32(p, 4), Arrays.copyOfRange(p, 8, p.length));
        }
    }

    /** The next complete packet, or null when none completed before {@code deadline}. */
    private byte[] nextPacket(long deadline) throws EspRomException, InterruptedException {
        while (true) {
            while (inPos < inLen) {
                byte[] p = decoder.feed(in[inPos++]);
                if (p != null) return p;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            int n = portRead(Duration.ofNanos(left));
            if (n == 0) return null;
            inPos = 0;
            inLen = n;
        }
    }

    private int portRead(Duration timeout) throws EspRomException, InterruptedException {
        try {
            return link.read(in, 0, in.length, timeout);
        } catch (SerialException e) {
            throw portError(e);
        }
    }

    /** Forgets unread input (boot messages, late or extra answers). */
    void drain() throws EspRomException {
        inPos = inLen = 0;
        decoder.reset();
        port(link::drainInput);
    }

    private interface PortAction {
        void run() throws SerialException;
    }

    private void port(PortAction a) throws EspRomException {
        try {
            a.run();
        } catch (SerialException e) {
            throw portError(e);
        }
    }

    private static EspRomException portError(SerialException e) {
        return new EspRomException(EspRomException.Reason.PORT, e.getMessage(), e.hint(), -1, e);
    }

    private Chip requireChip() {
        if (chip == null) throw new IllegalStateException("detectChip() first");
        return chip;
    }

    /** For tests and a caller that already knows the chip (it is still checked by {@link #detectChip()} normally). */
    void assumeChip(Chip c) {
        chip = c;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /** A size-scaled timeout (as esptool's {@code timeout_per_mb}), never below the plain command timeout. */
    private Duration perMb(double secondsPerMb, long bytes) {
        return max(commandTimeout, Duration.ofMillis((long) (secondsPerMb * bytes / 1e3)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
