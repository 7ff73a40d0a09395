package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON bodies on {@code /mcp}: JSON-RPC replies and errors, and the API's error body. */
final class JsonRpcReplies {
    /** JSON-RPC 2.0: the body is not valid JSON. */
    static final int PARSE_ERROR = -32700;
    /** JSON-RPC 2.0: the message is not a valid request, or the HTTP request around it is not. */
    static final int INVALID_REQUEST = -32600;
    /** JSON-RPC 2.0: the method exists but its params are invalid. */
    static final int INVALID_PARAMS = -32602;
    /** JSON-RPC 2.0: the server failed while handling a valid request. */
    static final int INTERNAL_ERROR = -32603;

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRpcReplies() {
    }

    /**
     * Sends a JSON-RPC error response with HTTP {@code status}.
     *
     * @param id the request's id, or null when it is unknown
     */
    static void sendError(ServerResponse response, int status, JsonNode id, int code,
            String message) {
        ObjectNode body = JSON.createObjectNode().put("jsonrpc", "2.0");
        body.set("id", id == null ? JSON.nullNode() : id);
        body.putObject("error").put("code", code).put("message", message);
        send(response, status, body.toString());
    }

    /**
     * Sends the error body of the rest of the API, {@code {"error": {type, code, message,
     * param}}}, for failures found before the MCP layer, such as a missing secret key.
     */
    static void sendApiError(ServerResponse response, int status, String type, String code,
            String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("type", type).put("code", code).put("message", message)
                .putNull("param");
        send(response, status, body.toString());
    }

    /** Sends a JSON body with HTTP {@code status}. */
    static void send(ServerResponse response, int status, String json) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(json);
    }
}
