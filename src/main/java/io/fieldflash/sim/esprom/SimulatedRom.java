package io.fieldflash.sim.esprom;

import io.fieldflash.AtomicFile;
import io.fieldflash.Printable;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.RomCommand;
import io.fieldflash.device.esprom.Slip;
import io.fieldflash.device.serial.SerialException;
import io.fieldflash.device.serial.SerialLink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ESP chip held in its ROM download mode, answering on a serial port (one end of a pseudo-terminal pair) the
 * way esptool expects the ROM to: SYNC answered eight times, READ_REG/WRITE_REG on the registers esptool reads
 * ({@link RomRegisters}), FLASH_BEGIN erasing (the ESP8266 with its erase-size bug), FLASH_DATA checked by its
 * checksum and read back, FLASH_DEFL_* inflating, SPI_FLASH_MD5 as 32 hex characters, CHANGE_BAUDRATE,
 * GET_SECURITY_INFO where the chip has it, and "invalid message" for what the chip's ROM does not know.
 *
 * <p>Bytes cross the line at the current baud rate (10 bit times each). The flash is {@code DIR/flash.bin};
 * the chip and its MAC are in {@code DIR/unit.json}, so the same folder is the same unit next time. Its BOOT
 * button counts as held: a reset (FLASH_END) lands in download mode again, at the starting baud rate.
 */
