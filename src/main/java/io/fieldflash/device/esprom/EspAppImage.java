package io.fieldflash.device.esprom;

import io.fieldflash.Printable;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The header of an ESP application image, as esptool's {@code LoadFirmwareImage} reads it, for the checks that
 * can be made before a byte is written: magic {@code 0xE9}, a sane segment count and, on the ESP32 family, the
 * chip id in the extended header. Other data (a file system, an NVS partition) has no such header and is
 * written as it is.
 *
 * @param segments       number of segments (1–16)
 * @param chipId         the chip id from the extended header (ESP32 0, ESP32-S3 9, ESP32-C3 5), -1 on the ESP8266
 * @param minChipRevFull lowest chip revision the image runs on (major × 100 + minor), 0 when not set
 * @param maxChipRevFull highest chip revision, 0 or 65535 when not set
 */
public record EspAppImage(int segments, int chipId, int minChipRevFull, int maxChipRevFull) {

    public static final int MAGIC = 0xE9;
    /** Offset of {@code esp_app_desc_t} in an ESP-IDF application: after the 24-byte header and the first segment's 8. */
    public static final int APP_DESC_OFFSET = 0x20;
    /** Bytes of {@code esp_app_desc_t} FieldFlash reads (up to and including {@code idf_ver}). */
    public static final int APP_DESC_SIZE = 4 + 4 + 8 + 32 + 32 + 16 + 16 + 32;
    static final int APP_DESC_MAGIC = 0xABCD5432;

    /** True when {@code head} starts like an application image. */
    public static boolean looksLikeApp(byte[] head) {
        return head.length > 0 && (head[0] & 0xFF) == MAGIC;
    }

    /**
     * Reads and checks the header for {@code chip}.
     *
     * @param head the image's first 24 bytes (or more)
     * @throws EspRomException {@code BAD_IMAGE} for a broken header, {@code WRONG_CHIP} for another chip's image
     */
    public static EspAppImage check(byte[] head, Chip chip, String name) throws EspRomException {
        String what = "Image '" + Printable.of(name) + "'";
        int needed = chip.esp32Family() ? 24 : 8;
        if (head.length < needed || (head[0] & 0xFF) != MAGIC) {
            throw bad(what + " is not an ESP application image (it does not start with 0xE9).");
        }
        int segments = head[1] & 0xFF;
        if (segments == 0 || segments > 16) throw bad(what + " has a broken header: " + segments + " segments (1 to 16 expected).");
        if (!chip.esp32Family()) return new EspAppImage(segments, -1, 0, 0);
        int chipId = u16(head, 12);
        int minFull = u16(head, 15);
        int maxFull = u16(head, 17);
        if (chipId != chip.imageChipId()) {
            String other = "chip id " + chipId;
            for (Chip c : Chip.values()) if (c.imageChipId() == chipId) other = "an " + c.displayName();
            throw new EspRomException(EspRomException.Reason.WRONG_CHIP, what + " is built for " + other + ", but the unit is an "
                    + chip.displayName() + ". Nothing was written.", "Use the bundle made for an " + chip.displayName() + ".");
        }
        return new EspAppImage(segments, chipId, minFull, maxFull);
    }

    private static EspRomException bad(String message) {
        return new EspRomException(EspRomException.Reason.BAD_IMAGE, message + " Nothing was written.",
                "The bundle is damaged or was built wrongly; ask the vendor for a correct one.");
    }

    /**
     * What an ESP-IDF application says about itself ({@code esp_app_desc_t}), read from flash before writing, so
     * the usual preflight (product, downgrade, anti-rollback) can run against it.
     *
     * @param projectName   the application's project name (untrusted text)
     * @param version       its version text (untrusted)
     * @param secureVersion the anti-rollback counter the app was built with
     * @param idfVersion    the ESP-IDF version it was built with (untrusted)
     */
    public record AppDescriptor(String projectName, String version, long secureVersion, String idfVersion) {

        /** Parses the descriptor; empty when the bytes do not start with its magic word (no ESP-IDF app there). */
        public static Optional<AppDescriptor> parse(byte[] d) {
            if (d.length < APP_DESC_SIZE || EspRomClient.le32(d, 0) != APP_DESC_MAGIC) return Optional.empty();
            long secure = Integer.toUnsignedLong(EspRomClient.le32(d, 4));
            return Optional.of(new AppDescriptor(text(d, 48, 32), text(d, 16, 32), secure, text(d, 112, 32)));
        }

        private static String text(byte[] d, int off, int max) {
            int end = off;
            while (end < off + max && d[end] != 0) end++;
            return new String(d, off, end - off, StandardCharsets.UTF_8);
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
