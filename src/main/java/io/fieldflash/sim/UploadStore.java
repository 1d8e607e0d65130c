package io.fieldflash.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one upload a device holds at a time, on disk in {@code DIR/upload/}: {@code <id>.part} (the bytes received,
 * exactly {@code offset} long once committed) and {@code <id>.json} (length, offset, image, sha256, times). It
 * survives reboots; it is dropped when deleted, installed, or idle longer than the expiry.
 */
final class UploadStore {
    private static final Logger LOG = LoggerFactory.getLogger(UploadStore.class);
    private static final SecureRandom IDS = new SecureRandom();

    /**
     * One upload.
     *
     * @param sha256   lowercase hex SHA-256 the client announced in {@code Upload-Metadata}; empty when it did not
     * @param metadata the {@code Upload-Metadata} header as received, echoed by HEAD
     * @param touched  last creation or PATCH, epoch milliseconds: expiry counts from here
     */
    record Upload(String id, long length, long offset, String image, String sha256, String metadata, long created, long touched) {
        boolean complete() {
            return offset == length;
        }
    }

    /** A second upload was asked for while {@code live} is still under way. */
    static final class Busy extends Exception {
        final Upload live;

        Busy(Upload live) {
            super("an upload is under way");
            this.live = live;
        }
    }

    /** The right to write an upload's data; close to give it up. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private final Path dir;
    private final Disk disk;
    private final Duration expiry;
    private final Clock clock;
    private final ReentrantLock transfer = new ReentrantLock();
    private volatile Runnable cutHolder = () -> {};
    private Upload current;

    UploadStore(Path dir, Disk disk, Duration expiry, Clock clock) throws IOException {
        this.dir = dir;
        this.disk = disk;
        this.expiry = expiry;
        this.clock = clock;
        Files.createDirectories(dir);
        load();
    }

    Path part(String id) {
        return dir.resolve(id + ".part");
    }

    private Path meta(String id) {
        return dir.resolve(id + ".json");
    }

    /** When {@code u} expires if nothing more arrives, epoch milliseconds. */
    long expiresAt(Upload u) {
        return u.touched() + expiry.toMillis();
    }

    /** The live upload, if any (an expired one is dropped first). */
    synchronized Optional<Upload> current() throws IOException {
        sweep();
        return Optional.ofNullable(current);
    }

    synchronized Optional<Upload> find(String id) throws IOException {
        sweep();
        return current != null && current.id().equals(id) ? Optional.of(current) : Optional.empty();
    }

    /** Creates the upload, with an empty data file; {@link Busy} when one is live already. */
    synchronized Upload create(long length, String image, String sha256, String metadata) throws IOException, Busy {
        sweep();
        if (current != null) throw new Busy(current);
        long now = clock.millis();
        byte[] idBytes = new byte[12];
        IDS.nextBytes(idBytes);
        Upload u = new Upload(HexFormat.of().formatHex(idBytes), length, 0, image, sha256, metadata, now, now);
        disk.empty(part(u.id()));
        writeMeta(u);
        current = u;
        return u;
    }

    /** Records that the data file now holds {@code newOffset} bytes (the caller has written them). */
    synchronized Upload advance(Upload u, long newOffset) throws IOException {
        if (current == null || !current.id().equals(u.id())) throw new IOException("the upload " + u.id() + " is gone");
        Upload next = new Upload(u.id(), u.length(), newOffset, u.image(), u.sha256(), u.metadata(), u.created(), clock.millis());
        writeMeta(next);
        current = next;
        return next;
    }

    /** Deletes the upload; false when there is no such upload. */
    synchronized boolean delete(String id) throws IOException {
        if (current == null || !current.id().equals(id)) return false;
        drop(current, "deleted");
        return true;
    }

    /**
     * Takes the upload's data out of the store (for install, which moves it into a slot): the record is
     * removed and the caller owns the returned data file.
     */
    synchronized void consumed(String id) throws IOException {
        if (current != null && current.id().equals(id)) {
            disk.delete(meta(id));
            current = null;
        }
    }

    /**
     * The right to write the upload's data. Only one writer at a time: a new PATCH for an upload that a stale
     * connection still holds (a client that lost its link and came back) cuts the stale connection and takes over.
     * Empty when the lock could not be had within {@code wait}.
     */
    Optional<Lease> lease(Runnable cutThisConnection, Duration wait) throws InterruptedException {
        if (!transfer.tryLock()) {
            cutHolder.run();
            if (!transfer.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) return Optional.empty();
        }
        cutHolder = cutThisConnection;
        return Optional.of(() -> {
            cutHolder = () -> {};
            transfer.unlock();
        });
    }

    private void sweep() throws IOException {
        if (current != null && clock.millis() > expiresAt(current) && !transfer.isLocked()) {
            drop(current, "expired after " + expiry.toSeconds() + " s idle");
        }
    }

    private void drop(Upload u, String why) throws IOException {
        disk.delete(meta(u.id()));
        disk.delete(part(u.id()));
        current = null;
        LOG.info("upload {} dropped: {}", u.id(), why);
    }

    private void writeMeta(Upload u) throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", u.id()).put("length", u.length()).put("offset", u.offset()).put("image", u.image())
                .put("sha256", u.sha256()).put("metadata", u.metadata()).put("created", u.created()).put("touched", u.touched());
        disk.replace(meta(u.id()), Json.MAPPER.writeValueAsBytes(o), false);
    }

    /** After a reboot: the newest valid upload is kept, its data cut back to the committed offset; leftovers go. */
    private void load() throws IOException {
        Upload best = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                Upload u = readMeta(p);
                if (u == null || !Files.isRegularFile(part(u.id())) || Files.size(part(u.id())) < u.offset()) {
                    LOG.warn("discarding unreadable or incomplete upload record {}", p.getFileName());
                    disk.delete(p);
                    continue;
                }
                if (best == null || u.touched() > best.touched()) best = u;
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                boolean keep = best != null && (name.equals(best.id() + ".json") || name.equals(best.id() + ".part"));
                if (!keep) disk.delete(p);
            }
        }
        if (best != null) {
            disk.truncate(part(best.id()), best.offset());   // bytes written after the last commit were never acknowledged
            current = best;
            sweep();
        }
    }

    private static Upload readMeta(Path p) {
        try {
            JsonNode o = Json.MAPPER.readTree(Files.readAllBytes(p));
            String id = o.path("id").asText("");
            if (!id.matches("[0-9a-f]{24}") || !p.getFileName().toString().equals(id + ".json")) return null;
            long length = o.path("length").asLong(-1), offset = o.path("offset").asLong(-1);
            if (length < 0 || offset < 0 || offset > length) return null;
            return new Upload(id, length, offset, o.path("image").asText(Slot.MAIN_IMAGE), o.path("sha256").asText(""),
                    o.path("metadata").asText(""), o.path("created").asLong(), o.path("touched").asLong());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
