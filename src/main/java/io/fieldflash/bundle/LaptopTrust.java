package io.fieldflash.bundle;

import io.fieldflash.AppDirs;
import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This laptop's trust store as an operator changes it: the user's {@code trust.json} merged with the
 * machine-wide files (see {@link TrustStores}); adding and removing keys in the user's file, applying trust
 * updates, and the fingerprint people compare. The command line and the wizard's settings both use it.
 */
public final class LaptopTrust {
    /** Largest public key file read by {@link #readPublicKey}. */
    public static final int MAX_KEY_FILE_BYTES = 64 * 1024;
    /** Shortest keyid prefix accepted to name a key. */
    public static final int MIN_PREFIX = 4;

    private final AppDirs dirs;

    public LaptopTrust(AppDirs dirs) {
        this.dirs = dirs;
    }

    /** A change to the trust store was refused; the message says why and the hint what to do. */
    public static final class Refused extends FieldFlashException {
        private final String code;

        public Refused(String code, String message, String hint) {
            super(message, hint, null);
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    /** What {@link #remove} did. */
    public record Removal(TrustedKey removed, List<Path> stillTrustedThrough, boolean noRootLeft) {
        public Removal {
            stillTrustedThrough = List.copyOf(stillTrustedThrough);
        }
    }

    /** What {@link #applyUpdate} did: the approval, the user's store before, and the effective store after. */
    public record Applied(TrustUpdate update, TrustUpdate.Approval approval, TrustStore userBefore, TrustStore effectiveAfter) {}

    public AppDirs dirs() {
        return dirs;
    }

    /** The files that make up the trust store, user's first; only those that exist. */
    public List<Path> files() throws TrustStoreException {
        return TrustStores.defaultFiles(dirs);
    }

    /** The effective (merged) trust store. */
    public TrustStore effective() throws TrustStoreException {
        return TrustStores.load(files());
    }

    /** The user's own trust store, or an empty version-0 one when there is none yet. */
    public TrustStore userStore() throws TrustStoreException {
        return Files.exists(dirs.userTrustStore()) ? TrustStore.read(dirs.userTrustStore()) : TrustStore.empty();
    }

    /** keyid → the files that list it. */
    public static Map<String, List<Path>> sources(List<Path> files) throws TrustStoreException {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        for (Path f : files) {
            for (TrustedKey k : TrustStore.read(f).keys()) out.computeIfAbsent(k.keyid(), id -> new ArrayList<>()).add(f);
        }
        return out;
    }

    /** This laptop's fingerprint (see {@link #fingerprint(List, TrustStore)}); empty with no trust store file. */
    public Optional<String> fingerprint() throws TrustStoreException {
        List<Path> files = files();
        return fingerprint(files, TrustStores.load(files));
    }

    /**
     * The trust store's fingerprint: the SHA-256 of the file's bytes when it is one file (what a vendor publishes
     * for the trust.json of a trust update), else of the merged store's fieldflash-trust/1 JSON.
     */
    public static Optional<String> fingerprint(List<Path> files, TrustStore merged) throws TrustStoreException {
        if (files.isEmpty()) return Optional.empty();
        if (files.size() > 1) return Optional.of(sha256(merged.toJson()));
        try {
            return Optional.of(sha256(Files.readAllBytes(files.getFirst())));
        } catch (IOException e) {
            throw new TrustStoreException(TrustStoreException.Reason.TRUST_STORE_UNREADABLE,
                    "Cannot read the trust store " + Printable.of(files.getFirst().toString()) + ": " + Printable.cut(e.getMessage(), 200), e);
        }
    }

    static String sha256(byte[] bytes) {
        return io.fieldflash.AtomicFile.sha256Hex(bytes);
    }

    /** A person's name for a key, safe to print (it comes from a trust file). */
    public static String displayName(TrustedKey k) {
        return k.name().isEmpty() ? "(no name)" : Printable.of(k.name());
    }

    /** File names for a message, each escaped. */
    public static String printable(List<Path> files) {
        return String.join(", ", files.stream().map(f -> Printable.of(f.toString())).toList());
    }

    public static String shortId(String keyid) {
        return keyid.substring(0, 16);
    }

    /** Reads a vendor's public key file (a PEM {@code PUBLIC KEY} block). */
    public static VerificationKey readPublicKey(Path file) throws KeyException {
        String text;
        try {
            byte[] bytes = TrustStore.readAtMost(file, MAX_KEY_FILE_BYTES);
            if (bytes.length > MAX_KEY_FILE_BYTES) {
                throw new KeyException("The public key file " + Printable.of(file.toString()) + " is larger than "
                        + MAX_KEY_FILE_BYTES + " bytes; a public key file is a few hundred.");
            }
            text = new String(bytes, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new KeyException("The public key file " + Printable.of(file.toString()) + " does not exist.", e);
        } catch (IOException e) {
            throw new KeyException("Cannot read the public key " + Printable.of(file.toString()) + ": " + Printable.cut(e.getMessage(), 200), e);
        }
        return VerificationKey.fromSpki(Pem.decodeOne(text, "PUBLIC KEY", "The public key file " + Printable.of(file.toString())));
    }

    /** The name a key file suggests: its file name without {@code .pub}. */
    public static String defaultName(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".pub") ? n.substring(0, n.length() - 4) : n;
    }

    /**
     * Adds a key to the user's trust store (created if absent; its version is unchanged: only signed trust
     * updates raise it). Refused when any trust store file already lists the key.
     */
    public TrustedKey add(VerificationKey key, String name, List<String> products, Instant notAfter, boolean root)
            throws FieldFlashException {
        refuseIfTrusted(key);
        TrustedKey added = new TrustedKey(key, name, products, notAfter, false, root);
        TrustUpdate.writeAtomically(dirs.userTrustStore(), userStore().with(added).toJson());
        return added;
    }

    private void refuseIfTrusted(VerificationKey key) throws FieldFlashException {
        List<Path> files = files();
        Optional<TrustedKey> existing = TrustStores.load(files).find(key.keyid());
        if (existing.isEmpty()) return;
        List<Path> from = sources(files).getOrDefault(key.keyid(), List.of());
        boolean mine = from.contains(dirs.userTrustStore());
        if (existing.get().revoked()) {
            throw new Refused("KEY_ALREADY_TRUSTED", "Key '" + displayName(existing.get()) + "' (" + shortId(key.keyid())
                    + ") is revoked in " + printable(from) + "; a revoked key is never trusted again, whatever encoding"
                    + " of it a file holds.", "Ask the vendor for their current key.");
        }
        throw new Refused("KEY_ALREADY_TRUSTED", "Key '" + displayName(existing.get()) + "' (" + shortId(key.keyid())
                + ") is already in the trust store, from " + printable(from) + ".",
                mine ? "To change its products, end date or root flag, remove it with 'fieldflash trust remove "
                        + shortId(key.keyid()) + "' and add it again."
                     : "It is managed by your administrator; nothing needs doing.");
    }

    /** Removes the key whose keyid starts with {@code prefix} (lowercase hex, at least {@value #MIN_PREFIX}) from the user's store. */
    public Removal remove(String prefix) throws FieldFlashException {
        TrustStore mine = userStore();
        TrustedKey k = unique(prefix, mine);
        refuseIfRevocationWouldLapse(k);
        TrustUpdate.writeAtomically(dirs.userTrustStore(), mine.without(k.keyid()).toJson());
        List<Path> stillFrom = sources(files()).getOrDefault(k.keyid(), List.of());
        boolean noRootLeft = k.root() && effective().keys().stream().noneMatch(TrustedKey::root);
        return new Removal(k, stillFrom, noRootLeft);
    }

    /** A revoked entry is what keeps a key refused when another trust store file still lists it unrevoked. */
    private void refuseIfRevocationWouldLapse(TrustedKey k) throws FieldFlashException {
        if (!k.revoked()) return;
        List<Path> others = files().stream().filter(f -> !f.equals(dirs.userTrustStore())).toList();
        Optional<TrustedKey> elsewhere = TrustStores.load(others).find(k.keyid());
        if (elsewhere.isPresent() && !elsewhere.get().revoked()) {
            throw new Refused("REVOCATION_WOULD_LAPSE", "Key '" + displayName(k) + "' (" + shortId(k.keyid())
                    + ") is revoked in your trust store but listed as trusted in "
                    + printable(sources(others).getOrDefault(k.keyid(), List.of()))
                    + "; removing it would make this laptop trust it again.",
                    "Leave it in place: its revoked entry keeps bundles signed by it refused.");
        }
    }

    private TrustedKey unique(String prefix, TrustStore mine) throws FieldFlashException {
        List<TrustedKey> matches = mine.keys().stream().filter(k -> k.keyid().startsWith(prefix)).toList();
        if (matches.size() > 1) {
            throw new Refused("AMBIGUOUS_KEYID", "\"" + Printable.of(prefix) + "\" is the start of " + matches.size() + " keyids: "
                    + String.join(", ", matches.stream().map(k -> shortId(k.keyid()) + " '" + displayName(k) + "'").toList()) + ".",
                    "Give more digits of the keyid.");
        }
        if (matches.size() == 1) return matches.getFirst();
        List<Path> elsewhere = new ArrayList<>();
        sources(files()).forEach((id, files) -> {
            if (id.startsWith(prefix)) elsewhere.addAll(files);
        });
        if (!elsewhere.isEmpty()) {
            throw new Refused("KEY_NOT_IN_USER_STORE", "The key " + Printable.of(prefix) + "… is not in your trust store ("
                    + Printable.of(dirs.userTrustStore().toString()) + ") but in " + printable(elsewhere.stream().distinct().toList()) + ".",
                    "Ask the administrator who manages that file to remove or revoke it.");
        }
        throw new Refused("KEY_NOT_FOUND", "No trusted key has a keyid starting with " + Printable.of(prefix) + ".",
                "Run 'fieldflash trust list' to see the keyids.");
    }

    /** Applies a trust update file to the user's trust store (see {@link TrustUpdate#apply}). */
    public Applied applyUpdate(Path file, Instant now) throws TrustStoreException {
        TrustUpdate update = TrustUpdate.read(file);
        TrustStore mineBefore = userStore();
        TrustUpdate.Approval approval = update.apply(dirs, now);
        return new Applied(update, approval, mineBefore, TrustStores.loadDefault(dirs));
    }
}
