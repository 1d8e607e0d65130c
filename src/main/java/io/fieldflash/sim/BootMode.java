package io.fieldflash.sim;

/** Where the device is in the test/confirm cycle (as MCUboot does it). */
public enum BootMode {
    /** Running a confirmed image; a reboot boots it again. */
    CONFIRMED("confirmed"),
    /** Running a confirmed image, with a new one installed in the other slot; the next boot tries it. */
    PENDING_REBOOT("pending-reboot"),
    /** Running a newly installed image on trial; confirm makes it permanent, any reboot before that reverts. */
    TRIAL("trial");

    private final String id;

    BootMode(String id) {
        this.id = id;
    }

    /** The name in {@code device.json}. */
    public String id() {
        return id;
    }

    static BootMode byId(String id) {
        for (BootMode m : values()) if (m.id.equals(id)) return m;
        throw new IllegalArgumentException("unknown boot state '" + id + "'");
    }
}
