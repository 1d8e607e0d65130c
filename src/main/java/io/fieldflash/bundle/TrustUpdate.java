package io.fieldflash.bundle;

import static io.fieldflash.bundle.TrustStoreException.Reason.BAD_TRUST_STORE;
import static io.fieldflash.bundle.TrustStoreException.Reason.TRUST_ROLLBACK;
import static io.fieldflash.bundle.TrustStoreException.Reason.TRUST_STORE_UNWRITABLE;
import static io.fieldflash.bundle.TrustStoreException.Reason.TRUST_UPDATE_GAP;
import static io.fieldflash.bundle.TrustStoreException.Reason.TRUST_UPDATE_UNSIGNED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AppDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A signed next version of a trust store: how keys are rotated and withdrawn on laptops that never go online,
 * after TUF's root metadata (see docs/trust.md).
 *
 * <p>File format {@code fieldflash-trust-update/1}, UTF-8 JSON:
 * <pre>{@code
 * { "format": "fieldflash-trust-update/1",
 *   "trust": "<base64 of the exact bytes of the new trust.json>",
 *   "signatures": [ { "keyid": "<hex>", "alg": "ed25519", "sig": "<base64>" } ] }
 * }</pre>
 * Each signature is over the exact embedded bytes, which are installed unchanged, so the installed
 * {@code trust.json} has the same SHA-256 on every laptop. Those bytes must be {@code fieldflash-trust/1} JSON.
 *
 * <p>An update is accepted only when (in this order): its {@code version} is exactly the current version + 1
 * (lower or equal: {@code TRUST_ROLLBACK}; higher: {@code TRUST_UPDATE_GAP}); at least {@code rootThreshold}
 * distinct, unrevoked, unexpired {@code root} keys of the <em>current</em> store signed it; and at least the
 * <em>new</em> store's {@code rootThreshold} of its own root keys signed it too, which proves the new root keys
 * work before any laptop depends on them (otherwise {@code TRUST_UPDATE_UNSIGNED}). The version checks read
 * the unauthenticated bytes, but only ever to refuse.
 */
public final class TrustUpdate {
    public static final String FORMAT = "fieldflash-trust-update/1";
    /** Largest update file accepted. */
    public static final int MAX_BYTES = 1 << 20;

    private final byte[] trustBytes;
    private final TrustStore store;
    private final List<SignatureCheck.Signature> signatures;

    private TrustUpdate(byte[] trustBytes, TrustStore store, List<SignatureCheck.Signature> signatures) {
        this.trustBytes = trustBytes.clone();
        this.store = store;
        this.signatures = List.copyOf(signatures);
    }

    /**
     * An update that passed every rule against {@code previous}.
     *
     * @param previous the trust store it was checked against
     * @param next     the trust store it brings
     * @param signers  the previous store's root keys whose signatures made it acceptable
     */
    public record Approval(TrustStore previous, TrustStore next, List<TrustedKey> signers) {
        public Approval {
            signers = List.copyOf(signers);
        }
    }

    // ---- reading ----

    public static TrustUpdate read(Path file) throws TrustStoreException {
        try {
            if (Files.size(file) > MAX_BYTES) throw bad("the file is larger than " + MAX_BYTES + " bytes");
            return parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, "The trust update file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, "Cannot read the trust update " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses an update file; checks form only, not signatures or versions (see {@link #check}). */
    public static TrustUpdate parse(byte[] file) throws TrustStoreException {
        if (file.length > MAX_BYTES) throw bad("the file is larger than " + MAX_BYTES + " bytes");
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file);
        } catch (IOException e) {
            throw bad("it is not valid JSON (" + TrustStore.firstLine(e) + ")");
        }
        if (root == null || !root.isObject()) throw bad("the top level is not a JSON object");
        if (!FORMAT.equals(root.path("format").asText(null))) throw bad("'format' is not \"" + FORMAT + "\"");
        if (!root.path("trust").isTextual()) throw bad("'trust' is missing or not text");
        byte[] trustBytes;
        try {
            trustBytes = Base64.getDecoder().decode(root.get("trust").asText());
        } catch (IllegalArgumentException e) {
            throw bad("'trust' is not base64");
        }
        List<SignatureCheck.Signature> signatures;
        try {
            signatures = SignatureCheck.parse(file);
        } catch (BundleException e) {
            throw bad("its signatures cannot be read (" + e.getMessage().replace("signatures.json is not valid: ", "") + ")");
        }
        return new TrustUpdate(trustBytes, parseEmbedded(trustBytes), signatures);
    }

    private static TrustStore parseEmbedded(byte[] trustBytes) throws TrustStoreException {
        if (!new String(trustBytes, StandardCharsets.UTF_8).stripLeading().startsWith("{")) {
            throw bad("the trust store it carries is not " + TrustStore.FORMAT + " JSON");
        }
        try {
            return TrustStore.parse(trustBytes);
        } catch (TrustStoreException e) {
            throw new TrustStoreException(e.reason(), "The trust store inside the update is not valid: " + e.getMessage(), e);
        }
    }

    private static TrustStoreException bad(String what) {
        return new TrustStoreException(BAD_TRUST_STORE, "The trust update is not valid: " + what + ".");
    }

    /** The trust store this update brings. */
    public TrustStore store() {
        return store;
    }

