package io.fieldflash.sim;

import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated flash in the state folder: {@code A.bin}, {@code B.bin} (plus {@code A.<image>.bin} for further
 * images of a multi-image bundle) and {@code device.json}. Every change to the state is written to disk
 * (atomically) before the device acts on it, so a restart at any moment finds a consistent device.
 *
 * <p>The one rule it enforces for everybody: the running slot is never written.
 */
final class Flash {
    private static final Logger LOG = LoggerFactory.getLogger(Flash.class);
    static final String STATE_FILE = "device.json";
    /** Size of the factory image in slot A of a new device. */
    static final int FACTORY_IMAGE_SIZE = 64 * 1024;

    private final Path dir;
    private DeviceState state;

    private Flash(Path dir, DeviceState state) {
        this.dir = dir;
        this.state = state;
    }

    /**
     * Powers the device on: reads {@code device.json} (or makes the factory state in an empty folder) and boots,
     * which starts a pending install in trial, or reverts an unconfirmed trial.
     */
    static Flash boot(SimulatorConfig cfg) throws IOException {
        Path dir = cfg.stateDir();
        Files.createDirectories(dir);
        Path file = dir.resolve(STATE_FILE);
        DeviceState st;
        if (Files.exists(file)) {
            st = DeviceState.fromJson(Files.readAllBytes(file));
        } else {
            st = factory(cfg);
            LOG.info("new device: factory state written to {} ({} {} on slot A)", dir, st.product(), st.version());
        }
        DeviceState before = st;
        Flash flash = new Flash(dir, st);
        flash.save(st.booted());
        DeviceState after = flash.state;
        switch (before.mode()) {
            case PENDING_REBOOT -> LOG.info("boot #{}: trying slot {} ({}, counter {}) in trial; confirm to keep it",
                    after.bootCount(), after.active(), after.version(), after.securityCounter());
            case TRIAL -> LOG.info("boot #{}: slot {} was not confirmed; reverted to slot {} ({})",
                    after.bootCount(), before.active(), after.active(), after.version());
            case CONFIRMED -> LOG.info("boot #{}: slot {} ({}, counter {})", after.bootCount(), after.active(),
                    after.version(), after.securityCounter());
        }
        return flash;
    }

    private static DeviceState factory(SimulatorConfig cfg) throws IOException {
        Path dir = cfg.stateDir();
        String deviceId = cfg.deviceId().isEmpty() ? randomDeviceId() : cfg.deviceId();
        byte[] seed = ("fieldflash-sim factory image\n" + cfg.product() + "\n" + cfg.hardware() + "\n" + cfg.factoryVersion())
                .getBytes(StandardCharsets.UTF_8);
        MessageDigest whole = sha256();
        Path a = dir.resolve(Slot.A.fileName(Slot.MAIN_IMAGE));
        Path tmp = dir.resolve(a.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            // Deterministic bytes: SHA-256 in counter mode over the factory identity.
            MessageDigest block = sha256();
            for (int i = 0; i < FACTORY_IMAGE_SIZE / 32; i++) {
                block.update(seed);
                block.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
                byte[] b = block.digest();
                whole.update(b);
                out.write(b);
            }
        }
        AtomicFiles.move(tmp, a);
        Files.write(dir.resolve(Slot.B.fileName(Slot.MAIN_IMAGE)), new byte[0]);   // erased
        DeviceState st = DeviceState.factory(cfg.product(), cfg.hardware(), deviceId, cfg.factoryVersion(), cfg.factoryCounter(),
                new SlotContents.ImageRecord(HexFormat.of().formatHex(whole.digest()), FACTORY_IMAGE_SIZE));
        AtomicFiles.write(dir.resolve(STATE_FILE), Json.MAPPER.writeValueAsBytes(st.toJson()), true);
        return st;
    }

    synchronized DeviceState state() {
        return state;
    }

    /** Writes {@code next} to {@code device.json}, then makes it the state. */
    synchronized void save(DeviceState next) throws IOException {
        AtomicFiles.write(dir.resolve(STATE_FILE), Json.MAPPER.writeValueAsBytes(next.toJson()), true);
        state = next;
    }

    Path slotFile(Slot slot, String image) {
        return dir.resolve(slot.fileName(image));
    }

    /**
     * Moves a checked image into the inactive slot (one rename, so the slot file is either the old bytes or the
     * new ones), then records the install. Refuses, as a bug, to write the running slot.
     */
    synchronized void install(Path data, String image, SlotContents.ImageRecord record, String version, long counter,
                              String manifestSha256, String uploadId) throws IOException {
        Slot target = state.inactive();
        if (target == state.active()) throw new IllegalStateException("refusing to write the running slot " + target);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.force(true);   // the image is on disk before the slot names it
        }
        AtomicFiles.move(data, slotFile(target, image));
        save(state.staged(image, record, version, counter, manifestSha256, uploadId));
        LOG.info("installed image '{}' ({} bytes, sha256 {}) into slot {}: version {}, counter {}; reboot to try it",
                image, record.size(), record.sha256().substring(0, 12), target, version, counter);
    }

    /** Lowercase hex SHA-256 of a file, streamed. */
    static String sha256Hex(Path file) throws IOException {
        return io.fieldflash.AtomicFile.sha256Hex(file);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String randomDeviceId() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
