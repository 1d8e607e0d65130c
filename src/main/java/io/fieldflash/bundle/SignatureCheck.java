package io.fieldflash.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.Printable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The threshold rule over detached signatures, as a pure function of bytes, keys and a time. Used for
 * bundles (eligible keys: those scoped to the product) and for trust updates (eligible: root keys).
 */
public final class SignatureCheck {
    private SignatureCheck() {}

    /** One entry of a {@code signatures.json}. */
    public record Signature(String keyid, String alg, byte[] sig) {
        public Signature {
            sig = sig.clone();
        }

        @Override
        public byte[] sig() {
            return sig.clone();
        }
    }

    /** Most signatures one file may carry. */
    public static final int MAX_SIGNATURES = 64;

    /** Parses {@code {"signatures": [{"keyid", "alg", "sig"}]}}; BAD_MANIFEST when malformed or with more than {@value #MAX_SIGNATURES}. */
    public static List<Signature> parse(byte[] json) throws BundleException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw badSignatures("it is not valid JSON (" + TrustStore.firstLine(e) + ")", e);
        }
        if (root == null || !root.isObject()) throw badSignatures("it is not a JSON object", null);
        JsonNode arr = root.get("signatures");
        if (arr == null || !arr.isArray()) throw badSignatures("'signatures' is missing or not an array", null);
        if (arr.size() > MAX_SIGNATURES) throw badSignatures("it has " + arr.size() + " signatures; at most " + MAX_SIGNATURES + " are read", null);
        List<Signature> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode s = arr.get(i);
            String where = "signatures[" + i + "]";
            if (!s.isObject()) throw badSignatures(where + " is not an object", null);
            for (String f : List.of("keyid", "alg", "sig")) {
                if (!s.path(f).isTextual()) throw badSignatures(where + "." + f + " is missing or not text", null);
            }
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(s.get("sig").asText());
            } catch (IllegalArgumentException e) {
                throw badSignatures(where + ".sig is not base64", e);
            }
            out.add(new Signature(s.get("keyid").asText(), s.get("alg").asText(), sig));
        }
        return out;
    }

    private static BundleException badSignatures(String what, Throwable cause) {
        return new BundleException(ReasonCode.BAD_MANIFEST, "signatures.json is not valid: " + what + ".", cause);
    }

    /**
     * Checks that at least {@code threshold} distinct keys among {@code eligible} made valid signatures
     * of {@code message}, and returns those keys.
     *
     * <p>Order of reasons: no signature by an eligible key → {@code UNTRUSTED_KEY}; every eligible
     * signer revoked (or, failing that, revoked or expired) → {@code KEY_REVOKED} / {@code KEY_EXPIRED};
     * fewer than {@code threshold} valid signatures from distinct usable keys → {@code SIGNATURE_INVALID}.
     * Signatures by other keys are ignored, and several signatures by one key count once. A key has one keyid
     * whatever encoding a file used for it (see {@link VerificationKey}), so one private key never counts twice.
     * The work is bounded: at most {@value #MAX_SIGNATURES} signatures, each checked with a key of bounded size.
     *
     * @param what names the signed thing in messages, e.g. "this bundle"
     */
    public static List<TrustedKey> check(byte[] message, List<Signature> signatures, List<TrustedKey> eligible,
                                         int threshold, Instant now, String what) throws BundleException {
        Map<String, TrustedKey> byId = new LinkedHashMap<>();
        eligible.forEach(k -> byId.put(k.keyid(), k));
        List<TrustedKey> signers = new ArrayList<>();
        for (Signature s : signatures) {
            TrustedKey k = byId.get(s.keyid());
            if (k != null && !signers.contains(k)) signers.add(k);
        }
        if (signers.isEmpty()) {
            throw new BundleException(ReasonCode.UNTRUSTED_KEY, "No signature on " + what
                    + " is by a key this laptop trusts for it (signed by: " + describeKeyids(signatures) + ").");
        }
        List<TrustedKey> usable = signers.stream().filter(k -> !k.revoked() && !k.expiredAt(now)).toList();
        if (usable.isEmpty()) {
            Optional<TrustedKey> revoked = signers.stream().filter(TrustedKey::revoked).findFirst();
            if (revoked.isPresent()) {
                throw new BundleException(ReasonCode.KEY_REVOKED, "The key that signed " + what + ", "
                        + revoked.get().label() + ", has been revoked.");
            }
            TrustedKey expired = signers.getFirst();
            throw new BundleException(ReasonCode.KEY_EXPIRED, "The key that signed " + what + ", "
                    + expired.label() + ", expired on " + expired.notAfter() + ".");
        }
        List<TrustedKey> valid = new ArrayList<>();
        for (Signature s : signatures) {
            TrustedKey k = byId.get(s.keyid());
            if (k == null || !usable.contains(k) || valid.contains(k)) continue;
            if (k.key().alg().id().equals(s.alg()) && k.key().verify(message, s.sig())) valid.add(k);
        }
        if (valid.size() < threshold) {
            throw new BundleException(ReasonCode.SIGNATURE_INVALID, valid.isEmpty()
                    ? "The signature on " + what + " does not match its contents."
                    : what.substring(0, 1).toUpperCase() + what.substring(1) + " has " + valid.size()
                      + " valid signature(s) from distinct trusted keys; " + threshold + " are required.");
        }
        return List.copyOf(valid);
    }

    private static String describeKeyids(List<Signature> signatures) {
        if (signatures.isEmpty()) return "nobody";
        List<String> ids = signatures.stream().map(s -> Printable.cut(s.keyid(), 16)).distinct().toList();
        return ids.size() <= 8 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 8)) + " and " + (ids.size() - 8) + " more";
    }
}
