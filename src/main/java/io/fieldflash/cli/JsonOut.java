package io.fieldflash.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import java.io.PrintWriter;

/**
 * Machine-readable output: one compact JSON object on one line. Everything outside printable ASCII (controls,
 * DEL, C1, bidi overrides, any other non-ASCII character) is written as a {@code \}{@code uXXXX} escape: a JSON
 * reader gets the same text back, and a person who prints the line on a terminal sees nothing the terminal
 * would act on.
 */
final class JsonOut {
    private JsonOut() {}

    private static final ObjectWriter WRITER = Json.MAPPER.writer()
            .without(SerializationFeature.INDENT_OUTPUT)
            .with(JsonWriteFeature.ESCAPE_NON_ASCII)
            .with(new AsciiOnly());

    /** JSON's standard escapes, plus DEL. */
    private static final class AsciiOnly extends CharacterEscapes {
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        AsciiOnly() {
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static void print(PrintWriter out, ObjectNode node) {
        try {
            out.println(WRITER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
