package io.fieldflash.update;

/** The steps of an update, in order. A job may skip steps its device's transport does not have. */
public enum Phase {
    /** Checking the bundle's signatures and images. */
    VERIFYING("Verifying the bundle"),
    /** Opening the connection to the device. */
    CONNECTING("Connecting to the device"),
    /** Asking the device what it is and runs. */
    IDENTIFYING("Identifying the device"),
    /** Checking that the bundle fits the device: product, hardware, no downgrade. */
    PREFLIGHT("Checking the bundle fits the device"),
    /** Sending the image (resumable). Until the end of this phase, stopping leaves the device as it was. */
    TRANSFERRING("Sending the firmware"),
    /** The device checks the image and writes it to its inactive slot. */
    INSTALLING("Installing"),
    /** The device restarts into the new firmware. */
    REBOOTING("Restarting the device"),
    /** Waiting for the device to answer again. */
    WAITING("Waiting for the device to come back"),
    /** Making the new firmware permanent. */
    CONFIRMING("Confirming the new firmware"),
    /** The job has ended (see its result). */
    DONE("Done");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    /** A short text for people. */
    public String label() {
        return label;
    }
}
