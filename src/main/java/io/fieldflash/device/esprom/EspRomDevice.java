package io.fieldflash.device.esprom;

import io.fieldflash.Printable;
import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.serial.SerialException;
import io.fieldflash.device.serial.SerialLink;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unit reached through its ESP ROM bootloader on a serial port ({@code esp-rom}). The ROM cannot be bricked,
 * so this is the way back for a unit whose application or network path is broken.
 *
 * <p>Opening it resets the unit into the bootloader (or asks a person to, see {@link ManualBoot}), detects the
 * chip, refuses a chip other than {@code expectedChip}, reads the MAC (the unit's identity), attaches the flash
 * and switches to the faster baud rate.
 */
public final class EspRomDevice implements Device {
    private static final Logger LOG = LoggerFactory.getLogger(EspRomDevice.class);

    /** The protocol name written to the audit log. */
    public static final String TRANSPORT = "esp-rom";

    /**
     * What the ROM path can do: no self-description beyond chip and MAC, no resume across sessions (FLASH_BEGIN
     * erases), a checksum per block, no separate install (the MD5 check of every region stands in), a reset, no
     * trial boot, no token.
     */
    public static final Capabilities CAPABILITIES = new Capabilities(false, false, true, false, true, false, false);

    private final String port;
    private final EspRomOptions options;
    private final FlashLayout layout;
    private final Chip expectedChip;
    private final ManualBoot.Prompt prompt;
    private final java.util.concurrent.atomic.AtomicReference<EspRomSession> held = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * @param expectedChip the chip the bundle is for ({@code serial.chip}); null when the bundle does not say
     */
    public EspRomDevice(String port, EspRomOptions options, FlashLayout layout, Chip expectedChip, ManualBoot.Prompt prompt) {
        this.port = port;
        this.options = options;
        this.layout = layout;
        this.expectedChip = expectedChip;
        this.prompt = prompt;
    }

    @Override
    public String transport() {
        return TRANSPORT;
    }

    @Override
    public String address() {
        return port;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    public Optional<Chip> expectedChip() {
        return Optional.ofNullable(expectedChip);
    }

    @Override
    public EspRomSession open() throws DeviceException {
        try {
            return connect();
        } catch (EspRomException e) {
            throw e.toDeviceException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException(DeviceException.Reason.UNREACHABLE, "Connecting to " + Printable.of(port) + " was stopped.", "");
        }
    }

    /**
     * Keeps {@code session} (opened on this port to find the unit, e.g. by the wizard's Connect page) for the next
     * {@link #open()}: the unit stays in its bootloader, so the update does not reset it again or ask a person for the
     * buttons a second time. Later opens connect anew. A session held before is closed.
     *
     * @throws IllegalArgumentException when the session is on another port, or its chip is not the one expected
     */
    public void handOver(EspRomSession session) {
        if (!session.port().equals(port)) throw new IllegalArgumentException("the session is on another port");
        if (expectedChip != null && session.chipInfo().chip() != expectedChip) {
            throw new IllegalArgumentException("the session's unit is an " + session.chipInfo().chip().displayName()
                    + ", not an " + expectedChip.displayName());
        }
        EspRomSession before = held.getAndSet(session);
        if (before != null && before != session) before.close();
    }

    /** Closes a session kept by {@link #handOver} that no update took (the technician went back, or left). */
    public void release() {
        EspRomSession s = held.getAndSet(null);
        if (s != null) s.close();
    }

    /** {@link #open()} with the ROM's own failures and the interruption as they are. */
    public EspRomSession connect() throws EspRomException, InterruptedException {
        EspRomSession kept = held.getAndSet(null);
        if (kept != null) return kept;
        SerialLink link;
        try {
            link = SerialLink.open(port, EspRomOptions.ROM_BAUD);
        } catch (SerialException e) {
            throw new EspRomException(EspRomException.Reason.PORT, e.getMessage(), e.hint(), -1, e);
        }
        EspRomClient client = new EspRomClient(link, options.commandTimeout());
        try {
            client.connect(prompt, options.manualBootWait());
            Chip chip = client.detectChip();
            if (expectedChip != null && chip != expectedChip) {
                throw new EspRomException(EspRomException.Reason.WRONG_CHIP, "The unit on " + Printable.of(port) + " is an "
                        + chip.displayName() + ", but the bundle is for an " + expectedChip.displayName() + ". Nothing was written.",
                        "Check that this is the right unit for this bundle (the chip is printed on its module), or pick the bundle made for an "
                                + chip.displayName() + ".");
            }
            byte[] mac = client.readMac();
            client.attachFlash();
            int flashId = client.flashId();
            long flashSize = EspRomClient.flashSizeOf(flashId);
            client.setFlashParameters(flashSize > 0 ? flashSize : 4L << 20);
            int baud = client.changeBaud(options.baud());
            ChipInfo info = new ChipInfo(chip, mac, flashSize, flashId);
            LOG.info("{}: {} at {} baud", Printable.of(port), info, baud);
            return new EspRomSession(this, client, info, layout, options);
        } catch (EspRomException | InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
