package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.OptionalInt;

/** Reads and checks the request fields the provider formats share. */
final class RequestFields {
    private RequestFields() {
    }

    /** Parses the body as a JSON object, or throws {@link InvalidRequestException}. */
    static JsonNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : Wire.parse(body);
        } catch (IOException e) {
            throw new InvalidRequestException(null, "invalid_json",
                    "The request body is not valid JSON. Send a JSON object.");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException(null, "invalid_json",
                    "The request body must be a JSON object.");
        }
        return node;
    }

    /** Returns the {@code model} string, or throws when it is missing or empty. */
    static String model(JsonNode body) {
        JsonNode model = body.path("model");
        if (model.isMissingNode() || model.isNull()) {
            throw InvalidRequestException.missing("model", "a model name such as gpt-4o-mini");
        }
        if (!model.isTextual() || model.textValue().isBlank()) {
            throw InvalidRequestException.invalid("model", "'model' must be a non-empty string.");
        }
        return model.textValue();
    }

    /** Returns a non-empty array field, or throws when it is missing, not an array or empty. */
    static JsonNode nonEmptyArray(JsonNode body, String field, String expected) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw InvalidRequestException.missing(field, expected);
        }
        if (!value.isArray() || value.isEmpty()) {
            throw InvalidRequestException.invalid(field,
                    "'" + field + "' must be a non-empty array. Send " + expected + ".");
        }
        return value;
    }

    /**
     * Returns a positive integer field of {@code node}, empty when it is absent or null.
     *
     * @param param the field's name in error messages, such as {@code generationConfig.maxOutputTokens}
     * @throws InvalidRequestException when the field is not an integer of at least 1
     */
    static OptionalInt positiveInt(JsonNode node, String field, String param) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return OptionalInt.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw InvalidRequestException.invalid(param,
                    "'" + param + "' must be an integer of at least 1, not " + value + ".");
        }
        return OptionalInt.of(value.intValue());
    }

    /** Returns whether a field is the JSON value {@code true}. */
    static boolean isTrue(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isBoolean() && value.booleanValue();
    }
}