    /** The exact bytes of the trust.json it brings (a copy). */
    public byte[] trustBytes() {
        return trustBytes.clone();
    }

    /** Lowercase hex SHA-256 of the trust.json it brings: the fingerprint of the installed trust store. */
    public String fingerprint() {
        return HexFormat.of().formatHex(SignatureAlgorithm.sha256(trustBytes));
    }

    public List<SignatureCheck.Signature> signatures() {
        return signatures;
    }

    // ---- the rules ----

    /** Checks every rule against {@code current} at time {@code now}; a pure function of bytes, keys and time. */
    public Approval check(TrustStore current, Instant now) throws TrustStoreException {
        checkVersion(current);
        List<TrustedKey> signers = rootSigners(current, "this laptop's current trust store (version " + current.version() + ")", "", now);
        rootSigners(store, "the trust store it brings", " Without them the new root keys are unproven, and laptops could be"
                + " locked out of every later update.", now);
        return new Approval(current, store, signers);
    }

    private void checkVersion(TrustStore current) throws TrustStoreException {
        long have = current.version();
        long next = store.version();
        if (next <= have) {
            throw new TrustStoreException(TRUST_ROLLBACK, "This trust update brings trust store version " + next
                    + ", but this laptop already has version " + have + "; an update must bring exactly version " + (have + 1) + ".");
        }
        if (next > have + 1) {
            String missing = next == have + 2 ? "version " + (have + 1) : "versions " + (have + 1) + " to " + (next - 1);
            throw new TrustStoreException(TRUST_UPDATE_GAP, "This trust update brings trust store version " + next
                    + ", but this laptop has version " + have + ". Apply the trust updates for " + missing
                    + " first, one at a time in that order; then apply this one.");
        }
    }

    /** The root keys of {@code by} that signed, at least its {@code rootThreshold} of them, or TRUST_UPDATE_UNSIGNED. */
    private List<TrustedKey> rootSigners(TrustStore by, String whose, String why, Instant now) throws TrustStoreException {
        List<TrustedKey> roots = by.keys().stream().filter(TrustedKey::root).toList();
        String what = "the trust update to version " + store.version();
        String refusal = "The trust update to version " + store.version() + " is not signed by enough root keys of "
                + whose + " (" + by.rootThreshold() + " needed): ";
        if (roots.isEmpty()) {
            throw new TrustStoreException(TRUST_UPDATE_UNSIGNED, refusal + "that trust store has no root keys." + why);
        }
        try {
            return SignatureCheck.check(trustBytes, signatures, roots, by.rootThreshold(), now, what);
        } catch (BundleException e) {
            String detail = e.reason() == ReasonCode.UNTRUSTED_KEY
                    ? "none of its signatures is by one of them (signed by: " + signedBy() + ")."
                    : e.getMessage();
            throw new TrustStoreException(TRUST_UPDATE_UNSIGNED, refusal + detail + why, e);
        }
    }

    private String signedBy() {
        if (signatures.isEmpty()) return "nobody";
        return String.join(", ", signatures.stream().map(s -> s.keyid().length() > 16 ? s.keyid().substring(0, 16) : s.keyid())
                .distinct().toList());
    }

    // ---- applying ----

    /**
     * Checks this update against the laptop's trust store ({@link TrustStores#loadDefault}, every file merged) and,
     * when it is accepted, installs the exact trust.json bytes it carries as the user's trust store, atomically.
     */
    public Approval apply(AppDirs dirs, Instant now) throws TrustStoreException {
        Approval approval = check(TrustStores.loadDefault(dirs), now);
        writeAtomically(dirs.userTrustStore(), trustBytes);
        return approval;
    }

    /**
     * Writes {@code bytes} to {@code target} so that readers see either the old file or the complete new one:
     * a temporary file beside it, flushed to disk, then moved over it.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws TrustStoreException {
        Path absolute = target.toAbsolutePath();
        try {
            io.fieldflash.AtomicFile.write(absolute, bytes);
        } catch (IOException e) {
            throw new TrustStoreException(TRUST_STORE_UNWRITABLE, "Cannot write " + absolute + " (" + whyNot(e) + ").", e);
        }
    }

    private static String whyNot(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException d -> "permission denied";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    // ---- making (vendor or administrator side) ----

    /**
     * Makes an update file that carries {@code newTrustJson} unchanged, signed by every key in {@code keys}.
     * Refuses to make one that no laptop could accept because the new store's own root keys did not sign
     * enough of it (checked at {@code now}). Whether the current roots signed it can only be checked against
     * a current store: parse the result and call {@link #check}.
     */
    public static byte[] sign(byte[] newTrustJson, List<SigningKey> keys, Instant now) throws TrustStoreException {
        if (keys.isEmpty()) throw new IllegalArgumentException("at least one signing key is needed");
        TrustStore next = parseEmbedded(newTrustJson);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("trust", Base64.getEncoder().encodeToString(newTrustJson));
        ArrayNode arr = root.putArray("signatures");
        for (SigningKey k : keys) {
            arr.addObject().put("keyid", k.keyid()).put("alg", k.alg().id())
                    .put("sig", Base64.getEncoder().encodeToString(k.sign(newTrustJson)));
        }
        byte[] file;
        try {
            file = (Json.MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        TrustUpdate made = parse(file);
        made.rootSigners(next, "the trust store it brings", " No laptop could accept it.", now);
        return file;
    }
}
