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
 *
 * <p>Nothing costly happens before the current roots' signatures are checked: {@link #parse} reads the file's
 * form, the signatures and the carried store's {@code version}, never its keys. The carried keys are read (and
 * their own root signatures checked) only once the current roots have vouched for the exact bytes.
 */
public final class TrustUpdate {
    public static final String FORMAT = "fieldflash-trust-update/1";
    /** Largest update file accepted. */
    public static final int MAX_BYTES = 1 << 20;

    private final byte[] trustBytes;
    private final int version;
    private final List<SignatureCheck.Signature> signatures;

    private TrustUpdate(byte[] trustBytes, int version, List<SignatureCheck.Signature> signatures) {
        this.trustBytes = trustBytes.clone();
        this.version = version;
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
            return parse(TrustStore.readAtMost(file, MAX_BYTES));
        } catch (NoSuchFileException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, "The trust update file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, "Cannot read the trust update " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses an update file; checks form only, not signatures or versions (see {@link #check}), and does not read
     * the keys of the trust store it carries.
     */
    public static TrustUpdate parse(byte[] file) throws TrustStoreException {
        if (file.length > MAX_BYTES) throw bad("the file is larger than " + MAX_BYTES + " bytes");
        String text;
        try {
            text = TrustStore.utf8(file);
        } catch (TrustStoreException e) {
            throw bad("it is not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {   // a byte order mark, as for trust stores: ignored
            text = text.substring(1);
            file = text.getBytes(StandardCharsets.UTF_8);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw bad("it is not valid JSON (" + io.fieldflash.Printable.cut(TrustStore.firstLine(e), 200) + ")");
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
        int version;
        try {
            version = TrustStore.versionOf(trustBytes);
        } catch (TrustStoreException e) {
            throw new TrustStoreException(e.reason(), "The trust store inside the update is not valid: " + e.getMessage(), e);
        }
        return new TrustUpdate(trustBytes, version, signatures);
    }

    private static TrustStore parseEmbedded(byte[] trustBytes) throws TrustStoreException {
        try {
            TrustStore.versionOf(trustBytes);   // JSON of the right format, never a PEM store (which has no version)
            return TrustStore.parse(trustBytes);
        } catch (TrustStoreException e) {
            throw new TrustStoreException(e.reason(), "The trust store inside the update is not valid: " + e.getMessage(), e);
        }
    }

    private static TrustStoreException bad(String what) {
        return new TrustStoreException(BAD_TRUST_STORE, "The trust update is not valid: " + what + ".");
    }

    /**
     * The trust store this update brings, its keys read now. Only for an update this laptop made or one that
     * {@link #check} accepted (which returns the same store): the keys of an unchecked update are unauthenticated.
     */
    public TrustStore store() throws TrustStoreException {
        return parseEmbedded(trustBytes);
    }

    /** The version of the trust store this update brings (read, unauthenticated, to refuse rollbacks and gaps). */
    public int version() {
        return version;
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

    /**
     * Checks every rule against {@code current} at time {@code now}; a pure function of bytes, keys and time. The
     * carried store's keys are read only after the current roots' signatures over its exact bytes have passed.
     */
    public Approval check(TrustStore current, Instant now) throws TrustStoreException {
        checkVersion(current);
        List<TrustedKey> signers = rootSigners(current, "this laptop's current trust store (version " + current.version() + ")", "", now);
        TrustStore store = parseEmbedded(trustBytes);
        rootSigners(store, "the trust store it brings", " Without them the new root keys are unproven, and laptops could be"
                + " locked out of every later update.", now);
        return new Approval(current, store, signers);
    }

    private void checkVersion(TrustStore current) throws TrustStoreException {
        long have = current.version();
        long next = version;
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
        String what = "the trust update to version " + version;
        String refusal = "The trust update to version " + version + " is not signed by enough root keys of "
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
        List<String> ids = signatures.stream().map(s -> io.fieldflash.Printable.cut(s.keyid(), 16)).distinct().toList();
        return ids.size() <= 8 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 8)) + " and " + (ids.size() - 8) + " more";
    }

    // ---- applying ----

    /**
     * Checks this update against the laptop's trust store ({@link TrustStores#loadDefault}, every file merged) and,
     * when it is accepted, installs the exact trust.json bytes it carries as the user's trust store, atomically.
     */
    public Approval apply(AppDirs dirs, Instant now) throws TrustStoreException {
        List<Path> files = TrustStores.defaultFiles(dirs);
        Approval approval = check(TrustStores.load(files), now);
        List<Path> others = files.stream().filter(f -> !f.equals(dirs.userTrustStore())).toList();
        refuseIfRevocationWouldLapse(approval, others, TrustStores.load(others));
        writeAtomically(dirs.userTrustStore(), trustBytes);
        return approval;
    }

    /**
     * A key revoked on this laptop stays revoked: refused when the new store, merged with the files it does not
     * replace, would list a key that is revoked now as not revoked (the update leaves out the revoked entry while
     * another file still lists the key, or lists the key unrevoked itself). The same rule as {@code trust remove}'s;
     * carrying the revocation forward instead would change the signed bytes every laptop installs.
     */
    private void refuseIfRevocationWouldLapse(Approval approval, List<Path> others, TrustStore otherFiles)
            throws TrustStoreException {
        TrustStore after = TrustStore.merge(List.of(approval.next(), otherFiles));
        for (TrustedKey was : approval.previous().keys()) {
            if (!was.revoked()) continue;
            java.util.Optional<TrustedKey> now = after.find(was.keyid());
            if (now.isEmpty() || now.get().revoked()) continue;
            boolean listedByUpdate = approval.next().find(was.keyid()).isPresent();
            List<String> listing = new java.util.ArrayList<>();
            for (Path f : others) {
                if (TrustStore.read(f).find(was.keyid()).isPresent()) listing.add(TrustStore.printable(f));
            }
            throw new TrustStoreException(TrustStoreException.Reason.REVOCATION_WOULD_LAPSE, "The trust update to version "
                    + version + " would make key " + was.label() + " trusted again, although it is revoked on this laptop: "
                    + (listedByUpdate ? "the update lists it as not revoked."
                       : "the update leaves its revoked entry out, and " + String.join(", ", listing) + " still list(s) it as trusted.")
                    + " Nothing was changed.");
        }
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
