package io.fieldflash.sim;

import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated flash in the state folder: {@code A.bin}, {@code B.bin} (plus {@code A.<image>.bin} for further
 * images of a multi-image bundle) and {@code device.json}. Every change goes through the {@link Disk}, and the
 * writes are ordered so that a power cut between any two of them leaves a slot incomplete, never mislabelled:
 * the record stops naming an image before its file is replaced, and names it again only after the last byte is
 * in place. Each boot checks the slot it is about to run against its record.
 *
 * <p>The one rule it enforces for everybody: the running slot is never written.
 */
final class Flash {
    private static final Logger LOG = LoggerFactory.getLogger(Flash.class);
    static final String STATE_FILE = "device.json";
    /** Size of the factory image in slot A of a new device. */
    static final int FACTORY_IMAGE_SIZE = 64 * 1024;

    private final Path dir;
    private final Disk disk;
    private DeviceState state;

    private Flash(Path dir, Disk disk, DeviceState state) {
        this.dir = dir;
        this.disk = disk;
        this.state = state;
    }

    /**
     * Powers the device on: reads {@code device.json} (or makes the factory state in an empty folder) and boots,
     * which starts a pending install in trial, or reverts an unconfirmed trial. A slot whose files are not what its
     * record says is never booted.
     */
    static Flash boot(SimulatorConfig cfg, Disk disk) throws IOException {
        Path dir = cfg.stateDir();
        Files.createDirectories(dir);
        Path file = dir.resolve(STATE_FILE);
        DeviceState st = Files.exists(file) ? DeviceState.fromJson(Files.readAllBytes(file)) : factory(cfg, disk);
        Flash flash = new Flash(dir, disk, st);
        DeviceState before = st;
        if (st.pendingReboot()) {
            // Drop the records of pending images whose bytes are not what was recorded, so that installing them
            // again makes the slot whole (and no retry of a lost install answer claims them).
            Slot pending = st.inactive();
            SlotContents c = st.slots().get(pending);
            SlotContents kept = c;
            for (Map.Entry<String, SlotContents.ImageRecord> e : c.images().entrySet()) {
                if (!flash.holds(pending, e.getKey(), e.getValue())) {
                    LOG.warn("slot {} image '{}' does not hold the bytes recorded for it; it must be installed again", pending, e.getKey());
                    kept = kept.withoutImage(e.getKey());
                }
            }
            if (!kept.equals(c)) {
                st = st.withSlot(pending, kept);
                flash.state = st;
            }
        }
        DeviceState after = st.booted(flash::bootable);
        flash.save(after);
        switch (before.mode()) {
            case PENDING_REBOOT -> {
                if (after.trial()) {
                    LOG.info("boot #{}: trying slot {} ({}, counter {}) in trial; confirm to keep it",
                            after.bootCount(), after.active(), after.version(), after.securityCounter());
                } else {
                    LOG.warn("boot #{}: the pending slot {} is not whole ({}); still running slot {} ({})", after.bootCount(),
                            before.inactive(), flash.problems(before.inactive()), after.active(), after.version());
                }
            }
            case TRIAL -> {
                if (after.active() != before.active()) {
                    LOG.info("boot #{}: slot {} was not confirmed; reverted to slot {} ({})",
                            after.bootCount(), before.active(), after.active(), after.version());
                } else {
                    LOG.warn("boot #{}: the previous slot {} is damaged ({}); slot {} ({}) stays, confirmed", after.bootCount(),
                            before.inactive(), flash.problems(before.inactive()), after.active(), after.version());
                }
            }
            case CONFIRMED -> {
                if (after.active() != before.active()) {
                    LOG.warn("boot #{}: slot {} is damaged ({}); running slot {} ({}) instead", after.bootCount(), before.active(),
                            flash.problems(before.active()), after.active(), after.version());
                } else {
                    LOG.info("boot #{}: slot {} ({}, counter {})", after.bootCount(), after.active(), after.version(),
                            after.securityCounter());
                }
            }
        }
        return flash;
    }

