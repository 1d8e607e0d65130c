package io.fieldflash.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.SignatureCheck;
import io.fieldflash.bundle.TrustedKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of {@code fieldflash-http/1}: identify, the tus 1.0.0 transfer (core, creation, checksum,
 * termination, expiration), install, reboot and confirm, with bearer-token authentication and lockout.
 * One instance per boot: a reboot makes a new one over the state read back from disk.
 */
final class DeviceApi implements Http1Server.Handler {
    private static final Logger LOG = LoggerFactory.getLogger("io.fieldflash.sim.requests");

    static final String BASE = "/fieldflash/v1";
    static final String PROTOCOL = "fieldflash-http/1";
    static final String TUS_VERSION = "1.0.0";
    static final String TUS_EXTENSIONS = "creation,checksum,termination,expiration";
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    /** Largest install request body: a 1 MiB manifest and 64 KiB of signatures, in base64, with room to spare. */
    static final int MAX_INSTALL_BODY = 2 * 1024 * 1024;
    /** How long a new PATCH waits for a stale one on the same upload to let go, after cutting its connection. */
    static final Duration TAKEOVER_WAIT = Duration.ofSeconds(5);

    private static final Pattern METADATA_TEXT = Pattern.compile("[\\x20-\\x7e]{1,4096}");
    private static final Pattern METADATA_KEY = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]{1,64}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
    private static final Pattern IMAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UPLOAD_PATH = Pattern.compile("/uploads/([0-9a-f]{24})");
    private static final Pattern INSTALL_PATH = Pattern.compile("/uploads/([0-9a-f]{24})/install");

    /** What the API needs from the device around it. */
    interface Host {
        /** Reboots the device once the current answer (if any) is out: unreachable for a while, then boots. */
        void reboot(String why);
    }

    private final SimulatorConfig cfg;
    private final Flash flash;
    private final Disk disk;
    private final UploadStore uploads;
    private final PatchFault.Dice dice;
    private final SimulatorStats.Counters counters;
    private final Host host;
    private final SimSettings settings;

    DeviceApi(SimulatorConfig cfg, Flash flash, Disk disk, UploadStore uploads, PatchFault.Dice dice, SimulatorStats.Counters counters,
              Host host) {
        this.cfg = cfg;
        this.flash = flash;
        this.disk = disk;
        this.uploads = uploads;
        this.dice = dice;
        this.counters = counters;
        this.host = host;
        this.settings = SimSettings.load(cfg.stateDir(), disk, flash.state().deviceId());
    }

    @Override
    public Reply handle(Request r) throws IOException {
        long number = counters.requests.incrementAndGet();
        long t0 = System.nanoTime();
        Reply reply;
        try {
            reply = route(r);
        } catch (IOException e) {
            if (cfg.logRequests()) {
                LOG.info("{} {} → {} ({})", r.method(), Printable.of(r.target()),
                        e instanceof Disk.PowerLoss ? "no answer, the power failed" : "connection lost", Printable.of(e.getMessage()));
            }
            throw e;
        }
        if (number == cfg.faults().loseAnswer() && reply instanceof Reply.Respond done) {
            // Carried out, but the answer never reaches the client (what follows it, such as a reboot, still happens).
            counters.lostAnswers.incrementAndGet();
            done.afterSend().run();
            reply = new Reply.Abort(true, "fault lose-answer: request #" + number + " was carried out (" + done.status()
                    + "), its answer is lost");
        }
        if (cfg.logRequests()) log(r, reply, (System.nanoTime() - t0) / 1_000_000);
        return reply;
    }

    private static void log(Request r, Reply reply, long ms) {
        String target = Printable.of(r.target());
        switch (reply) {
            case Reply.Abort a -> LOG.info("{} {} → no answer: {}", r.method(), target, a.why());
            case Reply.Respond resp -> {
                StringBuilder note = new StringBuilder();
                String offset = resp.headerValue("Upload-Offset");
                if (offset != null) note.append(" offset=").append(offset);
                if (resp.status() >= 400 && resp.body().length > 0) {
                    note.append(' ').append(Printable.of(new String(resp.body(), StandardCharsets.UTF_8)));
                }
                LOG.info("{} {} → {}{} ({} ms)", r.method(), target, resp.status(), note, ms);
            }
        }
    }

    // ---------------------------------------------------------------- routing

    private Reply route(Request r) throws IOException {
        String path = r.path();
        if (!path.startsWith(BASE + "/")) return Reply.error(404, "NOT_FOUND", "Nothing here; the API is under " + BASE + "/.");
        String rest = path.substring(BASE.length());
        String method = r.method();
        var upload = UPLOAD_PATH.matcher(rest);
        var install = INSTALL_PATH.matcher(rest);
        boolean tus = rest.equals("/uploads") || upload.matches();
        if (!tus && !install.matches() && !List.of("/info", "/reboot", "/confirm", "/settings").contains(rest)) {
            return Reply.error(404, "NOT_FOUND", "No such resource: " + path + ".");
        }
        if (method.equals("OPTIONS")) return tus ? options() : Reply.status(204).header("Allow", allowed(rest));
        if (rest.equals("/info") && (method.equals("GET") || method.equals("HEAD"))) return info();

        Reply denied = authenticate(r);
        if (denied != null) return tus ? tusHeaders(denied) : denied;
        if (tus && !method.equals("OPTIONS")) {
            String v = r.header("Tus-Resumable").orElse("");
            if (!v.equals(TUS_VERSION)) {
                return tusHeaders(Reply.error(412, "TUS_VERSION", v.isEmpty()
                        ? "The request has no Tus-Resumable header; this device speaks tus " + TUS_VERSION + "."
                        : "This device speaks tus " + TUS_VERSION + ", not " + v + ".").header("Tus-Version", TUS_VERSION));
            }
        }
        Reply reply = switch (rest) {
            case "/uploads" -> method.equals("POST") ? create(r) : notAllowed(rest, method);
            case "/reboot" -> method.equals("POST") ? reboot() : notAllowed(rest, method);
            case "/confirm" -> method.equals("POST") ? confirm() : notAllowed(rest, method);
            case "/settings" -> switch (method) {
                case "GET", "HEAD" -> Reply.json(200, settings.toJson());
                case "PUT" -> changeSettings(r);
                default -> notAllowed(rest, method);
            };
            case "/info" -> notAllowed(rest, method);
            default -> {
                if (install.matches()) yield method.equals("POST") ? install(r, install.group(1)) : notAllowed(rest, method);
                String id = upload.group(1);
                yield switch (method) {
                    case "HEAD" -> head(id);
                    case "PATCH" -> patch(r, id);
                    case "DELETE" -> delete(id);
                    default -> notAllowed(rest, method);
                };
            }
        };
        return tus ? tusHeaders(reply) : reply;
    }

    private static String allowed(String rest) {
        if (rest.equals("/info")) return "GET, HEAD, OPTIONS";
        if (rest.equals("/settings")) return "GET, HEAD, PUT, OPTIONS";
        if (rest.equals("/uploads")) return "POST, OPTIONS";
        if (UPLOAD_PATH.matcher(rest).matches()) return "HEAD, PATCH, DELETE, OPTIONS";
        return "POST, OPTIONS";
    }

    private static Reply notAllowed(String rest, String method) {
        return Reply.error(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + rest + ".").header("Allow", allowed(rest));
    }

    private static Reply tusHeaders(Reply reply) {
        return reply instanceof Reply.Respond resp ? resp.header("Tus-Resumable", TUS_VERSION) : reply;
    }

    // ---------------------------------------------------------------- authentication

    /** Null when the request may go on; otherwise the 401 or 423 answer. */
    private Reply authenticate(Request r) throws IOException {
        if (cfg.token().isEmpty()) return null;
        synchronized (flash) {
            DeviceState st = flash.state();
            Instant now = cfg.clock().instant();
            if (now.isBefore(st.lockedUntil())) return locked(st.lockedUntil(), now);
            if (!st.lockedUntil().equals(Instant.EPOCH)) {
                st = st.withAuth(0, Instant.EPOCH);   // the lockout has run out: a fresh start
                flash.save(st);
            }
            Optional<String> presented = bearer(r);
            if (presented.isEmpty()) {
                return unauthorized("This request needs 'Authorization: Bearer <token>' (the token is on the device label).");
            }
            boolean right = MessageDigest.isEqual(presented.get().getBytes(StandardCharsets.UTF_8),
                    cfg.token().getBytes(StandardCharsets.UTF_8));
            if (right) {
                if (st.failedAuth() != 0) flash.save(st.withAuth(0, Instant.EPOCH));
                return null;
            }
            int failed = st.failedAuth() + 1;
            if (failed >= cfg.lockoutAfter()) {
                Instant until = now.plus(cfg.lockoutDuration());
                flash.save(st.withAuth(failed, until));
                LOG.warn("{} wrong tokens in a row: locked until {}", failed, until);
                return locked(until, now);
            }
            flash.save(st.withAuth(failed, Instant.EPOCH));
            return unauthorized("The token is wrong (" + failed + " of " + cfg.lockoutAfter()
                    + " wrong tokens in a row before the device locks).");
        }
    }

    private static Optional<String> bearer(Request r) {
        String h = r.header("Authorization").orElse("");
        if (h.length() < 7 || !h.substring(0, 7).equalsIgnoreCase("Bearer ")) return Optional.empty();
        String t = h.substring(7).strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    private static Reply unauthorized(String message) {
        return Reply.error(401, "UNAUTHORIZED", message).header("WWW-Authenticate", "Bearer realm=\"fieldflash\"");
    }

    private static Reply locked(Instant until, Instant now) {
        long seconds = Math.max(1, (Duration.between(now, until).toMillis() + 999) / 1000);
        return Reply.error(423, "LOCKED", "Too many wrong tokens: the device refuses requests for " + seconds + " s.")
                .header("Retry-After", seconds);
    }

    // ---------------------------------------------------------------- identify

    private Reply info() throws IOException {
        DeviceState st = flash.state();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("protocol", PROTOCOL);
        o.put("product", st.product());
        o.put("hardware", st.hardware());
        o.put("deviceId", st.deviceId());
        String manifest = st.running().manifestSha256();
        o.putObject("firmware").put("version", st.version()).put("securityCounter", st.securityCounter())
                .put("trial", st.trial()).put("slot", st.active().name())
                .put("manifestSha256", manifest.equals(SlotContents.FACTORY) ? "" : manifest);
        o.put("pendingReboot", st.pendingReboot());
        o.put("settings", true);
        o.put("maxImageSize", cfg.maxImageSize());
        o.put("maxChunkSize", cfg.maxChunkSize());
        Optional<UploadStore.Upload> u = uploads.current();
        if (u.isPresent()) {
            ObjectNode uo = o.putObject("upload");
            uo.put("location", location(u.get())).put("offset", u.get().offset()).put("length", u.get().length())
                    .put("image", u.get().image());
            if (u.get().sha256().isEmpty()) uo.putNull("sha256");
            else uo.put("sha256", u.get().sha256());
        } else {
            o.putNull("upload");
        }
        return Reply.json(200, o);
    }

    private static String location(UploadStore.Upload u) {
        return BASE + "/uploads/" + u.id();
    }

    // ---------------------------------------------------------------- settings

    /** {@code PUT /settings}: all of the change or none of it; {@code 422 INVALID_SETTING} names the first refused value. */
    private Reply changeSettings(Request r) throws IOException {
        byte[] body = r.readSmallBody(SimSettings.MAX_BODY);
        try {
            List<String> changed = settings.apply(SimSettings.parse(body));
            LOG.info("settings changed: {}", changed);
            return Reply.json(200, settings.toJson());
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "BAD_REQUEST", e.getMessage());
        } catch (SimSettings.Refused e) {
            return Reply.json(422, Json.MAPPER.createObjectNode().put("error", "INVALID_SETTING").put("field", e.field)
                    .put("message", e.getMessage()));
        }
    }

    // ---------------------------------------------------------------- tus

    private Reply options() {
        return Reply.status(204).header("Tus-Resumable", TUS_VERSION).header("Tus-Version", TUS_VERSION)
                .header("Tus-Extension", TUS_EXTENSIONS).header("Tus-Checksum-Algorithm", "sha256")
                .header("Tus-Max-Size", cfg.maxImageSize());
    }

    private Reply create(Request r) throws IOException {
        if (r.header("Upload-Defer-Length").isPresent()) {
            return Reply.error(400, "BAD_REQUEST", "This device needs Upload-Length when the upload is created (no creation-defer-length).");
        }
        Optional<Long> length = nonNegative(r.header("Upload-Length"));
        if (length.isEmpty()) return Reply.error(400, "BAD_REQUEST", "Upload-Length is missing or not a number of bytes.");
        if (length.get() > cfg.maxImageSize()) {
            return Reply.error(413, "TOO_LARGE", "The image is " + length.get() + " bytes; this device takes at most "
                    + cfg.maxImageSize() + ".");
        }
        String metadata = r.header("Upload-Metadata").orElse("");
        Map<String, String> meta;
        try {
            meta = parseMetadata(metadata);
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "BAD_REQUEST", "Upload-Metadata is not valid: " + e.getMessage() + ".");
        }
        String image = meta.getOrDefault("image", Slot.MAIN_IMAGE);
        if (!IMAGE_NAME.matcher(image).matches()) {
            return Reply.error(400, "BAD_REQUEST", "The image name must be 1 to 64 letters, digits, '.', '_' or '-'.");
        }
        String sha = meta.getOrDefault("sha256", "").toLowerCase(Locale.ROOT);
        if (!sha.isEmpty() && !SHA256_HEX.matcher(sha).matches()) {
            return Reply.error(400, "BAD_REQUEST", "The sha256 metadata must be the image's SHA-256 as 64 hex digits.");
        }
        UploadStore.Upload u;
        try {
            u = uploads.create(length.get(), image, sha, metadata);
        } catch (UploadStore.Busy busy) {
            UploadStore.Upload live = busy.live;
            ObjectNode o = Json.MAPPER.createObjectNode().put("error", "UPLOAD_IN_PROGRESS")
                    .put("message", "One upload at a time: resume or delete the one under way.")
                    .put("location", location(live)).put("offset", live.offset()).put("length", live.length());
            return Reply.json(409, o);
        }
        return Reply.status(201).header("Location", location(u)).header("Upload-Expires", HttpDates.format(uploads.expiresAt(u)));
    }

    private Reply head(String id) throws IOException {
        Optional<UploadStore.Upload> found = uploads.find(id);
        if (found.isEmpty()) return noUpload(id);
        UploadStore.Upload u = found.get();
        Reply.Respond resp = Reply.status(200).header("Upload-Offset", u.offset()).header("Upload-Length", u.length())
                .header("Cache-Control", "no-store").header("Upload-Expires", HttpDates.format(uploads.expiresAt(u)));
        return u.metadata().isEmpty() ? resp : resp.header("Upload-Metadata", u.metadata());
    }

    @SuppressWarnings("try")   // the lease is held for the block, not used in it
    private Reply delete(String id) throws IOException {
        Optional<UploadStore.Lease> lease = lease(null, id);
        if (lease.isEmpty()) return busyUpload();
        try (UploadStore.Lease held = lease.get()) {
            return uploads.delete(id) ? Reply.status(204) : noUpload(id);
        }
    }

    private static Reply noUpload(String id) {
        return Reply.error(404, "NOT_FOUND", "There is no upload " + id + " (never made, deleted, installed, or expired).");
    }

    private static Reply busyUpload() {
        return Reply.error(409, "UPLOAD_BUSY", "Another request is writing this upload; try again.");
    }

    private Optional<UploadStore.Lease> lease(Request r, String id) throws IOException {
        try {
            return uploads.lease(r == null ? () -> {} : r::cutConnection, TAKEOVER_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for upload " + id);
        }
    }

    @SuppressWarnings("try")   // the lease is held for the block, not used in it
    private Reply patch(Request r, String id) throws IOException {
        String type = r.header("Content-Type").orElse("");
        int semi = type.indexOf(';');
        if (!(semi < 0 ? type : type.substring(0, semi)).strip().equalsIgnoreCase(OFFSET_OCTET_STREAM)) {
            return Reply.error(415, "UNSUPPORTED_MEDIA_TYPE", "A PATCH body must be Content-Type: " + OFFSET_OCTET_STREAM + ".");
        }
        if (uploads.find(id).isEmpty()) return noUpload(id);
        Optional<Long> offset = nonNegative(r.header("Upload-Offset"));
        if (offset.isEmpty()) return Reply.error(400, "BAD_REQUEST", "Upload-Offset is missing or not a number of bytes.");
        byte[] expected = null;
        Optional<String> checksum = r.header("Upload-Checksum");
        if (checksum.isPresent()) {
            String[] parts = checksum.get().strip().split(" +");
            if (parts.length != 2) return Reply.error(400, "BAD_REQUEST", "Upload-Checksum must be 'sha256 <base64 digest>'.");
            if (!parts[0].equalsIgnoreCase("sha256")) {
                return Reply.error(400, "BAD_REQUEST", "Checksum algorithm '" + parts[0] + "' is not supported; use sha256.");
            }
            try {
                expected = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                expected = new byte[0];
            }
            if (expected.length != 32) return Reply.error(400, "BAD_REQUEST", "The Upload-Checksum digest is not 32 bytes of base64.");
        }
        long declared = r.contentLength();
        if (declared > cfg.maxChunkSize()) {
            return Reply.error(413, "TOO_LARGE", "The chunk is " + declared + " bytes; this device takes at most "
                    + cfg.maxChunkSize() + " per PATCH.");
        }
        Optional<UploadStore.Lease> lease = lease(r, id);
        if (lease.isEmpty()) return busyUpload();
        try (UploadStore.Lease held = lease.get()) {
            Optional<UploadStore.Upload> found = uploads.find(id);
            if (found.isEmpty()) return noUpload(id);
            UploadStore.Upload u = found.get();
            if (offset.get() != u.offset()) {
                return Reply.error(409, "OFFSET_MISMATCH", "Upload-Offset is " + offset.get() + " but the device has "
                        + u.offset() + " bytes; ask with HEAD and resume from there.").header("Upload-Offset", u.offset());
            }
            long room = u.length() - u.offset();
            if (declared > room) {
                return Reply.error(413, "TOO_LARGE", "The chunk would go " + (declared - room) + " bytes past Upload-Length "
                        + u.length() + ".");
            }
            counters.patches.incrementAndGet();
            PatchFault fault = cfg.faults().firesFaults() ? dice.next(declared >= 0 ? declared : Math.min(room, cfg.maxChunkSize()))
                    : PatchFault.NONE;
            return receive(r, u, expected, fault, Math.min(room, cfg.maxChunkSize()));
        }
    }

    private enum Ending { WHOLE, CUT, BROKEN, TOO_LONG, MALFORMED }

    /**
     * Streams the body into the upload's data file at its offset, then keeps or discards it. The body is written in
     * blocks of up to 64 KiB, each block read whole before it is written, so that one chunk of the client's is one
     * write of the state folder (and the power-cut faults fall on the same writes in every run).
     */
    private Reply receive(Request r, UploadStore.Upload u, byte[] expected, PatchFault fault, long max) throws IOException {
        long cutAt = switch (fault) {
            case PatchFault.Drop d -> d.atByte();
            case PatchFault.Reboot b -> b.atByte();
            default -> Long.MAX_VALUE;
        };
        java.nio.file.Path part = uploads.part(u.id());
        disk.truncate(part, u.offset());   // nothing beyond the committed offset counts
        MessageDigest digest = Flash.sha256();
        long n = 0;
        Ending ending = Ending.WHOLE;
        String broken = "";
        byte[] buf = new byte[64 * 1024];
        boolean end = false;
        while (!end && ending == Ending.WHOLE) {
            int filled = 0;
            try {
                while (filled < buf.length) {
                    if (n + filled >= cutAt) {
                        ending = Ending.CUT;
                        break;
                    }
                    int k = r.body().read(buf, filled, (int) Math.min(buf.length - filled, cutAt - n - filled));
                    if (k < 0) {
                        end = true;
                        break;
                    }
                    if (n + filled + k > max) {
                        ending = Ending.TOO_LONG;
                        break;
                    }
                    filled += k;
                }
            } catch (Request.Malformed e) {
                ending = Ending.MALFORMED;
                broken = e.getMessage();
            } catch (IOException e) {
                ending = Ending.BROKEN;
                broken = e.getMessage();
            }
            if (ending == Ending.TOO_LONG || ending == Ending.MALFORMED) break;
            if (filled > 0) {
                disk.writeAt(part, u.offset() + n, buf, 0, filled);
                digest.update(buf, 0, filled);
                n += filled;
            }
        }
        if (ending == Ending.CUT && r.bodyFinished()) ending = Ending.WHOLE;   // the cut fell exactly on the end
        if (ending == Ending.MALFORMED) {
            disk.truncate(part, u.offset());
            return Reply.error(400, "BAD_REQUEST", "The chunked body is malformed (" + broken + "); nothing of it was kept.").closing();
        }
        if (ending == Ending.TOO_LONG) {
            disk.truncate(part, u.offset());
            return Reply.error(413, "TOO_LARGE", "The chunk goes past Upload-Length or the " + cfg.maxChunkSize()
                    + "-byte chunk limit; nothing of it was kept.").closing();
        }
        if (ending == Ending.WHOLE) {
            boolean corrupt = fault instanceof PatchFault.Corrupt;
            if (corrupt) counters.corrupts.incrementAndGet();
            if (expected != null && (corrupt || !MessageDigest.isEqual(expected, digest.digest()))) {
                disk.truncate(part, u.offset());
                counters.checksumFailures.incrementAndGet();
                return Reply.error(460, "CHECKSUM_MISMATCH", (corrupt ? "(fault corrupt) " : "")
                        + "The chunk does not match its Upload-Checksum; it was discarded. Send it again.")
                        .header("Upload-Offset", u.offset());
            }
            if (corrupt && n > 0) {
                // Without a checksum the damage goes unnoticed here: only the whole-image hash at install catches it.
                long at = u.offset() + Math.min(((PatchFault.Corrupt) fault).atByte(), n - 1);
                ByteBuffer one = ByteBuffer.allocate(1);
                try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ)) {
                    ch.read(one, at);
                }
                disk.writeAt(part, at, new byte[] {(byte) (one.get(0) ^ 0x01)}, 0, 1);
                LOG.info("fault corrupt: byte {} of upload {} stored damaged (the PATCH had no checksum)", at, u.id());
            }
        }
        // Written before the offset is recorded: a stop between the two leaves extra bytes that the next boot trims.
        UploadStore.Upload next = n > 0 || ending == Ending.WHOLE ? uploads.advance(u, u.offset() + n) : u;
        counters.bytesStored.addAndGet(n);
        return switch (ending) {
            case WHOLE -> Reply.status(204).header("Upload-Offset", next.offset())
                    .header("Upload-Expires", HttpDates.format(uploads.expiresAt(next)));
            case BROKEN -> new Reply.Abort(false, "the body broke off after " + n + " bytes (" + broken + "); kept, offset now "
                    + next.offset());
            case CUT -> {
                if (fault instanceof PatchFault.Reboot) {
                    counters.rebootFaults.incrementAndGet();
                    host.reboot("fault reboot during a PATCH, after " + n + " body bytes");
                    yield new Reply.Abort(true, "fault reboot after " + n + " body bytes; kept, offset now " + next.offset());
                }
                counters.drops.incrementAndGet();
                yield new Reply.Abort(true, "fault drop after " + n + " body bytes; kept, offset now " + next.offset());
            }
            case TOO_LONG, MALFORMED -> throw new IllegalStateException("answered above");
        };
    }

    /**
     * {@code key base64,key base64,key} (tus creation): keys unique, 1 to 64 printable ASCII characters without space
     * or comma, values base64. The header is echoed by {@code HEAD}, so nothing else is let through: no control
     * character, nothing outside ASCII. The refusal's message never repeats the header's text.
     */
    static Map<String, String> parseMetadata(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header.isBlank()) return out;
        if (!METADATA_TEXT.matcher(header).matches()) {
            throw new IllegalArgumentException("it holds characters other than printable ASCII");
        }
        int n = 0;
        for (String pair : header.split(",", -1)) {
            n++;
            String[] kv = pair.strip().split(" ", -1);
            if (kv.length == 0 || kv.length > 2 || !METADATA_KEY.matcher(kv[0]).matches()) {
                throw new IllegalArgumentException("pair " + n + " is not 'key base64' (a key is 1 to 64 printable ASCII characters)");
            }
            String value;
            try {
                if (kv.length == 2 && !BASE64.matcher(kv[1]).matches()) throw new IllegalArgumentException();
                value = kv.length == 2 ? new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8) : "";
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the value of pair " + n + " is not base64");
            }
            if (out.put(kv[0], value) != null) throw new IllegalArgumentException("pair " + n + " repeats a key");
        }
        return out;
    }

    private static Optional<Long> nonNegative(Optional<String> v) {
        if (v.isEmpty() || !v.get().matches("\\d{1,18}")) return Optional.empty();
        return Optional.of(Long.parseLong(v.get()));
    }

    // ---------------------------------------------------------------- install, reboot, confirm

    @SuppressWarnings("try")   // the lease is held for the block, not used in it
    private Reply install(Request r, String id) throws IOException {
        JsonNode body = Request.json(r.readSmallBody(MAX_INSTALL_BODY)).orElse(null);
        String usage = "The install request must be JSON {\"sha256\": hex, \"manifest\": base64, \"signatures\": base64}.";
        if (body == null || !body.isObject() || !body.path("sha256").isTextual() || !body.path("manifest").isTextual()
                || !body.path("signatures").isTextual()) {
            return Reply.error(400, "BAD_REQUEST", usage);
        }
        String sha = body.get("sha256").asText().toLowerCase(Locale.ROOT);
        byte[] manifestBytes, signaturesBytes;
        try {
            manifestBytes = Base64.getDecoder().decode(body.get("manifest").asText());
            signaturesBytes = Base64.getDecoder().decode(body.get("signatures").asText());
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "BAD_REQUEST", usage + " 'manifest' or 'signatures' is not base64.");
        }
        if (!SHA256_HEX.matcher(sha).matches()) return Reply.error(400, "BAD_REQUEST", usage + " 'sha256' is not 64 hex digits.");
        synchronized (flash) {
            DeviceState st = flash.state();
            Optional<UploadStore.Upload> found = uploads.find(id);
            if (found.isEmpty()) {
                DeviceState.InstallRecord last = st.lastInstall();
                if (last != null && last.uploadId().equals(id) && last.sha256().equals(sha)) {
                    return installed(st, last.image());   // a retry after a lost answer
                }
                return noUpload(id);
            }
            if (st.trial()) {
                return Reply.error(409, "TRIAL_UNCONFIRMED", "The device runs " + st.version() + " on trial; confirm it "
                        + "(POST /confirm) or reboot to revert before installing, or the fallback slot would be overwritten.");
            }
            Optional<UploadStore.Lease> lease = lease(null, id);
            if (lease.isEmpty()) return busyUpload();
            try (UploadStore.Lease held = lease.get()) {
                found = uploads.find(id);   // a PATCH cut short by the lease may have moved it on, or it expired
                if (found.isEmpty()) return noUpload(id);
                UploadStore.Upload u = found.get();
                if (!u.complete()) {
                    return refuse("INCOMPLETE", "The upload has " + u.offset() + " of " + u.length() + " bytes.");
                }
                String actual = Flash.sha256Hex(uploads.part(id));
                if (!actual.equals(sha)) {
                    return refuse("HASH_MISMATCH", "The uploaded bytes hash to " + actual + ", not " + sha + ".");
                }
                if (!u.sha256().isEmpty() && !u.sha256().equals(actual)) {
                    return refuse("HASH_MISMATCH", "The uploaded bytes hash to " + actual + ", not the announced " + u.sha256() + ".");
                }
                Manifest m;
                try {
                    m = Manifest.parse(manifestBytes);
                } catch (BundleException e) {
                    return refuse("BAD_MANIFEST", e.getMessage());
                }
                if (cfg.checksSignatures()) {
                    try {
                        List<TrustedKey> eligible = cfg.trust().keys().stream().filter(k -> k.covers(m.product())).toList();
                        SignatureCheck.check(manifestBytes, SignatureCheck.parse(signaturesBytes), eligible,
                                cfg.trust().threshold(), cfg.clock().instant(), "this firmware for \"" + m.product() + "\"");
                    } catch (BundleException e) {
                        return refuse("SIGNATURE_INVALID", "[" + e.code() + "] " + e.getMessage());
                    }
                }
                Optional<ImageSpec> spec = m.image(u.image());
                if (spec.isEmpty()) return refuse("HASH_MISMATCH", "The manifest lists no image named '" + u.image() + "'.");
                if (!spec.get().sha256().equals(actual) || spec.get().size() != u.length()) {
                    return refuse("HASH_MISMATCH", "The manifest's image '" + u.image() + "' is " + spec.get().size()
                            + " bytes with SHA-256 " + spec.get().sha256() + "; the upload is " + u.length() + " bytes with " + actual + ".");
                }
                if (!m.product().equals(st.product()) || !m.hardware().contains(st.hardware())) {
                    return refuse("INCOMPATIBLE_HARDWARE", "The firmware is for " + m.product() + " " + m.hardware()
                            + "; this device is " + st.product() + " " + st.hardware() + ".");
                }
                if (m.securityCounter() < st.securityCounter()) {
                    return refuse("DOWNGRADE", "The firmware's security counter " + m.securityCounter()
                            + " is below the device's " + st.securityCounter() + ".");
                }
                String manifestSha = HexFormat.of().formatHex(Flash.sha256().digest(manifestBytes));
                flash.install(uploads.part(id), u.image(), new SlotContents.ImageRecord(actual, u.length()), m.version(),
                        m.securityCounter(), manifestSha, m.images().stream().map(ImageSpec::name).toList(), id);
                uploads.consumed(id);
                return installed(flash.state(), u.image());
            }
        }
    }

    private static Reply installed(DeviceState st, String image) {
        SlotContents pending = st.slots().get(st.inactive());
        return Reply.json(200, Json.MAPPER.createObjectNode().put("state", BootMode.PENDING_REBOOT.id())
                .put("slot", st.inactive().name()).put("image", image).put("version", pending.version())
                .put("securityCounter", pending.securityCounter()));
    }

    private static Reply refuse(String code, String message) {
        return Reply.error(422, code, message);
    }

    /**
     * {@code 202}, then the device reboots; {@code 409 INSTALL_INCOMPLETE} when an install is pending whose slot
     * lacks an image its manifest lists (or holds one whose bytes are not the recorded ones): booting it would run
     * new firmware beside an old image. The device then stays as it is; install the missing images first.
     */
    private Reply reboot() {
        DeviceState st = flash.state();
        if (st.pendingReboot()) {
            List<String> problems = flash.problems(st.inactive());
            if (!problems.isEmpty()) {
                SlotContents pending = st.slots().get(st.inactive());
                ObjectNode o = Json.MAPPER.createObjectNode().put("error", "INSTALL_INCOMPLETE")
                        .put("message", "The pending firmware " + pending.version() + " in slot " + st.inactive()
                                + " is not whole (" + String.join(", ", problems) + "); the device keeps running "
                                + st.version() + ". Install every image of the bundle, then reboot.");
                pending.missing().forEach(o.putArray("missing")::add);
                return Reply.json(409, o);
            }
        }
        return Reply.json(202, Json.MAPPER.createObjectNode().put("state", "rebooting")
                        .put("rebootMs", cfg.faults().rebootMs()))
                .closing().then(() -> host.reboot("POST /reboot"));
    }

    private Reply confirm() throws IOException {
        DeviceState st;
        synchronized (flash) {
            st = flash.state();
            if (st.trial()) {
                flash.save(st.confirmed());
                st = flash.state();
                LOG.info("slot {} ({}) confirmed: it stays after the next reboot", st.active(), st.version());
            }
        }
        return Reply.json(200, Json.MAPPER.createObjectNode().put("state", "confirmed").put("slot", st.active().name())
                .put("version", st.version()).put("securityCounter", st.securityCounter()));
    }
}
