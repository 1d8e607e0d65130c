package io.fieldflash.device.esprom;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.inner.EspChip;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a verified bundle says about writing it through a ROM bootloader: where each image goes in flash
 * ({@code serial.flashOffset}) and which chip it is for ({@code serial.chip}, when named). The command line
 * ({@code flash --serial}) and the wizard's USB path both build their {@link EspRomDevice} from it.
 *
 * @param layout the offset of every image
 * @param chip   the chip the bundle is for; empty when no image names one
 */
public record SerialPlan(FlashLayout layout, Optional<Chip> chip) {

    /**
     * The plan for {@code manifest}.
     *
     * @throws NotForSerial when an image has no offset, the images name different chips, or the chip is one
     *                      FieldFlash cannot write over its ROM
     */
    public static SerialPlan of(Manifest manifest) throws NotForSerial {
        Map<String, Long> offsets = new LinkedHashMap<>();
        Set<EspChip> chips = new LinkedHashSet<>();
        for (ImageSpec image : manifest.images()) {
            if (image.serialFlashOffset().isEmpty()) {
                throw new NotForSerial(NotForSerial.Reason.NO_FLASH_OFFSET, "image \"" + Printable.cut(image.name(), 80)
                        + "\" of this bundle has no serial.flashOffset, so FieldFlash does not know where it goes in flash.",
                        "Use a bundle made for USB-serial updates, or update the unit over Wi-Fi.");
            }
            offsets.put(image.name(), image.serialFlashOffset().getAsLong());
            image.chip().ifPresent(chips::add);
        }
        if (chips.size() > 1) {
            throw new NotForSerial(NotForSerial.Reason.MIXED_CHIPS, "the bundle's images name different chips (serial.chip: "
                    + chips.stream().map(EspChip::id).collect(Collectors.joining(", ")) + "); one unit has one chip.",
                    "Ask the vendor for a bundle made for one chip.");
        }
        Chip chip = null;
        if (!chips.isEmpty()) {
            EspChip c = chips.iterator().next();
            chip = Chip.of(c).orElseThrow(() -> new NotForSerial(NotForSerial.Reason.UNSUPPORTED_CHIP,
                    "FieldFlash cannot write to an " + c.id() + " over its ROM bootloader (serial.chip).",
                    "Update this unit over Wi-Fi."));
        }
        return new SerialPlan(new FlashLayout(offsets), Optional.ofNullable(chip));
    }

    /** The device that writes this plan to the unit on {@code port}. */
    public EspRomDevice device(String port, EspRomOptions options, ManualBoot.Prompt prompt) {
        return new EspRomDevice(port, options, layout, chip.orElse(null), prompt);
    }

    /** The bundle cannot be written through a ROM bootloader as it is. */
    public static final class NotForSerial extends FieldFlashException {
        /** Why. */
        public enum Reason { NO_FLASH_OFFSET, MIXED_CHIPS, UNSUPPORTED_CHIP }

        private final Reason reason;

        NotForSerial(Reason reason, String message, String hint) {
            super(message, hint, null);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }

        @Override
        public String code() {
            return "SERIAL_" + reason.name();
        }
    }
}
