package io.fieldflash.bundle;

import static io.fieldflash.bundle.TrustStoreException.Reason.BAD_TRUST_STORE;
import static io.fieldflash.bundle.TrustStoreException.Reason.KEYID_MISMATCH;
import static io.fieldflash.bundle.TrustStoreException.Reason.TRUST_STORE_UNREADABLE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public keys a laptop trusts, with their policy (see docs/trust.md).
 *
 * <p>Two file forms: a PEM file of {@code PUBLIC KEY} blocks (each key unscoped, no end date,
 * threshold 1), or {@code fieldflash-trust/1} JSON. The JSON form also carries a {@code version},
 * which only signed trust updates raise, and a {@code rootThreshold}: how many {@code root} keys must
 * sign the next version.
 */
public record TrustStore(int version, int threshold, int rootThreshold, List<TrustedKey> keys) {
    public static final String FORMAT = "fieldflash-trust/1";
    /** Largest trust store file read. */
    public static final int MAX_BYTES = 1 << 20;
    /** Most keys one trust store may list (a real one has a handful; each costs time to read). */
    public static final int MAX_KEYS = 100;
    /** Longest key name or product name. */
    public static final int MAX_TEXT = 256;
    /** Most products one key may be scoped to. */
    public static final int MAX_PRODUCTS = 100;

    public TrustStore {
        keys = List.copyOf(keys);
        if (threshold < 1) throw new IllegalArgumentException("threshold must be at least 1");
        if (rootThreshold < 1) throw new IllegalArgumentException("rootThreshold must be at least 1");
    }

    public static TrustStore empty() {
        return new TrustStore(0, 1, 1, List.of());
    }

    public Optional<TrustedKey> find(String keyid) {
        return keys.stream().filter(k -> k.keyid().equals(keyid)).findFirst();
    }

    /** This store with {@code key} added, or replacing the entry with the same keyid. */
    public TrustStore with(TrustedKey key) {
        List<TrustedKey> out = new ArrayList<>(keys.stream().filter(k -> !k.keyid().equals(key.keyid())).toList());
        out.add(key);
        return new TrustStore(version, threshold, rootThreshold, out);
    }

    /** This store without the key whose keyid is {@code keyid}. */
    public TrustStore without(String keyid) {
        return new TrustStore(version, threshold, rootThreshold,
                keys.stream().filter(k -> !k.keyid().equals(keyid)).toList());
    }

    /**
     * Combines several stores (e.g. the machine-wide one and the user's). The first store that names a
     * key gives its name, products, root flag and role; a key revoked in any store is revoked; the earliest
     * {@code notAfter} wins; thresholds and version are the highest of any store.
     */
    public static TrustStore merge(List<TrustStore> stores) {
        if (stores.isEmpty()) return empty();
        if (stores.size() == 1) return stores.getFirst();
        Map<String, TrustedKey> byId = new LinkedHashMap<>();
        int version = 0, threshold = 1, rootThreshold = 1;
        for (TrustStore s : stores) {
            version = Math.max(version, s.version);
            threshold = Math.max(threshold, s.threshold);
            rootThreshold = Math.max(rootThreshold, s.rootThreshold);
            for (TrustedKey k : s.keys) {
                byId.merge(k.keyid(), k, (a, b) -> new TrustedKey(a.key(), a.name(), a.products(),
                        a.notAfter().isBefore(b.notAfter()) ? a.notAfter() : b.notAfter(),
                        a.revoked() || b.revoked(), a.root(), a.boot()));
            }
        }
        return new TrustStore(version, threshold, rootThreshold, new ArrayList<>(byId.values()));
    }

