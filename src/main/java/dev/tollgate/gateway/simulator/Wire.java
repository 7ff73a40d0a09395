package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON and server-sent event encoding shared by the provider formats. Thread-safe. */
final class Wire {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private Wire() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses a request body, or throws {@link IOException} when it is not one JSON value. */
    static JsonNode parse(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    static byte[] json(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("simulated body cannot be written as JSON", e);
        }
    }

    /** Encodes one unnamed event: a {@code data:} line and a blank line. */
    static byte[] dataEvent(JsonNode data) {
        return event("data: " + text(data) + "\n\n");
    }

    /** Encodes one named event: an {@code event:} line, a {@code data:} line and a blank line. */
    static byte[] namedEvent(String name, JsonNode data) {
        return event("event: " + name + "\ndata: " + text(data) + "\n\n");
    }

    /** Returns the event that ends an OpenAI chat completions stream. */
    static byte[] doneEvent() {
        return DONE.clone();
    }

    private static String text(JsonNode node) {
        return new String(json(node), StandardCharsets.UTF_8);
    }

    private static byte[] event(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
