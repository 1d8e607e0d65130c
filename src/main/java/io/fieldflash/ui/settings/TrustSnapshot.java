package io.fieldflash.ui.settings;

import io.fieldflash.bundle.LaptopTrust;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustedKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The laptop's effective trust store as the settings window shows it, read in the background.
 *
 * @param version     the trust store's version
 * @param rows        one per key, in merge order
 * @param fingerprint the fingerprint as {@code fieldflash trust list} prints it ({@code sha256 <hex>}); empty when
 *                    there is no trust store file
 * @param files       the files that make up the trust store, the user's first
 * @param userFile    the user's own trust store file (which may not exist yet)
 */
record TrustSnapshot(int version, List<Row> rows, String fingerprint, List<Path> files, Path userFile) {
    TrustSnapshot {
        rows = List.copyOf(rows);
        files = List.copyOf(files);
    }

    /** Whether a key counts toward a bundle's signatures. */
    enum Status { TRUSTED, REVOKED, EXPIRED }

    /**
     * One key.
     *
     * @param key    the key and its policy
     * @param status at the time the snapshot was read
     * @param from   the files that list it
     * @param mine   true when the user's own trust store lists it (so the user may remove it)
     */
    record Row(TrustedKey key, Status status, List<Path> from, boolean mine) {
        Row {
            from = List.copyOf(from);
        }

        String shortId() {
            return LaptopTrust.shortId(key.keyid());
        }
    }

    /** Reads the trust store of {@code trust} now. */
    static TrustSnapshot read(LaptopTrust trust, Instant now) throws TrustStoreException {
        List<Path> files = trust.files();
        TrustStore store = io.fieldflash.bundle.TrustStores.load(files);
        Map<String, List<Path>> sources = LaptopTrust.sources(files);
        Path mine = trust.dirs().userTrustStore();
        List<Row> rows = store.keys().stream().map(k -> {
            List<Path> from = sources.getOrDefault(k.keyid(), List.of());
            Status s = k.revoked() ? Status.REVOKED : k.expiredAt(now) ? Status.EXPIRED : Status.TRUSTED;
            return new Row(k, s, from, from.contains(mine));
        }).toList();
        String fingerprint = LaptopTrust.fingerprint(files, store).map(f -> "sha256 " + f).orElse("");
        return new TrustSnapshot(store.version(), rows, fingerprint, files, mine);
    }
}
