package io.fieldflash.wifi;

import java.util.Objects;

/** The network the laptop was on before FieldFlash joined a device, to return to afterwards. */
public sealed interface PreviousNetwork {

    /** The laptop was not on a Wi-Fi network (or the OS would not say which). */
    None NONE = new None();

    record None() implements PreviousNetwork {}

    /**
     * A saved network.
     *
     * @param id   what the OS tool re-activates it by: NetworkManager connection UUID, Windows profile name,
     *             macOS network name
     * @param name the name a person knows it by
     */
    record Saved(String id, String name) implements PreviousNetwork {
        public Saved {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }
}
