package io.fieldflash.bundle;

import io.fieldflash.Printable;
import io.fieldflash.bundle.inner.InnerChecker;
import io.fieldflash.bundle.inner.InnerFacts;
import io.fieldflash.bundle.inner.InnerFormat;
import io.fieldflash.bundle.inner.InnerReason;
import io.fieldflash.bundle.inner.InnerVerdict;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.zip.ZipEntry;

/**
 * Verifies a bundle file, in the order of the bundle format (docs/bundle-format.md), stopping at the first
 * failure with its reason code:
 * archive → entry names → metadata present → metadata well-formed → signatures → entries match the
 * manifest → expiry → image sizes and hashes (streamed, never held in memory), and, in the same single pass, each
 * image of a known {@code format} through its {@link InnerChecker} (docs/inner-formats.md) with the product's boot
 * keys, and what the image says of its version and security counter against the manifest.
 */
public final class BundleReader {
    private static final int BUFFER = 256 * 1024;

    private final TrustStore trust;
    private final Clock clock;
    private final boolean allowExpired;
    /** True when the trust store holds no boot keys by design (the vendor's own read-back in {@link BundleWriter}). */
    private final boolean withoutBootKeys;

    public BundleReader(TrustStore trust) {
        this(trust, Clock.systemUTC(), false, false);
    }

    private BundleReader(TrustStore trust, Clock clock, boolean allowExpired, boolean withoutBootKeys) {
        this.trust = trust;
        this.clock = clock;
        this.allowExpired = allowExpired;
        this.withoutBootKeys = withoutBootKeys;
    }

    /** The same reader judging expiry and key validity at the time {@code clock} gives. */
    public BundleReader withClock(Clock clock) {
        return new BundleReader(trust, clock, allowExpired, withoutBootKeys);
    }

    /** The same reader accepting an expired bundle; the result says so, for the audit log. */
    public BundleReader allowingExpired(boolean allow) {
        return new BundleReader(trust, clock, allow, withoutBootKeys);
    }

    /**
     * The same reader for a vendor who holds no boot keys: an image whose only fault is that no boot key could be
     * tried ({@link InnerReason#NO_BOOT_KEYS}) is let through, with its verdict on the result; every other fault
     * is still refused.
     */
    BundleReader withoutBootKeys() {
        return new BundleReader(trust, clock, allowExpired, true);
    }

    public VerifiedBundle read(Path file) throws BundleException {
        return read(file, VerifyProgress.NONE);
    }

    /**
     * Verifies {@code file}. Progress is reported while images are hashed; interrupting the calling thread
     * cancels with a {@link CancellationException}.
     */
    public VerifiedBundle read(Path file, VerifyProgress progress) throws BundleException {
        Instant now = clock.instant();
        try (BundleArchive archive = BundleArchive.open(file)) {                   // steps 1, 2
            for (String meta : List.of(BundleArchive.MANIFEST, BundleArchive.SIGNATURES)) {   // step 3
                if (!archive.has(meta)) throw new BundleException(ReasonCode.MISSING_ENTRY, "The bundle has no " + meta + ".");
            }
            byte[] manifestBytes = archive.readSmall(BundleArchive.MANIFEST, Manifest.MAX_BYTES);     // step 4
            byte[] signaturesBytes = archive.readSmall(BundleArchive.SIGNATURES, BundleArchive.MAX_SIGNATURES_BYTES);
            Manifest manifest = Manifest.parse(manifestBytes);
            Json.strictUtf8(signaturesBytes, BundleArchive.SIGNATURES);
            List<SignatureCheck.Signature> signatures = SignatureCheck.parse(signaturesBytes);

            List<TrustedKey> eligible = trust.keys().stream().filter(k -> k.covers(manifest.product())).toList(); // step 5
            // The product is not authenticated yet: it is quoted escaped and cut.
            List<TrustedKey> signers;
            try {
                signers = SignatureCheck.check(manifestBytes, signatures, eligible, trust.threshold(), now,
                        "this bundle for \"" + Printable.cut(manifest.product(), 64) + "\"");
            } catch (BundleException e) {
                throw bootKeySigned(e, signatures);
            }

            checkEntries(archive, manifest);                                          // step 6

            boolean expired = now.isAfter(manifest.expires());                        // step 7
            if (expired && !allowExpired) {
                throw new BundleException(ReasonCode.EXPIRED, "The bundle expired on " + manifest.expires() + ".");
            }

            Map<String, InnerVerdict> inner = hashImages(archive, manifest, progress, now);   // step 8
            return new VerifiedBundle(file.toAbsolutePath(), manifest, manifestBytes, signaturesBytes, signers, expired, inner);
        }
    }

