package io.fieldflash.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.inner.EspChip;
import io.fieldflash.bundle.inner.InnerFormat;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsed {@code manifest.json} of a bundle. Parsing only checks form; whether to trust it is
 * {@link BundleReader}'s job, and downstream code only ever sees a manifest inside a {@link VerifiedBundle}.
 *
 * @param created {@code created}, or {@link Instant#EPOCH} when absent
 */
public record Manifest(String vendor, String product, List<String> hardware, String version,
                       long securityCounter, Instant created, Instant expires, String releaseNotes,
                       List<ImageSpec> images) {
    public static final String FORMAT = "fieldflash-bundle/1";
    /** Largest manifest.json accepted. */
    public static final int MAX_BYTES = 1 << 20;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public Manifest {
        hardware = List.copyOf(hardware);
        images = List.copyOf(images);
    }

    public SemVer semVer() {
        return SemVer.parse(version);
    }

    public Optional<ImageSpec> image(String name) {
        return images.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** Total payload bytes over all images (at most 64 × 4 GiB: no overflow). */
    public long totalImageBytes() {
        return images.stream().mapToLong(ImageSpec::size).sum();
    }

    /**
     * Parses manifest bytes; {@code BAD_MANIFEST} with the field named when they are not a valid manifest.
     * The bytes must be strict UTF-8 without a byte order mark ({@link Json#strictUtf8}). Values quoted in
     * errors are escaped and cut: they are not authenticated yet.
     */
    public static Manifest parse(byte[] bytes) throws BundleException {
        String text = Json.strictUtf8(bytes, "manifest.json");
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new BundleException(ReasonCode.BAD_MANIFEST,
                    "manifest.json is not valid JSON (" + Printable.cut(TrustStore.firstLine(e), 200) + ").", e);
        }
        if (root == null || !root.isObject()) throw bad("it is not a JSON object");
        String format = text(root, "format");
        if (!FORMAT.equals(format)) throw bad("'format' is \"" + quoted(format) + "\", expected \"" + FORMAT + "\"");
        String vendor = text(root, "vendor");
        String product = text(root, "product");
        JsonNode hw = root.get("hardware");
        if (hw == null || !hw.isArray() || hw.isEmpty()) throw bad("'hardware' is missing or not a non-empty array of text");
        List<String> hardware = new ArrayList<>();
        for (JsonNode h : hw) {
            if (!h.isTextual()) throw bad("'hardware' has an element that is not text");
            hardware.add(h.asText());
        }
        String version = text(root, "version");
        if (!SemVer.isValid(version)) {
            throw bad("'version' \"" + quoted(version) + "\" is not SemVer 2.0 text (like 2.4.1) of at most "
                    + SemVer.MAX_LENGTH + " characters");
        }
        long counter = nonNegativeLong(root, "securityCounter", "securityCounter");
        Instant created = root.hasNonNull("created") ? instant(root, "created") : Instant.EPOCH;
        Instant expires = instant(root, "expires");
        String notes = "";
        if (root.hasNonNull("releaseNotes")) {
            if (!root.get("releaseNotes").isTextual()) throw bad("'releaseNotes' is not text");
            notes = root.get("releaseNotes").asText();
        }
        JsonNode imgs = root.get("images");
        if (imgs == null || !imgs.isArray() || imgs.isEmpty()) throw bad("'images' is missing or not a non-empty array");
        List<ImageSpec> images = new ArrayList<>();
        Set<String> names = new HashSet<>(), files = new HashSet<>();
        for (int i = 0; i < imgs.size(); i++) {
            JsonNode im = imgs.get(i);
            String where = "images[" + i + "]";
            if (!im.isObject()) throw bad(where + " is not an object");
            String name = text(im, "name", where + ".name");
            String file = text(im, "file", where + ".file");
            if (!file.startsWith("images/") || file.length() == "images/".length() || !EntryNames.isSafe(file)) {
                throw bad(where + ".file \"" + quoted(file) + "\" is not a safe name under images/");
            }
            long size = nonNegativeLong(im, "size", where + ".size");
            if (size > ImageSpec.MAX_SIZE) {
                throw bad(where + ".size is " + size + " bytes; an image is at most " + ImageSpec.MAX_SIZE + " bytes (4 GiB)");
            }
            String sha = text(im, "sha256", where + ".sha256");
            if (!SHA256_HEX.matcher(sha).matches()) throw bad(where + ".sha256 is not 64 lowercase hex digits");
            long offset = -1;
            Optional<EspChip> chip = Optional.empty();
            JsonNode serial = im.get("serial");
            if (serial != null && !serial.isNull()) {
                if (!serial.isObject()) throw bad(where + ".serial is not an object");
                if (serial.has("flashOffset")) offset = nonNegativeLong(serial, "flashOffset", where + ".serial.flashOffset");
                if (serial.hasNonNull("chip")) chip = Optional.of(chip(serial, where + ".serial.chip"));
            }
            Optional<InnerFormat> innerFormat = format(im, where + ".format");
            List<String> bootKeys = bootKeys(im, where + ".bootKeys");
            if (!names.add(name)) throw bad("two images are named \"" + quoted(name) + "\"");
            if (!files.add(file)) throw bad("two images use the file \"" + quoted(file) + "\"");
            images.add(new ImageSpec(name, file, size, sha, offset, innerFormat, bootKeys, chip));
        }
        return new Manifest(vendor, product, hardware, version, counter, created, expires, notes, images);
    }

    /** {@code images[].format}: empty for {@code raw} or absent; one of {@link InnerFormat}'s names otherwise. */
    private static Optional<InnerFormat> format(JsonNode im, String label) throws BundleException {
        JsonNode v = im.get("format");
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw bad(label + " is not text");
        if (v.asText().equals(ImageSpec.RAW)) return Optional.empty();
        Optional<InnerFormat> f = InnerFormat.byId(v.asText());
        if (f.isEmpty()) {
            throw bad(label + " is \"" + quoted(v.asText()) + "\", which FieldFlash does not know; it is one of "
                    + ImageSpec.RAW + ", " + String.join(", ", Arrays.stream(InnerFormat.values()).map(InnerFormat::id).toList()));
        }
        return f;
    }

    /** {@code images[].bootKeys}: an array of keyids (64 lowercase hex digits), at most {@link ImageSpec#MAX_BOOT_KEYS}. */
    private static List<String> bootKeys(JsonNode im, String label) throws BundleException {
        JsonNode v = im.get("bootKeys");
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw bad(label + " is not an array of keyids");
        if (v.size() > ImageSpec.MAX_BOOT_KEYS) throw bad(label + " lists more than " + ImageSpec.MAX_BOOT_KEYS + " keys");
        List<String> out = new ArrayList<>();
        for (JsonNode k : v) {
            if (!k.isTextual() || !SHA256_HEX.matcher(k.asText()).matches()) {
                throw bad(label + " has an element that is not a keyid (64 lowercase hex digits)");
            }
            if (!out.contains(k.asText())) out.add(k.asText());
        }
        return out;
    }

    /** {@code images[].serial.chip}: one of {@link EspChip}'s names. */
    private static EspChip chip(JsonNode serial, String label) throws BundleException {
        JsonNode v = serial.get("chip");
        if (!v.isTextual()) throw bad(label + " is not text");
        return EspChip.byName(v.asText()).orElseThrow(() -> bad(label + " is \"" + quoted(v.asText())
                + "\", which is not a chip FieldFlash knows (" + String.join(", ",
                Arrays.stream(EspChip.values()).map(EspChip::id).toList()) + ")"));
    }

    /** A value from the manifest as an error may quote it: escaped, and cut, since nothing vouches for it yet. */
    private static String quoted(String value) {
        return Printable.cut(value, 40);
    }

    private static BundleException bad(String what) {
        return new BundleException(ReasonCode.BAD_MANIFEST, "manifest.json is not valid: " + what + ".");
    }

    private static String text(JsonNode n, String field) throws BundleException {
        return text(n, field, "'" + field + "'");
    }

    private static String text(JsonNode n, String field, String label) throws BundleException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw bad(label + " is missing or not text");
        return v.asText();
    }

    private static long nonNegativeLong(JsonNode n, String field, String label) throws BundleException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw bad(label + " is missing or not a non-negative whole number");
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode n, String field) throws BundleException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw bad("'" + field + "' is missing or not text");
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw bad("'" + field + "' is not an ISO-8601 UTC time like 2027-11-01T00:00:00Z");
        }
    }
}
