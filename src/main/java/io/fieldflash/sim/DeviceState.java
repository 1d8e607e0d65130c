package io.fieldflash.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.SemVer;
import java.io.IOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device's persistent state, {@code DIR/device.json}: identity, which slot runs, where it is in the
 * test/confirm cycle, what each slot holds, and the authentication lockout. Immutable; every change makes a new
 * value that the device writes to disk before acting on it.
 *
 * @param active        the running slot
 * @param mode          confirmed, pending reboot (the other slot holds a new install) or trial
 * @param slots         what each slot holds
 * @param lastInstall   the install that made the pending slot, so that a client retrying a lost answer gets it again;
 *                      null unless {@code mode} is pending reboot
 * @param failedAuth    wrong tokens in a row
 * @param lockedUntil   end of the authentication lockout; {@link Instant#EPOCH} when not locked
 * @param bootCount     boots since the factory state
 */
public record DeviceState(String product, String hardware, String deviceId, Slot active, BootMode mode,
                          Map<Slot, SlotContents> slots, InstallRecord lastInstall,
                          int failedAuth, Instant lockedUntil, long bootCount) {
    public static final String FORMAT = "fieldflash-sim-device/1";

    /** The upload a pending install came from. */
    public record InstallRecord(String uploadId, String image, String sha256) {}

    public DeviceState {
        EnumMap<Slot, SlotContents> m = new EnumMap<>(Slot.class);
        for (Slot s : Slot.values()) m.put(s, slots.getOrDefault(s, SlotContents.ERASED));
        slots = java.util.Collections.unmodifiableMap(m);
        if (mode != BootMode.PENDING_REBOOT) lastInstall = null;
    }

    /** What the running slot holds. */
    public SlotContents running() {
        return slots.get(active);
    }

    public boolean trial() {
        return mode == BootMode.TRIAL;
    }

    public boolean pendingReboot() {
        return mode == BootMode.PENDING_REBOOT;
    }

    public String version() {
        return running().version();
    }

    public long securityCounter() {
        return running().securityCounter();
    }

    /** The slot that install writes: never the running one. */
    public Slot inactive() {
        return active.other();
    }

    /**
     * The state after a boot (power-on, reset, {@code POST /reboot}): a pending install boots in trial; a trial that
     * was not confirmed reverts to the previous slot; a confirmed image boots again. A slot that is not
     * {@code bootable} (an image its manifest lists is missing, or its bytes are not the ones recorded) is never
     * booted: a pending install that is not whole stays pending on the running slot (the client can still add the
     * missing image), and the device runs the other slot when the one it would boot is damaged.
     *
     * @throws IOException when neither slot can be booted
     */
    DeviceState booted(java.util.function.Predicate<Slot> bootable) throws IOException {
        Slot preferred = mode == BootMode.CONFIRMED ? active : active.other();
        if (bootable.test(preferred)) {
            return switch (mode) {
                case PENDING_REBOOT -> with(preferred, BootMode.TRIAL, null).counted();
                case TRIAL, CONFIRMED -> with(preferred, BootMode.CONFIRMED, null).counted();
            };
        }
        Slot fallback = preferred.other();
        if (!bootable.test(fallback)) {
            throw new IOException("neither slot holds the bytes its record names: the device cannot boot (slot "
                    + preferred + " and slot " + fallback + " are incomplete or damaged)");
        }
        // Pending: stay on the running slot, still pending, so that the missing image can be installed.
        BootMode next = mode == BootMode.PENDING_REBOOT ? BootMode.PENDING_REBOOT : BootMode.CONFIRMED;
        return new DeviceState(product, hardware, deviceId, fallback, next, slots,
                next == BootMode.PENDING_REBOOT ? lastInstall : null, failedAuth, lockedUntil, bootCount + 1);
    }

    /** The same state with {@code slot}'s record replaced (e.g. damaged images dropped), and no retry record. */
    DeviceState withSlot(Slot slot, SlotContents contents) {
        Map<Slot, SlotContents> m = new EnumMap<>(slots);
        m.put(slot, contents);
        return new DeviceState(product, hardware, deviceId, active, mode, m, null, failedAuth, lockedUntil, bootCount);
    }

    /** The trial image made permanent. */
    DeviceState confirmed() {
        return mode == BootMode.TRIAL ? with(active, BootMode.CONFIRMED, null) : this;
    }

    /**
     * The state written before an image goes into the inactive slot: the slot is pending for {@code manifestSha256},
     * and does not hold {@code image} (its old bytes there are about to be replaced). Images of the same manifest
     * add up (a multi-image bundle installs each in turn, then reboots once); an image from another manifest starts
     * the slot afresh.
     */
    DeviceState writing(String image, String version, long counter, String manifestSha256, List<String> manifestImages) {
        Slot target = inactive();
        SlotContents current = slots.get(target);
        SlotContents base = mode == BootMode.PENDING_REBOOT && current.manifestSha256().equals(manifestSha256)
                ? current.withoutImage(image) : new SlotContents(version, counter, manifestSha256, manifestImages, Map.of());
        Map<Slot, SlotContents> m = new EnumMap<>(slots);
        m.put(target, base);
        return new DeviceState(product, hardware, deviceId, active, BootMode.PENDING_REBOOT, m, null, failedAuth, lockedUntil, bootCount);
    }

    /** The state after {@code image} was written completely to the pending slot, from upload {@code uploadId}. */
    DeviceState staged(String image, SlotContents.ImageRecord record, String uploadId) {
        if (mode != BootMode.PENDING_REBOOT) throw new IllegalStateException("no install is pending");
        Map<Slot, SlotContents> m = new EnumMap<>(slots);
        m.put(inactive(), slots.get(inactive()).withImage(image, record));
        return new DeviceState(product, hardware, deviceId, active, BootMode.PENDING_REBOOT, m,
                new InstallRecord(uploadId, image, record.sha256()), failedAuth, lockedUntil, bootCount);
    }

    DeviceState withAuth(int failedAuth, Instant lockedUntil) {
        return new DeviceState(product, hardware, deviceId, active, mode, slots, lastInstall, failedAuth, lockedUntil, bootCount);
    }

    private DeviceState with(Slot active, BootMode mode, InstallRecord last) {
        return new DeviceState(product, hardware, deviceId, active, mode, slots, last, failedAuth, lockedUntil, bootCount);
    }

    private DeviceState counted() {
        return new DeviceState(product, hardware, deviceId, active, mode, slots, lastInstall, failedAuth, lockedUntil, bootCount + 1);
    }

    /** A new device: slot A holds the factory image, B is erased. */
    static DeviceState factory(String product, String hardware, String deviceId, String version, long counter,
                               SlotContents.ImageRecord factoryImage) {
        Map<Slot, SlotContents> m = new EnumMap<>(Slot.class);
        m.put(Slot.A, new SlotContents(version, counter, SlotContents.FACTORY, List.of(Slot.MAIN_IMAGE),
                Map.of(Slot.MAIN_IMAGE, factoryImage)));
        return new DeviceState(product, hardware, deviceId, Slot.A, BootMode.CONFIRMED, m, null, 0, Instant.EPOCH, 0);
    }

    /**
     * As {@code device.json}. Fields after {@code slots} only say for people what the state implies
     * ({@code version}, {@code trial}, {@code previousSlot}...); reading ignores them.
     */
    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("product", product);
        o.put("hardware", hardware);
        o.put("deviceId", deviceId);
        o.put("activeSlot", active.name());
        o.put("state", mode.id());
        o.put("bootCount", bootCount);
        ObjectNode s = o.putObject("slots");
        for (Slot slot : Slot.values()) {
            SlotContents c = slots.get(slot);
            if (c.erased()) {
                s.putNull(slot.name());
                continue;
            }
            ObjectNode so = s.putObject(slot.name());
            so.put("version", c.version());
            so.put("securityCounter", c.securityCounter());
            so.put("manifestSha256", c.manifestSha256());
            c.manifestImages().forEach(so.putArray("manifestImages")::add);
            ObjectNode images = so.putObject("images");
            c.images().forEach((name, r) -> images.putObject(name).put("file", slot.fileName(name))
                    .put("sha256", r.sha256()).put("size", r.size()));
        }
        if (lastInstall != null) {
            o.putObject("lastInstall").put("uploadId", lastInstall.uploadId()).put("image", lastInstall.image())
                    .put("sha256", lastInstall.sha256());
        }
        ObjectNode auth = o.putObject("auth");
        auth.put("failedInARow", failedAuth);
        if (lockedUntil.equals(Instant.EPOCH)) auth.putNull("lockedUntil");
        else auth.put("lockedUntil", lockedUntil.toString());
        // Derived, for people reading the file:
        o.put("version", version());
        o.put("securityCounter", securityCounter());
        o.put("trial", trial());
        o.put("pendingReboot", pendingReboot());
        if (trial()) o.put("previousSlot", active.other().name());
        else o.putNull("previousSlot");
        if (pendingReboot()) o.put("pendingSlot", active.other().name());
        else o.putNull("pendingSlot");
        return o;
    }

    /** Reads {@code device.json}; IOException with a sentence when it is not a state this simulator wrote. */
    static DeviceState fromJson(byte[] bytes) throws IOException {
        JsonNode o = Json.MAPPER.readTree(bytes);
        try {
            if (o == null || !FORMAT.equals(o.path("format").asText())) throw new IllegalArgumentException("'format' is not " + FORMAT);
            Map<Slot, SlotContents> slots = new EnumMap<>(Slot.class);
            for (Slot slot : Slot.values()) {
                JsonNode so = o.path("slots").path(slot.name());
                if (so.isMissingNode() || so.isNull()) continue;
                Map<String, SlotContents.ImageRecord> images = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : so.path("images").properties()) {
                    images.put(e.getKey(), new SlotContents.ImageRecord(text(e.getValue(), "sha256"), e.getValue().path("size").asLong()));
                }
                String version = text(so, "version");
                SemVer.parse(version);
                List<String> listed = new ArrayList<>();
                if (so.path("manifestImages").isArray()) so.path("manifestImages").forEach(n -> listed.add(n.asText()));
                else listed.addAll(images.keySet());   // written before the field existed
                slots.put(slot, new SlotContents(version, so.path("securityCounter").asLong(), text(so, "manifestSha256"),
                        listed, images));
            }
            JsonNode li = o.path("lastInstall");
            InstallRecord last = li.isObject() ? new InstallRecord(text(li, "uploadId"), text(li, "image"), text(li, "sha256")) : null;
            JsonNode lu = o.path("auth").path("lockedUntil");
            Instant lockedUntil = lu.isTextual() ? Instant.parse(lu.asText()) : Instant.EPOCH;
            DeviceState st = new DeviceState(text(o, "product"), text(o, "hardware"), text(o, "deviceId"),
                    Slot.valueOf(text(o, "activeSlot")), BootMode.byId(text(o, "state")), slots, last,
                    o.path("auth").path("failedInARow").asInt(), lockedUntil, o.path("bootCount").asLong());
            if (st.running().erased()) throw new IllegalArgumentException("the active slot " + st.active() + " is erased");
            if (st.mode() == BootMode.TRIAL && st.slots().get(st.inactive()).erased()) {
                throw new IllegalArgumentException("state " + st.mode().id() + " but slot " + st.inactive() + " is erased");
            }
            return st;
        } catch (RuntimeException e) {
            throw new IOException("device.json is not a state this simulator wrote: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) throw new IllegalArgumentException("'" + field + "' is missing or not text");
        return v.asText();
    }
}
