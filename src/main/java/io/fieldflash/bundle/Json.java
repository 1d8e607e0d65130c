package io.fieldflash.bundle;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The one JSON configuration of FieldFlash: strict on input (duplicate keys refused), stable on output. */
public final class Json {
    private Json() {}

    /**
     * Refuses duplicate object keys: two parsers that pick different duplicates could otherwise read
     * one signed manifest two ways. Unknown fields are ignored (forward compatibility).
     *
     * <p>Given bytes, Jackson guesses their encoding (UTF-16 and UTF-32 too) and reads overlong UTF-8 forms;
     * signed JSON is therefore decoded with {@link #strictUtf8} first and parsed from the text.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * Decodes a bundle's JSON file the one way the format allows: UTF-8, strictly (a malformed or overlong
     * sequence, an encoded surrogate, or a truncated character is refused, never replaced), without a byte order
     * mark (RFC 8259 forbids senders to add one).
     *
     * @param name the file, for the message, e.g. {@code manifest.json}
     * @throws BundleException BAD_MANIFEST, naming the byte offset of the first bad byte
     */
    public static String strictUtf8(byte[] bytes, String name) throws BundleException {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            throw new BundleException(ReasonCode.BAD_MANIFEST, name + " starts with a byte order mark; it must be plain UTF-8 without one.");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);   // UTF-8 never decodes to more chars than bytes
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            throw new BundleException(ReasonCode.BAD_MANIFEST, name + " is not UTF-8 text: the bytes at offset " + in.position()
                    + " are not a valid UTF-8 character (is it UTF-16 or another encoding?).");
        }
        return out.flip().toString();
    }
}