    private static void checkEntries(BundleArchive archive, Manifest manifest) throws BundleException {
        Set<String> listed = new HashSet<>();
        manifest.images().forEach(i -> listed.add(i.file()));
        for (ZipEntry e : archive.entries()) {
            String n = e.getName();
            boolean allowed = n.equals(BundleArchive.MANIFEST) || n.equals(BundleArchive.SIGNATURES)
                    || n.equals("images/") || (listed.contains(n) && !e.isDirectory());
            if (!allowed) {
                throw new BundleException(ReasonCode.UNLISTED_ENTRY, "The archive holds \"" + Printable.cut(n, 100)
                        + "\", which the manifest does not list.");
            }
        }
        for (ImageSpec i : manifest.images()) {
            if (!archive.has(i.file())) {
                throw new BundleException(ReasonCode.MISSING_ENTRY, "The manifest lists image \"" + Printable.of(i.name())
                        + "\" at " + Printable.of(i.file()) + " but the archive does not hold it.");
            }
        }
    }

    /**
     * A bundle whose signatures count for nothing (UNTRUSTED_KEY) because they are by boot keys: said so, since
     * "no trusted key" would send an administrator to add a key the store already holds.
     */
    private BundleException bootKeySigned(BundleException e, List<SignatureCheck.Signature> signatures) {
        if (e.reason() != ReasonCode.UNTRUSTED_KEY) return e;
        for (SignatureCheck.Signature s : signatures) {
            Optional<TrustedKey> k = trust.find(s.keyid());
            if (k.isPresent() && k.get().boot()) {
                return new BundleException(ReasonCode.UNTRUSTED_KEY, "The bundle is signed by " + k.get().label()
                        + ", which this laptop trusts only as a boot key (role boot): a boot key checks firmware images "
                        + "inside bundles and may not sign a bundle.", e);
            }
        }
        return e;
    }

