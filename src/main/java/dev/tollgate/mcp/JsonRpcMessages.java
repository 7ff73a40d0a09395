package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Checks the shape of one JSON-RPC 2.0 message before the MCP SDK converts it, so a malformed
 * message gets a 400 that names the field at fault. Batches (JSON arrays) are not accepted,
 * because MCP removed them in protocol version 2025-06-18.
 */
final class JsonRpcMessages {
    private JsonRpcMessages() {
    }

    /** Returns what is wrong with {@code message}, or empty when it is a valid message. */
    static Optional<String> problem(JsonNode message) {
        if (message == null || message.isMissingNode()) {
            return Optional.of("The body is empty. Send one JSON-RPC 2.0 message as a JSON"
                    + " object.");
        }
        if (message.isArray()) {
            return Optional.of("JSON-RPC batches are not supported. Send one message per"
                    + " request.");
        }
        if (!message.isObject()) {
            return Optional.of("The message must be a JSON-RPC 2.0 object, not " + message
                    .getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ".");
        }
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            return Optional.of("Field 'jsonrpc' must be \"2.0\".");
        }
        if (message.has("id") && !isValidId(message.get("id"))) {
            return Optional.of("Field 'id' must be a string or an integer from " + Long.MIN_VALUE
                    + " to " + Long.MAX_VALUE + ".");
        }
        if (message.has("method")) {
            return methodProblem(message);
        }
        if (!message.has("id") || message.has("result") == message.has("error")) {
            return Optional.of("The message has no 'method', so it must be a response with"
                    + " 'id' and exactly one of 'result' or 'error'.");
        }
        return Optional.empty();
    }

    private static Optional<String> methodProblem(JsonNode message) {
        JsonNode method = message.get("method");
        if (!method.isTextual() || method.asText().isBlank()) {
            return Optional.of("Field 'method' must be a non-empty string, such as"
                    + " \"tools/list\".");
        }
        JsonNode params = message.get("params");
        if (params != null && !params.isObject()) {
            return Optional.of("Field 'params' must be a JSON object when present.");
        }
        return Optional.empty();
    }

    /**
     * Returns what is wrong with the params of an {@code initialize} or {@code tools/call}
     * request, which the SDK would otherwise fail on with an internal error, or empty.
     */
    static Optional<String> paramsProblem(JsonNode request) {
        String method = request.get("method").asText();
        JsonNode params = request.path("params");
        if (method.equals("initialize") && !params.path("protocolVersion").isTextual()) {
            return Optional.of("Invalid params for initialize: 'params.protocolVersion' must be"
                    + " a string, such as \"2025-06-18\".");
        }
        if (method.equals("tools/call")) {
            if (!params.path("name").isTextual() || params.path("name").asText().isBlank()) {
                return Optional.of("Invalid params for tools/call: 'params.name' must be a tool"
                        + " name from tools/list.");
            }
            if (params.has("arguments") && !params.get("arguments").isObject()) {
                return Optional.of("Invalid params for tools/call: 'params.arguments' must be a"
                        + " JSON object of the tool's arguments.");
            }
        }
        return Optional.empty();
    }

    /** Returns whether a valid message is a request: a method and an id. */
    static boolean isRequest(JsonNode message) {
        return message.has("method") && message.has("id");
    }

    /** Returns whether a valid message is a notification: a method and no id. */
    static boolean isNotification(JsonNode message) {
        return message.has("method") && !message.has("id");
    }

    /** Returns the message's id when it is a valid one, to echo in an error response. */
    static Optional<JsonNode> idOf(JsonNode message) {
        if (message == null || !message.isObject()) {
            return Optional.empty();
        }
        JsonNode id = message.get("id");
        return isValidId(id) ? Optional.of(id) : Optional.empty();
    }

    /**
     * MCP ids are strings or integers, and never null. The SDK rejects an integer outside the
     * range of a Java {@code long}, so this check does too.
     */
    private static boolean isValidId(JsonNode id) {
        return id != null && (id.isTextual() || id.isIntegralNumber() && id.canConvertToLong());
    }
}
