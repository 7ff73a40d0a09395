package dev.tollgate.mcp;

import static dev.tollgate.mcp.JsonRpcReplies.INTERNAL_ERROR;
import static dev.tollgate.mcp.JsonRpcReplies.INVALID_PARAMS;
import static dev.tollgate.mcp.JsonRpcReplies.INVALID_REQUEST;
import static dev.tollgate.mcp.JsonRpcReplies.PARSE_ERROR;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's stateless server transport on a Helidon route: each POST carries one JSON-RPC
 * message and gets the reply in the HTTP response, with no session and no event stream. A
 * request gets 200 with its JSON-RPC response, and a notification or a response gets 202 with no
 * body. Every malformed HTTP request gets a 4xx JSON-RPC error that describes the fix.
 *
 * <p>The caller authenticates before this transport runs; {@link #handle} receives the context
 * that the tools need. Thread-safe once the SDK has set the handler.
 */
final class StatelessHttpTransport implements McpStatelessServerTransport {
    /**
     * The largest message accepted. NOTE: chosen to fit long prompts; audio and other uploads
     * go to {@code /v1/forward} directly, which accepts 32 MiB.
     */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final HeaderName PROTOCOL_VERSION = HeaderNames.create(
            "MCP-Protocol-Version");
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JacksonMcpJsonMapper mapper;
    private volatile McpStatelessServerHandler handler;
    private volatile boolean closing;

    StatelessHttpTransport(JacksonMcpJsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> closing = true);
    }

    /** Handles one authenticated POST; {@code context} reaches the tool handlers. */
    void handle(ServerRequest request, ServerResponse response, McpTransportContext context) {
        if (closing || handler == null) {
            JsonRpcReplies.sendError(response, 503, null, INTERNAL_ERROR,
                    "The MCP server is not running; retry later.");
            return;
        }
        JsonNode message;
        try {
            checkHeaders(request);
            message = parse(readBody(request));
        } catch (Rejection e) {
            JsonRpcReplies.sendError(response, e.status, e.id, e.code, e.getMessage());
            return;
        }
        dispatch(message, response, context);
    }

    /** An HTTP request this transport does not accept, with the JSON-RPC error to send. */
    private static final class Rejection extends RuntimeException {
        private final int status;
        private final int code;
        private final JsonNode id;

        Rejection(int status, int code, JsonNode id, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.id = id;
        }

        Rejection(int status, String message) {
            this(status, INVALID_REQUEST, null, message);
        }
    }

    private void checkHeaders(ServerRequest request) {
        if (request.headers().contentType().isEmpty()
                || !request.headers().testContentType(MediaTypes.APPLICATION_JSON)) {
            throw new Rejection(415, "Unsupported Content-Type: send the JSON-RPC message with"
                    + " 'Content-Type: application/json'.");
        }
        if (!request.headers().isAccepted(MediaTypes.APPLICATION_JSON)) {
            throw new Rejection(406, "The Accept header must allow application/json, such as"
                    + " 'Accept: application/json, text/event-stream'. This server replies with"
                    + " JSON only.");
        }
        Optional<String> version = request.headers().first(PROTOCOL_VERSION);
        if (version.isPresent() && !protocolVersions().contains(version.get().strip())) {
            throw new Rejection(400, "Unsupported MCP-Protocol-Version '" + version.get()
                    + "'. This server supports " + String.join(", ", protocolVersions())
                    + "; send the version that initialize returned.");
        }
    }

    /** Reads the body, at most {@link #MAX_BODY_BYTES} long. */
    private static byte[] readBody(ServerRequest request) {
        String tooLarge = "The request body is larger than " + MAX_BODY_BYTES + " bytes. Send"
                + " large inputs to /v1/forward instead.";
        if (request.headers().contentLength().orElse(0) > MAX_BODY_BYTES) {
            throw new Rejection(413, tooLarge);
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new Rejection(413, tooLarge);
            }
            return bytes;
        } catch (IOException | UncheckedIOException e) {
            throw new Rejection(400, "The request body could not be read: " + e.getMessage());
        }
    }

    /** Parses one JSON-RPC message and checks its shape. */
    private static JsonNode parse(byte[] body) {
        JsonNode message;
        try {
            message = STRICT_JSON.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException json ? json.getOriginalMessage()
                    : e.getMessage();
            throw new Rejection(400, PARSE_ERROR, null, "The body is not valid JSON: " + detail
                    + ". Send one JSON-RPC 2.0 message as a JSON object.");
        }
        Optional<String> problem = JsonRpcMessages.problem(message);
        if (problem.isPresent()) {
            throw new Rejection(400, INVALID_REQUEST, JsonRpcMessages.idOf(message).orElse(null),
                    problem.get());
        }
        return message;
    }

    private void dispatch(JsonNode message, ServerResponse response,
            McpTransportContext context) {
        if (JsonRpcMessages.isRequest(message)) {
            JsonRpcReplies.send(response, 200, write(reply(message, context)));
            return;
        }
        if (JsonRpcMessages.isNotification(message)) {
            handler.handleNotification(context, mapper.convertValue(message,
                            McpSchema.JSONRPCNotification.class))
                    .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, context))
                    .block();
        }
        // The server sends clients no requests, so a response from a client needs no action.
        response.status(Status.ACCEPTED_202).send();
    }

    /**
     * Returns the SDK's response to a request. Invalid params get a JSON-RPC error with HTTP
     * 200, as the SDK does for an unknown method or tool.
     */
    private McpSchema.JSONRPCResponse reply(JsonNode message, McpTransportContext context) {
        JsonNode id = message.get("id");
        Optional<String> problem = JsonRpcMessages.paramsProblem(message);
        McpSchema.JSONRPCRequest request = mapper.convertValue(message,
                McpSchema.JSONRPCRequest.class);
        if (problem.isPresent()) {
            return invalidParams(request, problem.get());
        }
        McpSchema.JSONRPCResponse reply;
        try {
            reply = handler.handleRequest(context, request)
                    .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, context))
                    .block();
        } catch (IllegalArgumentException e) {
            // The SDK converts params to its types before its own error handling starts.
            return invalidParams(request, "Invalid params for " + request.method() + ": they do"
                    + " not match the MCP schema of this method.");
        }
        if (reply == null) {
            throw new IllegalStateException("the MCP handler returned no response to "
                    + request.method() + " id=" + id);
        }
        return reply;
    }

    private static McpSchema.JSONRPCResponse invalidParams(McpSchema.JSONRPCRequest request,
            String message) {
        return McpSchema.JSONRPCResponse.error(request.id(),
                new McpSchema.JSONRPCResponse.JSONRPCError(INVALID_PARAMS, message));
    }

    private String write(McpSchema.JSONRPCResponse reply) {
        try {
            return mapper.writeValueAsString(reply);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the MCP response", e);
        }
    }
}
