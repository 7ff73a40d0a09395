package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The 400 responses of each provider format, in that provider's own error body shape. */
final class ErrorBodies {
    private static final int BAD_REQUEST = 400;

    private ErrorBodies() {
    }

    /** OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}. */
    static SimulatedResponse openAi(InvalidRequestException error) {
        ObjectNode detail = Wire.object()
                .put("message", error.getMessage())
                .put("type", "invalid_request_error")
                .put("param", error.param())
                .put("code", error.code());
        ObjectNode body = Wire.object();
        body.set("error", detail);
        return SimulatedResponse.json(BAD_REQUEST, body);
    }

    /** Anthropic's shape: {@code {"type": "error", "error": {"type", "message"}}}. */
    static SimulatedResponse anthropic(InvalidRequestException error) {
        ObjectNode detail = Wire.object()
                .put("type", "invalid_request_error")
                .put("message", error.getMessage());
        ObjectNode body = Wire.object().put("type", "error");
        body.set("error", detail);
        return SimulatedResponse.json(BAD_REQUEST, body);
    }

    /** Google's shape: {@code {"error": {"code": 400, "message", "status"}}}. */
    static SimulatedResponse gemini(InvalidRequestException error) {
        ObjectNode detail = Wire.object()
                .put("code", BAD_REQUEST)
                .put("message", error.getMessage())
                .put("status", "INVALID_ARGUMENT");
        ObjectNode body = Wire.object();
        body.set("error", detail);
        return SimulatedResponse.json(BAD_REQUEST, body);
    }
}
