package io.fieldflash.update;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The highest security counter this laptop ever installed on each device ({@code devices/<deviceId>.json}).
 *
 * <p>A device enforces its own counter, but a device can be swapped for an old spare or have its flash restored;
 * this memory lets the laptop refuse to push an older image onto a device it once brought further, even
 * when the device itself would accept it.
 */
public final class InstalledCounters {

    /** What the laptop installed last on a device with the highest counter. */
    public record Entry(String deviceId, long securityCounter, String version, Instant installed) {}

    private final Path dir;

    public InstalledCounters(Path dir) {
        this.dir = dir;
    }

    public Optional<Entry> highest(String deviceId) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file(deviceId)));
            return Optional.of(new Entry(n.get("deviceId").asText(), n.get("securityCounter").asLong(),
                    n.get("version").asText(), Instant.parse(n.get("installed").asText())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Records an install; keeps the entry with the higher counter. */
    public synchronized void record(String deviceId, long securityCounter, String version) throws IOException {
        Optional<Entry> old = highest(deviceId);
        if (old.isPresent() && old.get().securityCounter() > securityCounter) return;
        AtomicFiles.write(file(deviceId), Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode()
                .put("deviceId", deviceId).put("securityCounter", securityCounter).put("version", version)
                .put("installed", Instant.now().toString())));
    }

    private Path file(String deviceId) {
        return dir.resolve(AtomicFiles.fileNameFor(deviceId) + ".json");
    }
}
