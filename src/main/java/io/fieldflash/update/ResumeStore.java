package io.fieldflash.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Resume points on disk, one file per device ({@code resume/<deviceId>.json} in the user folder), so that a
 * transfer interrupted by anything (a dropped link, a closed lid, a killed process) continues next run.
 *
 * <p>Files are replaced atomically. A point is removed only when its update succeeded or the operator
 * discards it, never because something failed.
 */
public final class ResumeStore {
    private final Path dir;

    public ResumeStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The file that holds {@code deviceId}'s point. */
    public Path fileFor(String deviceId) {
        return dir.resolve(AtomicFiles.fileNameFor(deviceId) + ".json");
    }

    /** The point stored for {@code deviceId}; empty when none or when the file is unreadable (it is then left alone). */
    public Optional<ResumePoint> load(String deviceId) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(fileFor(deviceId));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(bytes);
            return Optional.of(new ResumePoint(n.get("deviceId").asText(), n.get("deviceAddress").asText(),
                    n.get("transport").asText(), n.get("manifestSha256").asText(), n.get("image").asText(),
                    n.get("imageSha256").asText(), n.get("handle").asText(), n.get("offset").asLong(), n.get("length").asLong(),
                    Instant.parse(n.get("updated").asText()), n.path("bundleFile").asText("")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void save(ResumePoint p) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode()
                .put("deviceId", p.deviceId()).put("deviceAddress", p.deviceAddress()).put("transport", p.transport())
                .put("manifestSha256", p.manifestSha256()).put("image", p.image()).put("imageSha256", p.imageSha256())
                .put("handle", p.handle()).put("offset", p.offset()).put("length", p.length())
                .put("updated", p.updated().toString()).put("bundleFile", p.bundleFile());
        AtomicFiles.write(fileFor(p.deviceId()), Json.MAPPER.writeValueAsBytes(n));
    }

    /** Every readable point, newest first (e.g. to offer continuing an interrupted update when the wizard opens). */
    public java.util.List<ResumePoint> list() {
        if (!Files.isDirectory(dir)) return java.util.List.of();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            java.util.List<Path> jsons = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
            java.util.List<ResumePoint> out = new java.util.ArrayList<>();
            for (Path f : jsons) {
                // file names are derived from device ids; read each back through load() by its stored id
                readId(f).flatMap(this::load).ifPresent(out::add);
            }
            out.sort(java.util.Comparator.comparing(ResumePoint::updated).reversed());
            return out;
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    private static Optional<String> readId(Path f) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(f));
            return n != null && n.path("deviceId").isTextual() ? Optional.of(n.get("deviceId").asText()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Removes {@code deviceId}'s point (after success or an explicit discard). */
    public void delete(String deviceId) throws IOException {
        Files.deleteIfExists(fileFor(deviceId));
    }
}
