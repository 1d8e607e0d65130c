package io.fieldflash.ui.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the wizard remembers for the laptop user between launches, kept in the {@code wizard} object of the user's
 * {@code settings.json} (beside the operator name and the Wi-Fi patterns, which {@link io.fieldflash.update.Settings}
 * reads and keeps untouched): the text size chosen with A−/A+, high contrast on or off, and whether the operator
 * name was asked for already.
 *
 * @param textSize      the wizard's font size in pixels
 * @param highContrast  the high-contrast theme is on
 * @param operatorAsked the first-launch question for the operator name was answered (or dismissed)
 */
public record WizardPrefs(double textSize, boolean highContrast, boolean operatorAsked) {
    /** The wizard's font sizes: smallest, usual, largest. */
    public static final double MIN_TEXT = 11, DEFAULT_TEXT = 14, MAX_TEXT = 26;

    private static final String WIZARD = "wizard", TEXT_SIZE = "textSize", HIGH_CONTRAST = "highContrast",
            OPERATOR_ASKED = "operatorAsked", OPERATOR = "operator", LAST_FOLDER = "lastBundleFolder";
    /** One writer at a time in this process: each write reads the file, changes its part and replaces it. */
    private static final Object LOCK = new Object();

    public WizardPrefs {
        textSize = Double.isFinite(textSize) ? Math.clamp(textSize, MIN_TEXT, MAX_TEXT) : DEFAULT_TEXT;
    }

    public static WizardPrefs defaults() {
        return new WizardPrefs(DEFAULT_TEXT, false, false);
    }

    /** Reads them from {@code settingsFile}; a missing or unreadable file or field gives the default. */
    public static WizardPrefs load(Path settingsFile) {
        JsonNode w = read(settingsFile).path(WIZARD);
        WizardPrefs d = defaults();
        return new WizardPrefs(w.path(TEXT_SIZE).isNumber() ? w.get(TEXT_SIZE).asDouble() : d.textSize(),
                w.path(HIGH_CONTRAST).isBoolean() ? w.get(HIGH_CONTRAST).asBoolean() : d.highContrast(),
                w.path(OPERATOR_ASKED).isBoolean() ? w.get(OPERATOR_ASKED).asBoolean() : d.operatorAsked());
    }

    /** True when {@code settingsFile} names an operator (set in Settings, on the command line or at first launch). */
    public static boolean operatorSaved(Path settingsFile) {
        JsonNode op = read(settingsFile).path(OPERATOR);
        return op.isTextual() && !op.asText().isBlank();
    }

    /** Writes these into {@code settingsFile}, keeping everything else in it. */
    public void save(Path settingsFile) throws IOException {
        change(settingsFile, w -> {
            w.put(TEXT_SIZE, textSize);
            w.put(HIGH_CONTRAST, highContrast);
            w.put(OPERATOR_ASKED, operatorAsked);
        });
    }

    /** The folder the last bundle was picked in, if it was remembered and still exists. */
    public static java.util.Optional<Path> lastBundleFolder(Path settingsFile) {
        JsonNode f = read(settingsFile).path(WIZARD).path(LAST_FOLDER);
        try {
            return f.isTextual() ? java.util.Optional.of(Path.of(f.asText())).filter(Files::isDirectory) : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Remembers the folder a bundle was picked in, for the next time the file chooser opens. */
    public static void saveLastBundleFolder(Path settingsFile, Path folder) throws IOException {
        change(settingsFile, w -> w.put(LAST_FOLDER, folder.toAbsolutePath().toString()));
    }

    private static void change(Path settingsFile, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        synchronized (LOCK) {
            ObjectNode root = read(settingsFile) instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
            ObjectNode w = root.get(WIZARD) instanceof ObjectNode o ? o : root.putObject(WIZARD);
            edit.accept(w);
            Files.createDirectories(settingsFile.toAbsolutePath().getParent());
            AtomicFile.write(settingsFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        }
    }

    public WizardPrefs withTextSize(double size) {
        return new WizardPrefs(size, highContrast, operatorAsked);
    }

    public WizardPrefs withHighContrast(boolean on) {
        return new WizardPrefs(textSize, on, operatorAsked);
    }

    public WizardPrefs withOperatorAsked() {
        return new WizardPrefs(textSize, highContrast, true);
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
            return n == null ? Json.MAPPER.createObjectNode() : n;
        } catch (IOException | RuntimeException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
