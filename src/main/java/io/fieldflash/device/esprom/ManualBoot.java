package io.fieldflash.device.esprom;

import java.time.Duration;

/**
 * The adapter cannot reset the unit into its bootloader (no DTR/RTS wiring, or a pseudo-terminal): a person has
 * to. The caller shows {@link #instruction()} and waits; FieldFlash keeps knocking (SYNC) until the bootloader
 * answers or {@link #timeout()} passes.
 *
 * @param port        the port, for the person (escaped)
 * @param instruction what to do, as one sentence
 * @param timeout     how long FieldFlash waits for the bootloader to answer
 */
public record ManualBoot(String port, String instruction, Duration timeout) {

    /** Receives the request; called on the connecting thread, so return quickly. */
    public interface Prompt {
        /** Nobody to ask: the wait still runs until its timeout (a unit may already be held in download mode). */
        Prompt NONE = request -> {};

        /** Show the request. */
        void manualBootNeeded(ManualBoot request);

        /** The bootloader answered after a request: the prompt can go. */
        default void bootloaderFound() {}
    }

    static ManualBoot on(String port, Duration timeout) {
        return new ManualBoot(port, "Put the unit on " + port + " into download mode: hold its BOOT button (IO0), press and release "
                + "RESET (EN), then release BOOT. FieldFlash waits up to " + timeout.toSeconds() + " s.", timeout);
    }
}