    private static DeviceState factory(SimulatorConfig cfg, Disk disk) throws IOException {
        Path dir = cfg.stateDir();
        String deviceId = cfg.deviceId().isEmpty() ? randomDeviceId() : cfg.deviceId();
        byte[] seed = ("fieldflash-sim factory image\n" + cfg.product() + "\n" + cfg.hardware() + "\n" + cfg.factoryVersion())
                .getBytes(StandardCharsets.UTF_8);
        // Deterministic bytes: SHA-256 in counter mode over the factory identity.
        byte[] image = new byte[FACTORY_IMAGE_SIZE];
        MessageDigest block = sha256();
        for (int i = 0; i < FACTORY_IMAGE_SIZE / 32; i++) {
            block.update(seed);
            block.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
            System.arraycopy(block.digest(), 0, image, i * 32, 32);
        }
        disk.replace(dir.resolve(Slot.A.fileName(Slot.MAIN_IMAGE)), image, true);
        disk.empty(dir.resolve(Slot.B.fileName(Slot.MAIN_IMAGE)));   // erased
        DeviceState st = DeviceState.factory(cfg.product(), cfg.hardware(), deviceId, cfg.factoryVersion(), cfg.factoryCounter(),
                new SlotContents.ImageRecord(HexFormat.of().formatHex(sha256().digest(image)), FACTORY_IMAGE_SIZE));
        disk.replace(dir.resolve(STATE_FILE), Json.MAPPER.writeValueAsBytes(st.toJson()), true);
        LOG.info("new device: factory state written to {} ({} {} on slot A)", dir, st.product(), st.version());
        return st;
    }

    synchronized DeviceState state() {
        return state;
    }

    /** Writes {@code next} to {@code device.json}, then makes it the state. */
    synchronized void save(DeviceState next) throws IOException {
        disk.replace(dir.resolve(STATE_FILE), Json.MAPPER.writeValueAsBytes(next.toJson()), true);
        state = next;
    }

    Path slotFile(Slot slot, String image) {
        return dir.resolve(slot.fileName(image));
    }

    /**
     * Moves a checked image into the inactive slot, in three writes: the record first stops naming {@code image} in
     * that slot, then the file is renamed over the slot's file, then the record names it with its hash. A power
     * cut between them leaves the slot without that image (it is not booted), never labelled with bytes it does not
     * hold. Refuses, as a bug, to write the running slot.
     *
     * @param manifestImages every image name the manifest lists
     */
    synchronized void install(Path data, String image, SlotContents.ImageRecord record, String version, long counter,
                              String manifestSha256, List<String> manifestImages, String uploadId) throws IOException {
        Slot target = state.inactive();
        if (target == state.active()) throw new IllegalStateException("refusing to write the running slot " + target);
        disk.force(data);   // the image is on disk before the slot names it
        save(state.writing(image, version, counter, manifestSha256, manifestImages));
        disk.move(data, slotFile(target, image));
        save(state.staged(image, record, uploadId));
        List<String> missing = state.slots().get(target).missing();
        LOG.info("installed image '{}' ({} bytes, sha256 {}) into slot {}: version {}, counter {}; {}",
                image, record.size(), record.sha256().substring(0, 12), target, version, counter,
                missing.isEmpty() ? "reboot to try it" : "still missing " + missing);
    }

    /** True when {@code slot} may be booted: it holds every image its manifest lists, each with the recorded bytes. */
    synchronized boolean bootable(Slot slot) {
        return problems(slot).isEmpty();
    }

    /** Why {@code slot} may not be booted (missing or damaged images, or erased); empty when it may. */
    synchronized List<String> problems(Slot slot) {
        SlotContents c = state.slots().get(slot);
        if (c.erased()) return List.of("erased");
        List<String> out = new ArrayList<>();
        for (String name : c.missing()) out.add("image '" + name + "' missing");
        c.images().forEach((name, r) -> {
            if (!holds(slot, name, r)) out.add("image '" + name + "' damaged");
        });
        return out;
    }

    /** True when the file of {@code image} in {@code slot} has exactly the recorded size and SHA-256. */
    private boolean holds(Slot slot, String image, SlotContents.ImageRecord r) {
        Path f = slotFile(slot, image);
        try {
            return Files.isRegularFile(f) && Files.size(f) == r.size() && sha256Hex(f).equals(r.sha256());
        } catch (IOException e) {
            return false;
        }
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
