package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import java.util.List;
import java.util.Map;

/**
 * A running token count of the parts of one request body, in one encoding. Not thread-safe:
 * each count makes its own.
 */
final class PromptTally {
    private final Encoding encoding;
    private long tokens;

    PromptTally(Encoding encoding) {
        this.encoding = encoding;
    }

    /** Adds the tokens of {@code text}. */
    void text(String text) {
        if (text != null && !text.isEmpty()) {
            tokens += encoding.countTokensOrdinary(text);
        }
    }

    /** Adds the tokens of a JSON string. Other node types add nothing. */
    void text(JsonNode node) {
        if (node.isTextual()) {
            text(node.textValue());
        }
    }

    /** Adds a fixed number of framing tokens. */
    void tokens(int count) {
        tokens += count;
    }

    /** Adds the tokens of a JSON value written as compact JSON text. Absent values add none. */
    void json(JsonNode node) {
        if (node.isTextual()) {
            text(node.textValue());
        } else if (!node.isMissingNode() && !node.isNull()) {
            text(node.toString());
        }
    }

    /** Adds the tokens of every string value inside {@code node}, at any depth. */
    void allText(JsonNode node) {
        if (node.isTextual()) {
            text(node.textValue());
            return;
        }
        for (JsonNode child : node) {
            allText(child);
        }
    }

    /** Adds the tokens of every string value of an object except its {@code model} field. */
    void allTextExceptModel(JsonNode object) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!field.getKey().equals("model")) {
                allText(field.getValue());
            }
        }
    }

    /** Returns the elements of a JSON array, or none when {@code node} is not an array. */
    static Iterable<JsonNode> items(JsonNode node) {
        return node.isArray() ? node : List.of();
    }

    /** Returns the count so far, capped at {@link Integer#MAX_VALUE}. */
    int total() {
        return (int) Math.min(tokens, Integer.MAX_VALUE);
    }
}
