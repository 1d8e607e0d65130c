package io.fieldflash.device.esprom;

import io.fieldflash.Printable;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import io.fieldflash.device.StreamedTransfer;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * An open conversation with a unit's ROM bootloader. Its identity is the chip and the MAC; each image goes to
 * its offset from the {@link FlashLayout} in one pass (FLASH_BEGIN erases the region, so a broken write starts
 * that image again), and is checked by MD5 where the ROM can compute one.
 */
public final class EspRomSession implements DeviceSession {
    private final EspRomDevice device;
    private final EspRomClient client;
    private final ChipInfo info;
    private final FlashLayout layout;
    private final EspRomOptions options;

    EspRomSession(EspRomDevice device, EspRomClient client, ChipInfo info, FlashLayout layout, EspRomOptions options) {
        this.device = device;
        this.client = client;
        this.info = info;
        this.layout = layout;
        this.options = options;
    }

    /** The port the unit is on. */
    public String port() {
        return device.address();
    }

    /** Chip, MAC and flash size as the ROM revealed them. */
    public ChipInfo chipInfo() {
        return info;
    }

    /** The baud rate in use. */
    public int baud() {
        return client.link().baud();
    }

    /** The data block size in use: 0x1800 on the ESP32 family unless the ROM did not take it, esptool's 0x400 otherwise. */
    public int blockSize() {
        return client.blockSize();
    }

    /** Bytes put on the line so far (SLIP framing and command headers included). */
    public long wireBytes() {
        return client.wireBytes();
    }

    /**
     * The checks this unit's ROM cannot do, each as a sentence for the technician (empty on the ESP32 family). The
     * ROM never can tell the running firmware's product or version: that the caller checks against the app
     * descriptor in flash, where it can read it.
     */
    public List<String> checksNotPossible() {
        List<String> out = new ArrayList<>();
        if (!info.chip().esp32Family()) {
            out.add("The ESP8266 ROM cannot compute an MD5 of the flash: the written data is checked per block only (checksum and "
                    + "the ROM's own read-back), not as a whole.");
        }
        return out;
    }

    /**
     * The chip as {@code hardware}, the MAC as {@code deviceId}; the ROM knows nothing of product or firmware, so
     * those are empty. {@code maxImageSize} is the flash size (0 when the flash id was unreadable).
     */
    @Override
    public DeviceInfo identify() {
        return new DeviceInfo(EspRomDevice.TRANSPORT, "", info.chip().id(), info.macText(),
                new DeviceInfo.Firmware("", 0, false), info.flashSize(), Chip.ROM_FLASH_BLOCK, DeviceInfo.UploadState.NONE);
    }

    @Override
    public ImageTransfer openTransfer(ImageSource image, String resumeHandle) throws DeviceException {
        long offset = layout.offsetOf(image.name()).orElseThrow(() -> new DeviceException(DeviceException.Reason.INSTALL_REFUSED,
                "The bundle does not say where image '" + Printable.of(image.name()) + "' goes in flash (serial.flashOffset).",
                "Use a bundle made for USB-serial updates, or update this unit over Wi-Fi."));
        if (info.flashSize() > 0 && offset + image.size() > info.flashSize()) {
            throw new EspRomException(EspRomException.Reason.TOO_LARGE, String.format("Image '%s' (%d bytes at 0x%x) does not fit the %d MiB flash of the unit.",
                    Printable.of(image.name()), image.size(), offset, info.flashSize() >> 20), "Check that the bundle is meant for this unit.").toDeviceException();
        }
        return new Transfer(image, (int) offset);
    }

    /**
     * Writes {@code image} at {@code offset} and checks it (MD5 where the ROM can).
     *
     * @param progress hears the image bytes the ROM confirmed, as they go
     */
    public EspRomClient.WriteResult write(ImageSource image, long offset, LongConsumer progress)
            throws EspRomException, IOException, InterruptedException {
        return client.write(() -> image.open(0), image.size(), (int) offset, options.compress(), progress);
    }

