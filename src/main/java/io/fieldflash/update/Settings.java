package io.fieldflash.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.FieldFlashException;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The operator's settings ({@code settings.json} in the user folder):
 * <ul>
 *   <li>{@code operator}: the name written to every audit record, by default the name the operating system knows
 *       the user by;</li>
 *   <li>{@code softApPatterns}: the vendor's Wi-Fi network name patterns (Java regular expressions, whole name,
 *       case ignored) that mark a device's access point, used in addition to the built-in ones
 *       ({@code io.fieldflash.wifi.SoftApPatterns#withVendorPatterns}); empty by default.</li>
 * </ul>
 * A file without {@code softApPatterns} (as earlier versions wrote it) reads as no vendor patterns; fields this
 * version does not know are kept when it saves.
 *
 * @param operator       who runs updates on this laptop
 * @param softApPatterns vendor SSID patterns, stripped, blank ones dropped, in order
 */
public record Settings(String operator, List<String> softApPatterns) {
    /** The settings file's name in the user folder. */
    public static final String FILE_NAME = "settings.json";
    /** Longest operator name accepted. */
    public static final int MAX_OPERATOR_LENGTH = 100;

    private static final String OPERATOR = "operator";
    private static final String SOFT_AP_PATTERNS = "softApPatterns";

    public Settings {
        operator = operator == null ? "" : operator;
        List<String> kept = new ArrayList<>();
        for (String p : softApPatterns) {
            if (p != null && !p.isBlank()) kept.add(p.strip());
        }
        softApPatterns = List.copyOf(kept);
    }

    /** Settings with this operator and no vendor patterns. */
    public Settings(String operator) {
        this(operator, List.of());
    }

    /** The settings file in {@code userDir} (see {@link UpdateStores#in}). */
    public static Path file(Path userDir) {
        return userDir.resolve(FILE_NAME);
    }

    public static Settings defaults() {
        return new Settings(System.getProperty("user.name", "unknown"), List.of());
    }

    /** Settings that cannot be saved; the message names the field (and the line) and the hint what to write instead. */
    public static final class InvalidSettingsException extends FieldFlashException {
        private final String code;
        private final int line;

        InvalidSettingsException(String code, int line, String message, String hint) {
            super(message, hint, null);
            this.code = code;
            this.line = line;
        }

        @Override
        public String code() {
            return code;
        }

        /** The 1-based line of the bad SoftAP pattern; 0 when the problem is not in a pattern. */
        public int line() {
            return line;
        }
    }

    /** Reads {@code file}; a missing file, or missing or unusable fields, give the defaults. */
    public static Settings load(Path file) {
        Settings d = defaults();
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject()) return d;
            String op = n.path(OPERATOR).isTextual() && !n.get(OPERATOR).asText().isBlank()
                    ? n.get(OPERATOR).asText().strip() : d.operator();
            List<String> patterns = new ArrayList<>();
            JsonNode p = n.path(SOFT_AP_PATTERNS);
            if (p.isArray()) p.forEach(e -> {
                if (e.isTextual()) patterns.add(e.asText());
            });
            return new Settings(op, patterns);
        } catch (NoSuchFileException e) {
            return d;
        } catch (IOException | RuntimeException e) {
            return d;
        }
    }

    /**
     * Checks, then writes these settings to {@code file} atomically. Fields in the file that this version does not
     * know are kept.
     *
     * @throws InvalidSettingsException when {@link #validate()} refuses them; the file is then unchanged
     */
    public void save(Path file) throws IOException, InvalidSettingsException {
        validate();
        ObjectNode root = existingObject(file);
        root.put(OPERATOR, operator);
        ArrayNode arr = root.putArray(SOFT_AP_PATTERNS);
        softApPatterns.forEach(arr::add);
        AtomicFiles.write(file, Json.MAPPER.writeValueAsBytes(root));
    }

    private static ObjectNode existingObject(Path file) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (n instanceof ObjectNode o) return o;
        } catch (IOException | RuntimeException e) {
            // no file, or one that cannot be read: start afresh
        }
        return Json.MAPPER.createObjectNode();
    }

    /** Refuses a blank, overlong or multi-line operator name, and the first SoftAP pattern that is not usable. */
    public void validate() throws InvalidSettingsException {
        checkOperator(operator);
        Optional<InvalidSettingsException> bad = checkPatterns(softApPatterns);
        if (bad.isPresent()) throw bad.get();
    }

    /** Refuses an operator name that is blank, longer than {@value #MAX_OPERATOR_LENGTH} characters or has control characters. */
    public static void checkOperator(String name) throws InvalidSettingsException {
        String s = name == null ? "" : name.strip();
        if (s.isEmpty()) {
            throw new InvalidSettingsException("OPERATOR_BLANK", 0, "The operator name is empty.",
                    "Type your name as it should appear in the audit log, e.g. Sam Taylor.");
        }
        if (s.length() > MAX_OPERATOR_LENGTH) {
            throw new InvalidSettingsException("OPERATOR_TOO_LONG", 0, "The operator name is longer than "
                    + MAX_OPERATOR_LENGTH + " characters.", "Use a shorter form of your name.");
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSettingsException("OPERATOR_CONTROL_CHARACTERS", 0,
                    "The operator name contains a line break or another control character.", "Type the name on one line.");
        }
    }

    /**
     * The first unusable pattern of {@code lines} (one pattern per line, blank lines skipped but counted), if any:
     * not a valid regular expression, or one that matches an empty name (such as {@code .*}), which would mark every
     * network as a device.
     */
    public static Optional<InvalidSettingsException> checkPatterns(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null || line.isBlank()) continue;
            String p = line.strip();
            int no = i + 1;
            try {
                // the flags of SoftApPatterns: whole name, case ignored
                if (Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher("").matches()) {
                    return Optional.of(new InvalidSettingsException("PATTERN_MATCHES_EVERYTHING", no, "Line " + no + " (\"" + p
                            + "\") matches an empty network name, so it would mark every network as a device.",
                            "Make the pattern name the vendor's networks only, e.g. Acme-[0-9A-F]{4} or .+-Setup."));
                }
            } catch (PatternSyntaxException e) {
                return Optional.of(new InvalidSettingsException("PATTERN_INVALID", no, "Line " + no + " (\"" + p
                        + "\") is not a valid regular expression: " + e.getDescription() + ".",
                        "Fix or delete that line, e.g. Acme-[0-9A-F]{4} or .+-Setup."));
            }
        }
        return Optional.empty();
    }

    public Settings withOperator(String operator) {
        return new Settings(operator, softApPatterns);
    }

    public Settings withSoftApPatterns(List<String> patterns) {
        return new Settings(operator, patterns);
    }
}
