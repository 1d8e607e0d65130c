package io.fieldflash.bundle.inner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldflash.bundle.KeyException;
import io.fieldflash.bundle.Pem;
import io.fieldflash.bundle.VerificationKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inner-format vectors in the test resources ({@code inner-formats/}, copied from the shared set made with
 * imgtool 2.4.0, espsecure 4.7.0 and openssl) and their {@code index.json}.
 */
public final class InnerVectors {
    private InnerVectors() {}

    /** One (file, key) pair of the index. */
    public record Entry(String file, InnerFormat format, Optional<String> key, String expect, String note) {
        /** The reason code the index expects: {@code ok} for {@code valid}, else the text before the colon. */
        public String expectedCode() {
            return expect.equals("valid") ? InnerReason.OK.code() : expect.substring(0, expect.indexOf(':'));
        }
    }

    public static List<Entry> index() {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes("index.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> out = new ArrayList<>();
        for (JsonNode n : root) {
            String format = n.get("format").asText();
            InnerFormat f = switch (format) {
                case "mcuboot" -> InnerFormat.MCUBOOT;
                case "esp32-app-image" -> InnerFormat.ESP_APP;
                case "esp32-secure-boot-v2" -> InnerFormat.ESP32_SBV2;
                case "esp8266-arduino-signed" -> InnerFormat.ESP8266_SIGNED;
                default -> throw new IllegalStateException("unknown format in index.json: " + format);
            };
            Optional<String> key = n.get("key").isNull() ? Optional.empty() : Optional.of(n.get("key").asText());
            out.add(new Entry(n.get("file").asText(), f, key, n.get("expect").asText(), n.get("note").asText()));
        }
        return out;
    }

    public static byte[] bytes(String name) {
        try (InputStream in = InnerVectors.class.getResourceAsStream("/inner-formats/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource inner-formats/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static VerificationKey key(String name) {
        try {
            String pem = new String(bytes(name), StandardCharsets.US_ASCII);
            return VerificationKey.fromSpki(Pem.decodeOne(pem, "PUBLIC KEY", name));
        } catch (KeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keys of an entry: its one key, or none. */
    public static List<VerificationKey> keys(Entry e) {
        return e.key().map(k -> List.of(key(k))).orElse(List.of());
    }

    /** Checks {@code image} in one call to update. */
    public static InnerVerdict check(InnerFormat format, List<VerificationKey> keys, byte[] image) {
        InnerChecker c = checker(format, keys);
        c.update(image, 0, image.length);
        return c.finish();
    }

    /** The checker the vectors are meant for: ESP app images for an ESP32, the rest without a chip. */
    public static InnerChecker checker(InnerFormat format, List<VerificationKey> keys) {
        return format == InnerFormat.ESP_APP ? format.checker(keys, EspChip.ESP32) : format.checker(keys);
    }
}
