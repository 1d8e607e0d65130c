package io.fieldflash.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import java.io.PrintWriter;

/** Machine-readable output: one compact JSON object on one line. */
final class JsonOut {
    private JsonOut() {}

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static void print(PrintWriter out, ObjectNode node) {
        try {
            out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
