package io.fieldflash.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import java.util.ArrayList;
import java.util.List;

/** What the device does with a request: answer it, or drop the connection without a word. */
public sealed interface Reply {

    /**
     * An HTTP response.
     *
     * @param close     close the connection after this response
     * @param afterSend run once the response has been written and flushed (e.g. start a reboot)
     */
    record Respond(int status, List<Header> headers, byte[] body, boolean close, Runnable afterSend) implements Reply {
        public Respond {
            headers = List.copyOf(headers);
        }

        public Respond header(String name, Object value) {
            List<Header> h = new ArrayList<>(headers);
            h.add(new Header(name, String.valueOf(value)));
            return new Respond(status, h, body, close, afterSend);
        }

        public Respond closing() {
            return new Respond(status, headers, body, true, afterSend);
        }

        public Respond then(Runnable r) {
            return new Respond(status, headers, body, close, r);
        }

        /** The first header named {@code name} (case-insensitive), or null. */
        String headerValue(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
        }
    }

    /** Close the connection without answering; {@code reset} sends a TCP RST, as a lost link or a dead device does. */
    record Abort(boolean reset, String why) implements Reply {}

    record Header(String name, String value) {}

    /** A text answer, as the Arduino web servers send them. */
    static Respond text(int status, String contentType, String body) {
        return new Respond(status, List.of(new Header("Content-Type", contentType)),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), false, () -> {});
    }

    static Respond status(int status) {
        return new Respond(status, List.of(), new byte[0], false, () -> {});
    }

    static Respond json(int status, ObjectNode body) {
        try {
            byte[] bytes = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(body);
            return new Respond(status, List.of(new Header("Content-Type", "application/json")), bytes, false, () -> {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": code, "message": message}}: the code for programs, the sentence for people. */
    static Respond error(int status, String code, String message) {
        return json(status, Json.MAPPER.createObjectNode().put("error", code).put("message", message));
    }
}
