package io.fieldflash.update;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The operator's settings ({@code settings.json} in the user folder). For now: the operator's name written to
 * the audit log, by default the name the operating system knows the user by.
 *
 * @param operator who runs updates on this laptop
 */
public record Settings(String operator) {

    public static Settings defaults() {
        return new Settings(System.getProperty("user.name", "unknown"));
    }

    /** Reads {@code file}; missing file or fields give the defaults. */
    public static Settings load(Path file) {
        Settings d = defaults();
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
            String op = n != null && n.path("operator").isTextual() && !n.get("operator").asText().isBlank()
                    ? n.get("operator").asText().strip() : d.operator();
            return new Settings(op);
        } catch (NoSuchFileException e) {
            return d;
        } catch (IOException | RuntimeException e) {
            return d;
        }
    }

    public void save(Path file) throws IOException {
        AtomicFiles.write(file, Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().put("operator", operator)));
    }

    public Settings withOperator(String operator) {
        return new Settings(operator);
    }
}
