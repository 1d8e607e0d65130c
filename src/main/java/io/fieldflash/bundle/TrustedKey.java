package io.fieldflash.bundle;

import io.fieldflash.Printable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One key of a trust store with its policy.
 *
 * @param key      the public key
 * @param name     a person's name for the key (e.g. "Acme release 2026"); empty when none was given
 * @param products the products this key may sign for; empty means any product
 * @param notAfter the end of the key's validity; {@link Instant#MAX} when it has none
 * @param revoked  a revoked key never counts toward a threshold
 * @param root     a root key may sign trust updates (the next version of the trust store)
 * @param boot     a boot key (role {@code boot}) is one a device's bootloader trusts: images name it in
 *                 {@code bootKeys} and their signatures are checked with it, but it never signs a bundle or a
 *                 trust update
 */
public record TrustedKey(VerificationKey key, String name, List<String> products, Instant notAfter,
                         boolean revoked, boolean root, boolean boot) {
    /** The trust store's {@code role} of a boot key. */
    public static final String ROLE_BOOT = "boot";

    public TrustedKey {
        name = name == null ? "" : name;
        products = List.copyOf(products);
        notAfter = notAfter == null ? Instant.MAX : notAfter;
        if (root && boot) throw new IllegalArgumentException("a boot key cannot be a root key");
    }

    /** A key that signs bundles (and, when {@code root}, trust updates). */
    public TrustedKey(VerificationKey key, String name, List<String> products, Instant notAfter, boolean revoked, boolean root) {
        this(key, name, products, notAfter, revoked, root, false);
    }

    /** A boot key: for checking the signature on a firmware image inside a bundle, never for signing bundles. */
    public static TrustedKey bootKey(VerificationKey key, String name, List<String> products, Instant notAfter, boolean revoked) {
        return new TrustedKey(key, name, products, notAfter, revoked, false, true);
    }

    /** A key trusted for everything, with no end date (what a PEM trust store gives). */
    public static TrustedKey unscoped(VerificationKey key) {
        return new TrustedKey(key, "", List.of(), Instant.MAX, false, false);
    }

    public String keyid() {
        return key.keyid();
    }

    /** True when this key may sign bundles for {@code product}: in its scope, and not a boot key. */
    public boolean covers(String product) {
        return !boot && inScope(product);
    }

    /** True when {@code product} is in this key's scope, whatever its role. */
    public boolean inScope(String product) {
        return products.isEmpty() || products.contains(product);
    }

    /** True when this key may check an image's boot signature for {@code product} at {@code now}. */
    public boolean usableBootKeyFor(String product, Instant now) {
        return boot && inScope(product) && !revoked && !expiredAt(now);
    }

    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter);
    }

    /** The end of validity, when there is one. */
    public Optional<Instant> expiry() {
        return notAfter.equals(Instant.MAX) ? Optional.empty() : Optional.of(notAfter);
    }

    /** A short label for people, safe to print: the name (escaped) if any, then the start of the keyid. */
    public String label() {
        String shortId = keyid().substring(0, 16);
        return name.isEmpty() ? shortId : Printable.of(name) + " (" + shortId + ")";
    }
}