    /** Reads a trust store file in either form (at most {@value #MAX_BYTES} bytes). */
    public static TrustStore read(Path file) throws TrustStoreException {
        byte[] bytes;
        try {
            bytes = readAtMost(file, MAX_BYTES);
            if (bytes.length > MAX_BYTES) {
                throw new TrustStoreException(BAD_TRUST_STORE, "The trust store " + printable(file) + " is larger than "
                        + MAX_BYTES + " bytes; no real trust store is.");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, "The trust store file " + printable(file) + " does not exist.", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new TrustStoreException(TRUST_STORE_UNREADABLE, "This user may not read the trust store " + printable(file)
                    + ", so its keys and revocations would be missing.", e);
        } catch (IOException e) {
            throw new TrustStoreException(TRUST_STORE_UNREADABLE, "Cannot read the trust store " + printable(file) + ": "
                    + Printable.cut(e.getMessage(), 200), e);
        }
        try {
            return parse(bytes);
        } catch (TrustStoreException e) {
            throw new TrustStoreException(e.reason(), printable(file) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first {@code max} + 1 bytes of {@code file} at most: more than {@code max} means "too large", whatever the
     * file is (a pipe or a device has no size to ask for first).
     */
    static byte[] readAtMost(Path file, int max) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max + 1);
        }
    }

    /** A path for a message: escaped, since file names come from outside FieldFlash. */
    static String printable(Path file) {
        return Printable.of(file.toString());
    }

    /**
     * Parses either form. The text must be UTF-8; a UTF-8 byte order mark at the start is ignored (Windows editors
     * write one). It is JSON when its first character after blanks is '{', PEM otherwise; text that has a '{'
     * before any PEM block is refused rather than read as PEM, so that a damaged JSON store never turns into a
     * PEM one that has lost its policy (revocations, scopes, end dates, thresholds, roots).
     */
    public static TrustStore parse(byte[] bytes) throws TrustStoreException {
        if (bytes.length > MAX_BYTES) throw bad("it is larger than " + MAX_BYTES + " bytes");
        String text = utf8(bytes);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        int first = 0;
        while (first < text.length() && " \t\r\n".indexOf(text.charAt(first)) >= 0) first++;
        if (text.startsWith("{", first)) return parseJson(text);
        int brace = text.indexOf('{');
        int pem = text.indexOf("-----BEGIN");
        if (brace >= 0 && (pem < 0 || brace < pem)) {
            throw bad("it looks like JSON but does not start with '{' (only blanks and a UTF-8 byte order mark may come first)");
        }
        return parsePem(text);
    }

    /** {@code bytes} as UTF-8; BAD_TRUST_STORE when they are not (UTF-16 and UTF-32 included). */
    static String utf8(byte[] bytes) throws TrustStoreException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad("it is not UTF-8 text (save it as UTF-8, not UTF-16)");
        }
    }

    private static TrustStore parsePem(String text) throws TrustStoreException {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.decodeAll(text);
        } catch (KeyException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, e.getMessage(), e);
        }
        if (blocks.isEmpty()) {
            throw new TrustStoreException(BAD_TRUST_STORE,
                    "It is neither fieldflash-trust/1 JSON nor a PEM file with PUBLIC KEY blocks.");
        }
        for (Pem.Block b : blocks) {
            if (!b.label().equals("PUBLIC KEY")) {
                throw new TrustStoreException(BAD_TRUST_STORE, "It holds a '" + b.label()
                        + "' block; a PEM trust store holds only PUBLIC KEY blocks.");
            }
        }
        if (blocks.size() > MAX_KEYS) throw bad("it has " + blocks.size() + " keys; at most " + MAX_KEYS + " are read");
        List<TrustedKey> keys = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            try {
                keys.add(TrustedKey.unscoped(VerificationKey.fromSpki(blocks.get(i).der())));
            } catch (KeyException e) {
                throw new TrustStoreException(BAD_TRUST_STORE, "PUBLIC KEY block " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new TrustStore(0, 1, 1, dedupe(keys));
    }

    private static List<TrustedKey> dedupe(List<TrustedKey> keys) {
        Map<String, TrustedKey> byId = new LinkedHashMap<>();
        keys.forEach(k -> byId.putIfAbsent(k.keyid(), k));
        return new ArrayList<>(byId.values());
    }

    private static TrustStore parseJson(String text) throws TrustStoreException {
        JsonNode root = jsonHeader(text);
        int version = intField(root, "version", 0, 0);
        int threshold = intField(root, "threshold", 1, 1);
        int rootThreshold = intField(root, "rootThreshold", threshold, 1);
        JsonNode keysNode = root.get("keys");
        if (keysNode == null || !keysNode.isArray()) throw bad("'keys' is missing or not an array");
        if (keysNode.size() > MAX_KEYS) throw bad("it has " + keysNode.size() + " keys; at most " + MAX_KEYS + " are read");
        List<TrustedKey> keys = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (int i = 0; i < keysNode.size(); i++) {
            TrustedKey k = parseKey(keysNode.get(i), "keys[" + i + "]");
            if (seen.put(k.keyid(), true) != null) {
                throw bad("key " + k.keyid() + " is listed twice (perhaps in two encodings of the same public key)");
            }
            keys.add(k);
        }
        return new TrustStore(version, threshold, rootThreshold, keys);
    }

    /** The top level of a fieldflash-trust/1 JSON text, its format checked; nothing in its keys is read. */
    private static JsonNode jsonHeader(String text) throws TrustStoreException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new TrustStoreException(BAD_TRUST_STORE, "It is not valid JSON: " + Printable.cut(firstLine(e), 200), e);
        }
        if (root == null || !root.isObject()) throw bad("the top level is not a JSON object");
        if (!FORMAT.equals(root.path("format").asText(null))) throw bad("'format' is not \"" + FORMAT + "\"");
        return root;
    }

    /**
     * The {@code version} of a fieldflash-trust/1 JSON text, read without reading its keys: a trust update's
     * version is checked before its signatures, and its keys only after them.
     */
    static int versionOf(byte[] bytes) throws TrustStoreException {
        if (bytes.length > MAX_BYTES) throw bad("it is larger than " + MAX_BYTES + " bytes");
        String text = utf8(bytes);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        return intField(jsonHeader(text), "version", 0, 0);
    }

    private static TrustedKey parseKey(JsonNode n, String where) throws TrustStoreException {
        if (!n.isObject()) throw bad(where + " is not an object");
        String pem = textField(n, "publicKey", where);
        VerificationKey key;
        try {
            key = VerificationKey.fromSpki(Pem.decodeOne(pem, "PUBLIC KEY", where + ".publicKey"));
        } catch (KeyException e) {
            throw bad(where + ": " + e.getMessage());
        }
        String keyid = textField(n, "keyid", where);
        if (!keyid.equals(key.keyid())) {
            throw new TrustStoreException(KEYID_MISMATCH, where + " names keyid " + Printable.cut(keyid, 64)
                    + " but its public key's keyid is " + key.keyid() + ".");
        }
        String alg = textField(n, "alg", where);
        if (!alg.equals(key.alg().id())) {
            throw bad(where + " says alg \"" + Printable.cut(alg, 40) + "\" but its public key is a " + key.alg().id() + " key");
        }
        List<String> products = new ArrayList<>();
        JsonNode p = n.get("products");
        if (p != null && !p.isNull()) {
            if (!p.isArray()) throw bad(where + ".products is not an array");
            if (p.size() > MAX_PRODUCTS) throw bad(where + ".products names more than " + MAX_PRODUCTS + " products");
            for (JsonNode e : p) {
                if (!e.isTextual()) throw bad(where + ".products has a non-text element");
                if (e.asText().length() > MAX_TEXT) throw bad(where + ".products has a name longer than " + MAX_TEXT + " characters");
                products.add(e.asText());
            }
        }
        Instant notAfter = Instant.MAX;
        JsonNode na = n.get("notAfter");
        if (na != null && !na.isNull()) {
            try {
                notAfter = Instant.parse(na.asText());
            } catch (DateTimeParseException e) {
                throw bad(where + ".notAfter is not an ISO-8601 UTC time like 2028-01-01T00:00:00Z");
            }
        }
        JsonNode name = n.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) throw bad(where + ".name is not text");
        if (name != null && name.asText("").length() > MAX_TEXT) throw bad(where + ".name is longer than " + MAX_TEXT + " characters");
        boolean boot = false;
        JsonNode role = n.get("role");
        if (role != null && !role.isNull()) {
            if (!role.isTextual() || !(role.asText().equals(TrustedKey.ROLE_BOOT) || role.asText().equals("bundle"))) {
                throw bad(where + ".role is not \"bundle\" or \"" + TrustedKey.ROLE_BOOT + "\"");
            }
            boot = role.asText().equals(TrustedKey.ROLE_BOOT);
        }
        boolean root = boolField(n, "root", where);
        if (boot && root) throw bad(where + " is a boot key and a root key; a boot key may not sign trust updates");
        return new TrustedKey(key, n.path("name").asText(""), products, notAfter,
                boolField(n, "revoked", where), root, boot);
    }

    /** The store as {@code fieldflash-trust/1} JSON. */
    public byte[] toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", version);
        root.put("threshold", threshold);
        root.put("rootThreshold", rootThreshold);
        ArrayNode arr = root.putArray("keys");
        for (TrustedKey k : keys) {
            ObjectNode o = arr.addObject();
            o.put("keyid", k.keyid());
            o.put("alg", k.key().alg().id());
            if (!k.name().isEmpty()) o.put("name", k.name());
            o.put("publicKey", k.key().toPem());
            if (!k.products().isEmpty()) k.products().forEach(o.putArray("products")::add);
            k.expiry().ifPresent(t -> o.put("notAfter", t.toString()));
            o.put("revoked", k.revoked());
            if (k.root()) o.put("root", true);
            if (k.boot()) o.put("role", TrustedKey.ROLE_BOOT);
        }
        try {
            return (Json.MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TrustStoreException bad(String what) {
        return new TrustStoreException(BAD_TRUST_STORE, "The trust store is not valid: " + what + ".");
    }

    private static String textField(JsonNode n, String name, String where) throws TrustStoreException {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) throw bad(where + "." + name + " is missing or not text");
        return v.asText();
    }

    private static boolean boolField(JsonNode n, String name, String where) throws TrustStoreException {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw bad(where + "." + name + " is not true or false");
        return v.asBoolean();
    }

    private static int intField(JsonNode n, String name, int dflt, int min) throws TrustStoreException {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
            throw bad("'" + name + "' is not a whole number of at least " + min);
        }
        return v.asInt();
    }

    static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