public final class SimulatedRom {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedRom.class);
    static final String UNIT_FILE = "unit.json";
    static final String FLASH_FILE = "flash.bin";
    /** The flash of a new unit. */
    public static final long FLASH_SIZE = 4L << 20;
    /** Largest block the simulated ROM takes in one FLASH_DATA (the ROM's RAM-download block, 0x1800). */
    static final int MAX_BLOCK = 0x1800;
    static final int SYNC_VALUE = 0x20120707;

    private final RomSimConfig cfg;
    private final Chip chip;
    private final byte[] mac;
    private final SerialLink link;
    private final RomFlash flash;
    private final RomRegisters regs;
    private final LineClock line;
    private final Random random;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;

    // the write in progress (FLASH_BEGIN or FLASH_DEFL_BEGIN), if any
    private boolean deflating;
    private long writeOffset;
    private long writeLimit;
    private int blocks;
    private int blockSize;
    private Inflater inflater;
    private long inflatedTo;
    private int nextSeq;
    private int lastChecksum = -1;

    private long commands;
    private long stalledUntil;
    private final Stats stats = new Stats();

    /** What the simulated ROM saw; read by tests. */
    public static final class Stats {
        volatile long commands;
        volatile long checksumErrors;
        volatile long boots;
        volatile long faults;
        volatile int baud;

        public long commands() {
            return commands;
        }

        public long checksumErrors() {
            return checksumErrors;
        }

        /** Resets into download mode since start (FLASH_END). */
        public long boots() {
            return boots;
        }

        public long faults() {
            return faults;
        }

        public int baud() {
            return baud;
        }
    }

    private SimulatedRom(RomSimConfig cfg, Chip chip, byte[] mac, SerialLink link, RomFlash flash) {
        this.cfg = cfg;
        this.chip = chip;
        this.mac = mac;
        this.link = link;
        this.flash = flash;
        this.regs = new RomRegisters(chip, mac, RomRegisters.FLASH_ID_4MB);
        this.line = new LineClock(cfg.baud());
        this.regs.baud(cfg.baud());
        this.random = new Random(cfg.faults().seed());
        this.thread = Thread.ofPlatform().daemon().name("esprom-sim " + cfg.port()).unstarted(this::run);
        stats.baud = cfg.baud();
    }

    /**
     * Powers the unit on in download mode: reads (or makes) the state folder and opens the port.
     *
     * @throws IOException           the state folder cannot be used, or holds another chip than {@code cfg.chip()}
     * @throws SerialException       the port cannot be opened
     */
    public static SimulatedRom start(RomSimConfig cfg) throws IOException, SerialException {
        Files.createDirectories(cfg.stateDir());
        Path unitFile = cfg.stateDir().resolve(UNIT_FILE);
        Chip chip;
        byte[] mac;
        if (Files.exists(unitFile)) {
            var node = Json.MAPPER.readTree(Files.readAllBytes(unitFile));
            chip = Chip.parse(node.path("chip").asText("")).orElseThrow(() -> new IOException(unitFile + " names no known chip"));
            mac = parseMac(node.path("mac").asText(""));
            if (cfg.chip().isPresent() && cfg.chip().get() != chip) {
                throw new IOException("the unit in " + cfg.stateDir() + " is an " + chip.displayName() + ", not an "
                        + cfg.chip().get().displayName() + "; use another --state folder for another chip");
            }
        } else {
            chip = cfg.chip().orElse(Chip.ESP32);
            mac = cfg.mac().orElseGet(() -> randomMac(chip));
            Map<String, String> unit = new LinkedHashMap<>();
            unit.put("chip", chip.id());
            unit.put("mac", Chip.macText(mac));
            AtomicFile.write(unitFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(unit), true);
        }
        RomFlash flash = RomFlash.open(cfg.stateDir().resolve(FLASH_FILE), FLASH_SIZE);
        SerialLink link;
        try {
            link = SerialLink.open(cfg.port(), cfg.baud());
        } catch (SerialException e) {
            flash.close();
            throw e;
        }
        SimulatedRom rom = new SimulatedRom(cfg, chip, mac, link, flash);
        rom.thread.start();
        LOG.info("simulated {} {} in download mode on {} at {} baud (flash {})", chip.displayName(), Chip.macText(mac),
                Printable.of(cfg.port()), cfg.baud(), cfg.stateDir().resolve(FLASH_FILE));
        if (cfg.faults().any()) LOG.info("faults: {}", cfg.faults());
        return rom;
    }

    public Chip chip() {
        return chip;
    }

    public byte[] mac() {
        return mac.clone();
    }

    public Stats stats() {
        return stats;
    }

    /** One line for people: chip, MAC, port. */
    public String describe() {
        return chip.displayName() + " " + Chip.macText(mac) + " on " + Printable.of(cfg.port());
    }

    /** Stops answering, closes the port (the other end sees the line go dead) and the flash file. */
    public void stop() {
        stopping = true;
        link.close();
        try {
            if (Thread.currentThread() != thread) thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flash.force();
            flash.close();
        } catch (IOException e) {
            LOG.warn("closing the flash file: {}", e.getMessage());
        }
        stopped.countDown();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void run() {
        Slip.Decoder decoder = new Slip.Decoder(MAX_BLOCK + 64);
        byte[] buf = new byte[4096];
        try {
            while (!stopping) {
                int n = link.read(buf, 0, buf.length, Duration.ofMillis(100));
                if (n == 0) continue;
                line.bytes(n);
                for (int i = 0; i < n; i++) {
                    byte[] packet = decoder.feed(buf[i]);
                    if (packet != null) handle(packet);
                }
            }
        } catch (SerialException e) {
            if (!stopping) LOG.info("the line went away: {}", e.getMessage());
        } catch (InterruptedException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            LOG.error("simulated ROM failed: {}", e.toString());
        } finally {
            if (!stopping) new Thread(this::stop, "esprom-sim-stop").start();
        }
    }

    // ---- one request ----------------------------------------------------------------------------------------

    private void handle(byte[] p) throws IOException, InterruptedException, SerialException {
        if (p.length < 8 || p[0] != RomCommand.REQUEST) return;   // not a request: the ROM ignores it
        int op = p[1] & 0xFF;
        int size = (p[2] & 0xFF) | (p[3] & 0xFF) << 8;
        int checksum = le32(p, 4);
        byte[] data = Arrays.copyOfRange(p, 8, p.length);
        commands++;
        stats.commands = commands;
        RomFaults f = cfg.faults();
        // a fixed number of draws per command, so a seed replays the same faults
        double dStall = random.nextDouble(), dNoise = random.nextDouble(), dStatus = random.nextDouble();
        if (f.hang() > 0 && commands > f.hang()) {
            if (commands == f.hang() + 1) LOG.info("fault: the ROM hangs after {} commands", f.hang());
            stats.faults++;
            return;
        }
        long now = System.nanoTime();
        if (stalledUntil != 0 && now - stalledUntil < 0) return;
        if (dStall < f.stall()) {
            stalledUntil = now + f.stallMs() * 1_000_000;
            stats.faults++;
            LOG.info("fault: stall of {} ms on {}", f.stallMs(), name(op));
            return;
        }
        boolean noise = dNoise < f.noise();
        if (size != data.length) {
            reply(op, 0, new byte[0], RomCommand.ERR_INVALID_MESSAGE, noise);
            return;
        }
        Reply r;
        try {
            r = dispatch(op, data, checksum, dStatus < f.status());
        } catch (Refusal e) {
            LOG.info("{} refused: {}", name(op), e.getMessage());
            r = new Reply(0, new byte[0], e.error);
        } catch (Lost e) {
            return;
        }
        if (r == null) return;
        reply(op, r.value, r.data, r.error, noise);
        if (r.after != null) r.after.run();
    }

    private record Reply(int value, byte[] data, int error, Runnable after) {
        Reply(int value, byte[] data, int error) {
            this(value, data, error, null);
        }
    }

    /** The request is lost on the chip's side: no answer at all. */
    private static final class Lost extends Exception {
        Lost() {
            super(null, null, false, false);
        }
    }

    private static final class Refusal extends Exception {
        final int error;

        Refusal(int error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    private static final Reply OK = new Reply(0, new byte[0], 0);

    private Reply dispatch(int op, byte[] d, int checksum, boolean statusFault) throws IOException, Refusal, Lost, InterruptedException, SerialException {
        RomCommand cmd = RomCommand.of(op).orElse(null);
        boolean esp32 = chip.esp32Family();
        if (cmd == null) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "unknown command 0x" + Integer.toHexString(op));
        return switch (cmd) {
            case SYNC -> {
                if (!Arrays.equals(d, RomCommand.syncPayload())) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "not a SYNC frame");
                for (int i = 0; i < 7; i++) reply(op, SYNC_VALUE, new byte[0], 0, false);   // eight answers to one SYNC
                yield new Reply(SYNC_VALUE, new byte[0], 0);
            }
            case READ_REG -> {
                need(d, 4);
                yield new Reply(regs.read(le32(d, 0)), new byte[0], 0);
            }
            case WRITE_REG -> {
                if (d.length == 0 || d.length % 16 != 0) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "WRITE_REG takes 16-byte groups");
                for (int i = 0; i < d.length; i += 16) {
                    regs.write(le32(d, i), le32(d, i + 4), le32(d, i + 8));
                    int delayUs = le32(d, i + 12);
                    if (delayUs > 0) Thread.sleep(Math.min(1000, delayUs / 1000), 0);
                }
                yield OK;
            }
            case SPI_ATTACH -> {
                romOnly(esp32, cmd);
                need(d, 8);   // pin configuration, and the ROM's extra "is legacy" word
                yield OK;
            }
            case SPI_SET_PARAMS -> {
                romOnly(esp32, cmd);
                need(d, 24);
                yield OK;
            }
            case CHANGE_BAUDRATE -> {
                romOnly(esp32, cmd);
                need(d, 8);
                int requested = le32(d, 0);
                // the ESP32 ROM sets its divider from its own clock estimate; esptool scaled the request to match
                int actual = requested;
                if (requested < 1200 || requested > 5_000_000) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "baud rate " + requested);
                yield new Reply(0, new byte[0], 0, () -> {
                    line.baud(actual);
                    regs.baud(actual);
                    stats.baud = actual;
                    LOG.info("line now at {} baud", actual);
                });
            }
            case FLASH_BEGIN, FLASH_DEFL_BEGIN -> {
                if (cmd == RomCommand.FLASH_DEFL_BEGIN) romOnly(esp32, cmd);
                need(d, chip.beginTakesEncryptFlag() ? 20 : 16);
                yield begin(cmd == RomCommand.FLASH_DEFL_BEGIN, Integer.toUnsignedLong(le32(d, 0)), le32(d, 4), le32(d, 8),
                        Integer.toUnsignedLong(le32(d, 12)));
            }
            case FLASH_DATA, FLASH_DEFL_DATA -> {
                if (cmd == RomCommand.FLASH_DEFL_DATA) romOnly(esp32, cmd);
                yield data(cmd == RomCommand.FLASH_DEFL_DATA, d, checksum, statusFault);
            }
            case FLASH_END, FLASH_DEFL_END -> {
                if (cmd == RomCommand.FLASH_DEFL_END) romOnly(esp32, cmd);
                need(d, 4);
                flash.force();
                yield new Reply(0, new byte[0], 0, this::reboot);
            }
            case SPI_FLASH_MD5 -> {
                romOnly(esp32, cmd);
                need(d, 16);
                long addr = Integer.toUnsignedLong(le32(d, 0));
                long len = Integer.toUnsignedLong(le32(d, 4));
                if (!flash.contains(addr, len)) throw new Refusal(RomCommand.ERR_FAILED_TO_ACT, "MD5 region beyond the flash");
                yield new Reply(0, flash.md5(addr, len).getBytes(StandardCharsets.US_ASCII), 0);
            }
            case READ_FLASH_SLOW -> {
                romOnly(esp32, cmd);
                need(d, 8);
                long addr = Integer.toUnsignedLong(le32(d, 0));
                int len = le32(d, 4);
                if (len < 0 || len > 64) throw new Refusal(0x0A, "read length " + len);
                if (!flash.contains(addr, len)) throw new Refusal(0x09, "read beyond the flash");
                yield new Reply(0, Arrays.copyOf(flash.read(addr, len), 64), 0);   // always a 64-byte buffer
            }
            case GET_SECURITY_INFO -> {
                if (!chip.hasSecurityInfo()) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "no GET_SECURITY_INFO on this ROM");
                ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(0).put(new byte[8]).putInt(chip.securityInfoChipId()).putInt(0);   // flags, crypt count + 7 key purposes, chip id, API version
                yield new Reply(0, b.array(), 0);
            }
            case MEM_BEGIN, MEM_DATA -> OK;
            case MEM_END -> throw new Refusal(RomCommand.ERR_FAILED_TO_ACT,
                    "the simulator cannot run code loaded into RAM (a flasher stub): use esptool --no-stub");
        };
    }

    private Reply begin(boolean deflate, long eraseSize, int numBlocks, int blockSz, long offset) throws IOException, Refusal {
        if (blockSz <= 0 || blockSz > MAX_BLOCK) {
            if (!(numBlocks == 0 && eraseSize == 0)) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "block size " + blockSz);
        }
        if (!flash.contains(offset, eraseSize)) throw new Refusal(RomCommand.ERR_FAILED_TO_ACT, "region beyond the flash");
        long firstSector = offset / RomFlash.SECTOR;
        long sectors;
        if (chip == Chip.ESP8266) {
            // The ESP8266 ROM's bug: the sectors before the next 64 KiB boundary are counted twice.
            long e = (eraseSize + RomFlash.SECTOR - 1) / RomFlash.SECTOR;
            long head = 16 - firstSector % 16;
            sectors = e + Math.min(head, e);
        } else {
            long end = offset + eraseSize;
            sectors = (end + RomFlash.SECTOR - 1) / RomFlash.SECTOR - firstSector;
        }
        if (eraseSize > 0) flash.eraseSectors(firstSector, sectors);
        deflating = deflate;
        writeOffset = offset;
        blocks = numBlocks;
        blockSize = blockSz;
        writeLimit = offset + (deflate ? eraseSize : (long) numBlocks * Math.max(0, blockSz));
        nextSeq = 0;
        lastChecksum = -1;
        if (inflater != null) inflater.end();
        inflater = deflate ? new Inflater() : null;
        inflatedTo = offset;
        if (eraseSize > 0) {
            LOG.info("{}: erased {} sectors from 0x{}; {} blocks of {} bytes to 0x{}", deflate ? "FLASH_DEFL_BEGIN" : "FLASH_BEGIN",
                    sectors, Long.toHexString(firstSector * RomFlash.SECTOR), numBlocks, blockSz, Long.toHexString(offset));
        }
        return OK;
    }

    private Reply data(boolean deflate, byte[] d, int checksum, boolean statusFault) throws IOException, Refusal, Lost {
        if (blockSize <= 0 || deflate != deflating) throw new Refusal(RomCommand.ERR_FAILED_TO_ACT, "no write begun");
        if (d.length < 16) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "short data header");
        int len = le32(d, 0);
        int seq = le32(d, 4);
        int limit = cfg.faults().maxBlock() > 0 ? cfg.faults().maxBlock() : MAX_BLOCK;
        if (len > limit) {
            LOG.info("a {}-byte block overran the ROM's {}-byte buffer: no answer", len, limit);
            throw new Lost();
        }
        if (len != d.length - 16 || len > blockSize || (!deflate && len != blockSize)) {
            throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "data length " + len + " in a block of " + (d.length - 16));
        }
        int sum = RomCommand.checksum(d, 16, len);
        if ((checksum & 0xFF) != sum) {
            stats.checksumErrors++;
            throw new Refusal(RomCommand.ERR_BAD_CHECKSUM, "checksum 0x" + Integer.toHexString(checksum & 0xFF) + ", data sums to 0x" + Integer.toHexString(sum));
        }
        if (statusFault) {
            stats.faults++;
            throw new Refusal(RomCommand.ERR_BAD_CHECKSUM, "fault: block " + seq + " reported damaged");
        }
        if (seq < 0 || seq >= blocks) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "sequence " + seq + " of " + blocks);
        if (!deflate) {
            long at = writeOffset + (long) seq * blockSize;
            if (!flash.contains(at, len)) throw new Refusal(RomCommand.ERR_FAILED_TO_ACT, "block beyond the flash");
            if (!flash.program(at, d, 16, len)) throw new Refusal(RomCommand.ERR_FLASH_WRITE, "read-back differs at 0x" + Long.toHexString(at) + " (not erased?)");
            return OK;
        }
        if (seq == nextSeq - 1 && sum == lastChecksum) return OK;   // the same block again (its answer was lost): already written
        if (seq != nextSeq) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "sequence " + seq + ", expected " + nextSeq);
        inflater.setInput(d, 16, len);
        byte[] out = new byte[64 * 1024];
        try {
            while (true) {
                int n = inflater.inflate(out);
                if (n > 0) {
                    if (inflatedTo + n > writeLimit) throw new Refusal(RomCommand.ERR_DEFLATE, "inflated data beyond the erased region");
                    if (!flash.program(inflatedTo, out, 0, n)) throw new Refusal(RomCommand.ERR_FLASH_WRITE, "read-back differs (not erased?)");
                    inflatedTo += n;
                } else if (inflater.needsInput() || inflater.finished()) {
                    break;
                } else if (inflater.needsDictionary()) {
                    throw new Refusal(RomCommand.ERR_DEFLATE, "stream needs a dictionary");
                }
            }
        } catch (DataFormatException e) {
            throw new Refusal(RomCommand.ERR_DEFLATE, "bad deflate data: " + e.getMessage());
        }
        nextSeq++;
        lastChecksum = sum;
        return OK;
    }

    /** FLASH_END: the chip restarts; BOOT is held, so it comes back in download mode at the starting baud rate. */
    private void reboot() {
        try {
            stats.boots++;
            blockSize = 0;
            line.baud(cfg.baud());
            regs.baud(cfg.baud());
            stats.baud = cfg.baud();
            link.setBaud(cfg.baud());
            byte[] banner = ("\r\nets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n"
                    + "waiting for download\r\n").getBytes(StandardCharsets.US_ASCII);
            link.write(banner);
            line.bytes(banner.length);
            LOG.info("reset: back in download mode (BOOT held) at {} baud", cfg.baud());
        } catch (SerialException | InterruptedException e) {
            LOG.info("reset: {}", e.getMessage());
        }
    }

    private void reply(int op, int value, byte[] data, int error, boolean noise) throws SerialException, InterruptedException {
        int status = chip.statusBytes();
        byte[] body = Arrays.copyOf(data, data.length + status);
        if (error != 0) {
            body[data.length] = 1;
            body[data.length + 1] = (byte) error;
        }
        byte[] packet = new byte[8 + body.length];
        ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).put((byte) RomCommand.RESPONSE).put((byte) op)
                .putShort((short) body.length).putInt(value).put(body);
        byte[] framed = Slip.encode(packet);
        if (noise) {
            stats.faults++;
            byte[] junk = new byte[1 + random.nextInt(16)];
            random.nextBytes(junk);
            junk[random.nextInt(junk.length)] = (byte) Slip.END;
            link.write(junk);
            line.bytes(junk.length);
        }
        link.write(framed);
        line.bytes(framed.length);
    }

    private static void romOnly(boolean supported, RomCommand cmd) throws Refusal {
        if (!supported) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, cmd + " is not in this chip's ROM");
    }

    private static void need(byte[] d, int len) throws Refusal {
        if (d.length != len) throw new Refusal(RomCommand.ERR_INVALID_MESSAGE, "expected " + len + " data bytes, got " + d.length);
    }

    private static String name(int op) {
        return RomCommand.of(op).map(Enum::name).orElse("0x" + Integer.toHexString(op));
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static byte[] parseMac(String text) throws IOException {
        String[] parts = text.split(":");
        if (parts.length != 6) throw new IOException("'" + text + "' is not a MAC like 24:0a:c4:12:34:56");
        byte[] mac = new byte[6];
        try {
            for (int i = 0; i < 6; i++) mac[i] = (byte) Integer.parseInt(parts[i], 16);
        } catch (NumberFormatException e) {
            throw new IOException("'" + text + "' is not a MAC like 24:0a:c4:12:34:56");
        }
        return mac;
    }

    private static byte[] randomMac(Chip chip) {
        byte[] tail = new byte[3];
        new SecureRandom().nextBytes(tail);
        int oui = chip.defaultOui();
        return new byte[] {(byte) (oui >>> 16), (byte) (oui >>> 8), (byte) oui, tail[0], tail[1], tail[2]};
    }
}
