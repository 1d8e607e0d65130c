package io.fieldflash.ui.settings;

import io.fieldflash.bundle.LaptopTrust;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What applying a trust update changed, as {@code fieldflash trust update} reports it.
 *
 * @param fromVersion      the laptop's trust store version before
 * @param toVersion        the version the update brought
 * @param signers          the root keys whose signatures made it acceptable
 * @param added            keys the laptop trusts now and did not before
 * @param revoked          keys revoked by the update
 * @param removed          keys no longer in the trust store at all
 * @param stillElsewhere   keys the update left out of the user's trust store that another trust store file
 *                         still trusts (left out is not withdrawn: only a revocation withdraws a key everywhere)
 * @param fingerprint      SHA-256 of the trust.json now installed
 */
record TrustChanges(int fromVersion, int toVersion, List<TrustedKey> signers, List<TrustedKey> added,
                    List<TrustedKey> revoked, List<TrustedKey> removed, List<TrustedKey> stillElsewhere, String fingerprint) {

    static TrustChanges of(LaptopTrust.Applied applied) {
        TrustStore before = applied.approval().previous();
        TrustStore after = applied.effectiveAfter();
        List<TrustedKey> added = new ArrayList<>(), revoked = new ArrayList<>(), removed = new ArrayList<>(),
                elsewhere = new ArrayList<>();
        for (TrustedKey k : after.keys()) {
            Optional<TrustedKey> was = before.find(k.keyid());
            if (was.isEmpty()) added.add(k);
            else if (k.revoked() && !was.get().revoked()) revoked.add(k);
        }
        for (TrustedKey k : before.keys()) {
            if (after.find(k.keyid()).isEmpty()) removed.add(k);
        }
        for (TrustedKey k : applied.userBefore().keys()) {
            Optional<TrustedKey> still = after.find(k.keyid());
            if (applied.approval().next().find(k.keyid()).isEmpty() && still.isPresent() && !still.get().revoked()) elsewhere.add(k);
        }
        return new TrustChanges(before.version(), applied.approval().next().version(), applied.approval().signers(),
                added, revoked, removed, elsewhere, applied.update().fingerprint());
    }
}
