package io.fieldflash.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.AtomicFile;
import io.fieldflash.update.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The wizard's language, as chosen in Settings: the laptop's own, or English or German whatever the laptop says. Kept
 * as the {@code language} field of {@code settings.json} ({@code "system"}, {@code "en"}, {@code "de"}); the other
 * fields of that file are left as they are, and {@link Settings#save} keeps this one.
 */
public enum Language {
    SYSTEM("system"), ENGLISH("en"), GERMAN("de");

    private static final String FIELD = "language";
    private final String code;

    Language(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The locale the wizard speaks and writes dates in. */
    public Locale locale() {
        return switch (this) {
            case SYSTEM -> Locale.getDefault();
            case ENGLISH -> Locale.ENGLISH;
            case GERMAN -> Locale.GERMAN;
        };
    }

    /** The choice stored in {@code settingsFile}; {@link #SYSTEM} when there is none or it cannot be read. */
    public static Language load(Path settingsFile) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(settingsFile));
            String code = n == null ? "" : n.path(FIELD).asText("");
            for (Language l : values()) if (l.code.equals(code)) return l;
        } catch (IOException | RuntimeException e) {
            // no settings yet, or unreadable: the laptop's language
        }
        return SYSTEM;
    }

    /** Stores this choice in {@code settingsFile} atomically, keeping its other fields. */
    public void save(Path settingsFile) throws IOException {
        ObjectNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(settingsFile)) instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        } catch (java.nio.file.NoSuchFileException e) {
            root = Json.MAPPER.createObjectNode();
        }
        root.put(FIELD, code);
        Files.createDirectories(settingsFile.toAbsolutePath().getParent());
        AtomicFile.write(settingsFile, Json.MAPPER.writeValueAsBytes(root));
    }
}