    private Map<String, InnerVerdict> hashImages(BundleArchive archive, Manifest manifest, VerifyProgress progress,
                                                 Instant now) throws BundleException {
        long total = manifest.totalImageBytes();
        long done = 0;
        byte[] buf = new byte[BUFFER];
        Map<String, InnerVerdict> verdicts = new LinkedHashMap<>();
        for (ImageSpec image : manifest.images()) {
            InnerChecker checker = image.format().map(f -> checker(f, image, manifest.product(), now)).orElse(null);
            try (VerifyingInputStream in = archive.openImage(image, () -> {}, checker)) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    done += n;
                    progress.bytes(done, total);
                    if (Thread.currentThread().isInterrupted()) throw new CancellationException("verification cancelled");
                }
                Optional<InnerVerdict> v = in.innerVerdict();
                if (v.isPresent()) verdicts.put(image.name(), judge(manifest, image, v.get(), now));
            } catch (ImageIntegrityException e) {
                throw e.toBundleException();
            } catch (InterruptedIOException e) {
                throw new CancellationException("verification cancelled");
            } catch (IOException e) {
                throw new BundleException(ReasonCode.BAD_ARCHIVE, "Cannot read image \"" + Printable.of(image.name())
                        + "\" from the archive (" + Printable.cut(e.getMessage(), 200) + "); the file may be truncated or damaged.", e);
            }
        }
        return verdicts;
    }

    /** A checker for {@code image}, with the boot keys its {@code bootKeys} names that may be used for the product now. */
    private InnerChecker checker(InnerFormat format, ImageSpec image, String product, Instant now) {
        List<VerificationKey> boot = trust.keys().stream()
                .filter(k -> image.bootKeys().contains(k.keyid()) && k.usableBootKeyFor(product, now))
                .map(TrustedKey::key).toList();
        return image.chip().map(c -> format.checker(boot, c)).orElseGet(() -> format.checker(boot));
    }

    /**
     * The checker's verdict, then the manifest against what the image says of itself; refused with
     * {@link ReasonCode#INNER_IMAGE} unless both pass. Returns the verdict as the result keeps it.
     */
    private InnerVerdict judge(Manifest manifest, ImageSpec image, InnerVerdict v, Instant now) throws BundleException {
        if (v.ok()) v = againstManifest(manifest, v);
        if (v.ok() || (withoutBootKeys && v.reason() == InnerReason.NO_BOOT_KEYS)) return v;
        String detail = v.detail();
        if (EnumSet.of(InnerReason.NO_BOOT_KEYS, InnerReason.UNTRUSTED_KEY, InnerReason.KEY_TYPE_MISMATCH).contains(v.reason())) {
            detail += " " + bootKeysNote(manifest.product(), image, now);
        }
        throw new BundleException("Image \"" + Printable.of(image.name()) + "\" is not a valid " + v.format().id()
                + " image [" + v.reason().code() + "]: " + detail, v);
    }

    /** Why the keys an image's {@code bootKeys} names could or could not be used, for a refusal about keys. */
    private String bootKeysNote(String product, ImageSpec image, Instant now) {
        if (image.bootKeys().isEmpty()) return "The manifest's bootKeys for this image is empty.";
        List<String> notes = new ArrayList<>();
        for (String id : image.bootKeys()) {
            Optional<TrustedKey> k = trust.find(id);
            String why;
            if (k.isEmpty()) why = "not in this laptop's trust store";
            else if (!k.get().boot()) why = "in the trust store, but not with the role boot";
            else if (!k.get().inScope(product)) why = "a boot key for other products";
            else if (k.get().revoked()) why = "revoked";
            else if (k.get().expiredAt(now)) why = "expired on " + k.get().notAfter();
            else why = "a boot key this laptop holds";
            notes.add(id.substring(0, 16) + ": " + why);
        }
        return "bootKeys: " + String.join("; ", notes) + ".";
    }

    /**
     * The image's own version and security counter against the manifest's: an ESP app descriptor's version must
     * be the manifest's {@code version} (a leading "v", as {@code git describe} gives, is allowed); an MCUboot
     * header's major.minor.revision must be the manifest version's major.minor.patch (and its build number the
     * manifest's build metadata, when that is a number), and its security-counter TLV, when present, the manifest's
     * {@code securityCounter}.
     */
    static InnerVerdict againstManifest(Manifest manifest, InnerVerdict v) {
        InnerFacts facts = v.facts() instanceof InnerFacts.Esp32Sbv2 sb ? sb.app() : v.facts();
        String mv = manifest.version();
        switch (facts) {
            case InnerFacts.EspApp app when app.descriptor().isPresent() -> {
                String iv = app.descriptor().get().version();
                if (!iv.equals(mv) && !iv.equals("v" + mv)) {
                    return refuse(v, InnerReason.VERSION_MISMATCH, "The image's application descriptor says version \""
                            + Printable.cut(iv, 40) + "\", but the manifest says " + Printable.of(mv) + ".");
                }
            }
            case InnerFacts.Mcuboot mc -> {
                if (!mcubootVersionMatches(mc.version(), manifest.semVer())) {
                    return refuse(v, InnerReason.VERSION_MISMATCH, "The MCUboot header says version " + Printable.cut(mc.version(), 40)
                            + ", but the manifest says " + Printable.of(mv) + ".");
                }
                if (mc.securityCounter().isPresent() && mc.securityCounter().getAsLong() != manifest.securityCounter()) {
                    return refuse(v, InnerReason.SECURITY_COUNTER_MISMATCH, "The image's security counter TLV is "
                            + mc.securityCounter().getAsLong() + ", but the manifest's securityCounter is "
                            + manifest.securityCounter() + ".");
                }
            }
            default -> { }
        }
        return v;
    }

    private static boolean mcubootVersionMatches(String image, SemVer manifest) {
        int plus = image.indexOf('+');
        String core = plus < 0 ? image : image.substring(0, plus);
        String build = plus < 0 ? "0" : image.substring(plus + 1);
        if (!core.equals(manifest.major() + "." + manifest.minor() + "." + manifest.patch())) return false;
        if (!manifest.preRelease().isEmpty()) return false;
        String mb = manifest.build();
        return mb == null || mb.isEmpty() || !mb.chars().allMatch(Character::isDigit) || new java.math.BigInteger(mb).toString().equals(build);
    }

    private static InnerVerdict refuse(InnerVerdict v, InnerReason reason, String detail) {
        return new InnerVerdict(v.format(), reason, detail, v.facts(), v.length(), v.sha256());
    }
}