    /**
     * True when the flash at {@code offset} already holds exactly {@code image} (MD5 of the region, padded to 4
     * bytes as written); always false where the ROM cannot compute an MD5.
     */
    public boolean holds(ImageSource image, long offset) throws EspRomException, IOException, InterruptedException {
        if (!info.chip().esp32Family()) return false;
        long padded = (image.size() + 3) & ~3L;
        MessageDigest md5 = EspRomClient.md5();
        try (InputStream in = image.open(0)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) md5.update(buf, 0, n);
        }
        for (long i = image.size(); i < padded; i++) md5.update((byte) 0xFF);
        return client.flashMd5(offset, padded).equals(HexFormat.of().formatHex(md5.digest()));
    }

    /**
     * The {@code esp_app_desc_t} of the application at {@code appOffset} in flash (project name, version, secure
     * version), for the preflight; empty when the ROM cannot read flash (ESP8266) or no ESP-IDF application is there.
     */
    public Optional<EspAppImage.AppDescriptor> readAppDescriptor(long appOffset) throws EspRomException, InterruptedException {
        if (!info.chip().esp32Family()) return Optional.empty();
        return EspAppImage.AppDescriptor.parse(client.readFlash(appOffset + EspAppImage.APP_DESC_OFFSET, EspAppImage.APP_DESC_SIZE));
    }

    /**
     * Checks an image before it is written ({@link #checkImages}): an ESP application image (first byte 0xE9, or {@code forceApp} when the
     * manifest says {@code format: esp-app}) must have a sane header built for this chip; anything else is data
     * and passes.
     *
     * @return the parsed header, empty for data
     */
    public Optional<EspAppImage> checkImage(ImageSource image, boolean forceApp) throws EspRomException, IOException {
        byte[] head;
        try (InputStream in = image.open(0)) {
            head = in.readNBytes(24);
        }
        if (!forceApp && !EspAppImage.looksLikeApp(head)) return Optional.empty();
        return Optional.of(EspAppImage.check(head, info.chip(), image.name()));
    }

    /**
     * Every image's header against the chip, before the first region is erased. The bundle's inner check knows an
     * application image only by the manifest's {@code format}, and the chip only by {@code serial.chip}; this needs
     * neither: any image starting with 0xE9 is held against the chip the ROM reported.
     */
    @Override
    public void checkImages(List<ImageSource> images) throws DeviceException, IOException {
        try {
            for (ImageSource image : images) checkImage(image, false);
        } catch (EspRomException e) {
            throw e.toDeviceException();
        }
    }

    /** Nothing to install: every region was checked when written. */
    @Override
    public void install(ImageTransfer transfer, InstallRequest request) {
        throw new UnsupportedOperationException("esp-rom writes in place; there is no separate install step");
    }

    /** Leaves the bootloader and starts the written firmware (hard reset). */
    @Override
    public void reboot() throws DeviceException, InterruptedException {
        try {
            client.hardReset();
        } catch (EspRomException e) {
            throw e.toDeviceException();
        }
    }

    @Override
    public void confirm() {
        throw new UnsupportedOperationException("esp-rom has no trial boot to confirm");
    }

    @Override
    public void close() {
        client.close();
    }

    /** One image on its way: one pass of erase, blocks and MD5; a break starts the image again. */
    private final class Transfer implements StreamedTransfer {
        private final ImageSource image;
        private final int offset;

        Transfer(ImageSource image, int offset) {
            this.image = image;
            this.offset = offset;
        }

        @Override
        public ImageSource image() {
            return image;
        }

        @Override
        public void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException {
            // write() reports the bytes confirmed so far; a StreamedTransfer reports increments.
            long[] confirmed = {0};
            try {
                write(image, offset, n -> {
                    if (n > confirmed[0]) {
                        progress.accept(n - confirmed[0]);
                        confirmed[0] = n;
                    }
                });
            } catch (EspRomException e) {
                throw e.toDeviceException();
            }
        }
    }

    @Override
    public String toString() {
        return device.address() + ": " + info;
    }
}
