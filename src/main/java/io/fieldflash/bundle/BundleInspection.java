package io.fieldflash.bundle;

import java.nio.file.Path;
import java.util.List;

/**
 * What a bundle says about itself, read <em>without</em> checking any signature (for {@code bundle inspect}
 * and for vendors debugging their tooling). Never use it to decide whether to install anything, and escape
 * every value before showing it: nothing in it is authenticated.
 *
 * @param entries every archive entry as "name (size bytes)"
 */
public record BundleInspection(Manifest manifest, List<SignatureCheck.Signature> signatures, List<String> entries) {

    public BundleInspection {
        signatures = List.copyOf(signatures);
        entries = List.copyOf(entries);
    }

    /** Runs the structural checks (archive, names, metadata) and parses; no trust, no image hashing. */
    public static BundleInspection read(Path file) throws BundleException {
        try (BundleArchive archive = BundleArchive.open(file)) {
            for (String meta : List.of(BundleArchive.MANIFEST, BundleArchive.SIGNATURES)) {
                if (!archive.has(meta)) throw new BundleException(ReasonCode.MISSING_ENTRY, "The bundle has no " + meta + ".");
            }
            Manifest m = Manifest.parse(archive.readSmall(BundleArchive.MANIFEST, Manifest.MAX_BYTES));
            byte[] signatures = archive.readSmall(BundleArchive.SIGNATURES, BundleArchive.MAX_SIGNATURES_BYTES);
            Json.strictUtf8(signatures, BundleArchive.SIGNATURES);
            List<SignatureCheck.Signature> sigs = SignatureCheck.parse(signatures);
            List<String> entries = archive.entries().stream()
                    .map(e -> e.getName() + (e.isDirectory() ? "" : " (" + e.getSize() + " bytes)")).toList();
            return new BundleInspection(m, sigs, entries);
        }
    }
}
