package io.fieldflash.bundle;

import io.fieldflash.Printable;
import io.fieldflash.bundle.inner.InnerChecker;
import io.fieldflash.bundle.inner.InnerFormat;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /**
     * What is inside one image of a known {@code format}, read without any key: {@code verdict} is the format
     * checker's, with no boot keys (so a signature shows as {@code no-boot-keys}, not as checked), or
     * {@code problem} says why the image could not be read to its end.
     */
    public record Inside(String image, Optional<InnerVerdict> verdict, String problem) {}

    /**
     * Streams every image whose manifest names a {@code format} through its checker, without keys and without
     * trusting anything: for showing what a bundle holds. Images with no format are not read.
     */
    public static List<Inside> inside(Path file) throws BundleException {
        List<Inside> out = new ArrayList<>();
        try (BundleArchive archive = BundleArchive.open(file)) {
            Manifest m = Manifest.parse(archive.readSmall(BundleArchive.MANIFEST, Manifest.MAX_BYTES));
            for (ImageSpec image : m.images()) {
                if (image.format().isEmpty()) continue;
                InnerFormat f = image.format().get();
                InnerChecker checker = image.chip().map(c -> f.checker(List.of(), c)).orElseGet(() -> f.checker(List.of()));
                VerifyingInputStream in = null;
                String problem = "";
                try {
                    in = archive.openImage(image, () -> {}, checker);
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    problem = Printable.cut(String.valueOf(e.getMessage()), 200);
                } finally {
                    if (in != null) {
                        try {
                            in.close();
                        } catch (IOException ignored) {
                            // read only
                        }
                    }
                }
                out.add(new Inside(image.name(), in == null ? Optional.empty() : in.innerVerdict(), problem));
            }
        }
        return out;
    }
}
