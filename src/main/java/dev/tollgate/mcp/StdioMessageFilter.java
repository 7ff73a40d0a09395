package dev.tollgate.mcp;

import static dev.tollgate.mcp.JsonRpcReplies.INVALID_PARAMS;
import static dev.tollgate.mcp.JsonRpcReplies.INVALID_REQUEST;
import static dev.tollgate.mcp.JsonRpcReplies.PARSE_ERROR;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads newline-delimited JSON-RPC messages from the client and passes only valid ones on to the
 * MCP SDK's stdio transport. The SDK stops reading for good at the first line it cannot convert,
 * and it delays a request sent before {@code notifications/initialized} until that notification
 * arrives. So this filter replies to such lines itself with a JSON-RPC error and keeps reading.
 */
final class StdioMessageFilter {
    private static final Logger LOG = LoggerFactory.getLogger(StdioMessageFilter.class);
    /** The maximum line length in bytes, the same limit as a POST to {@code /mcp}. */
    static final int MAX_LINE_BYTES = StatelessHttpTransport.MAX_BODY_BYTES;

    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final InputStream client;
    private final OutputStream toSdk;
    private final StdioOutput replies;
    private boolean initialized;

    /**
     * @param client the client's messages, one per line
     * @param toSdk where valid lines go, read by the SDK's transport
     * @param replies the client's output, shared with the SDK
     */
    StdioMessageFilter(InputStream client, OutputStream toSdk, StdioOutput replies) {
        this.client = client;
        this.toSdk = toSdk;
        this.replies = replies;
    }

    /**
     * Copies valid lines until the client closes its input. It leaves {@code toSdk} open,
     * because closing it stops the SDK's transport, which would drop replies still due.
     */
    void run() throws IOException {
        LineReader lines = new LineReader(client, MAX_LINE_BYTES);
        for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.tooLong()) {
                reply(null, INVALID_REQUEST, "The message is longer than " + MAX_LINE_BYTES
                        + " bytes. Send large inputs to /v1/forward instead.");
                continue;
            }
            String text = line.text().strip();
            if (!text.isEmpty()) {
                filter(text);
            }
        }
    }

    private void filter(String line) throws IOException {
        JsonNode message;
        try {
            message = STRICT_JSON.readTree(line);
        } catch (JsonProcessingException e) {
            reply(null, PARSE_ERROR, "Parse error: the line is not valid JSON: "
                    + e.getOriginalMessage() + ". Send one JSON-RPC 2.0 message per line.");
            return;
        }
        Optional<String> problem = JsonRpcMessages.problem(message);
        if (problem.isPresent()) {
            reply(JsonRpcMessages.idOf(message).orElse(null), INVALID_REQUEST, problem.get());
            return;
        }
        if (JsonRpcMessages.isNotification(message)
                && message.get("method").asText().equals("notifications/initialized")) {
            initialized = true;
        }
        if (JsonRpcMessages.isRequest(message)) {
            if (!checkRequest(message)) {
                return;
            }
            replies.expectReply(message.get("id"));
        }
        toSdk.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toSdk.flush();
    }

    /** Replies to a request the SDK cannot take yet, and returns whether to pass it on. */
    private boolean checkRequest(JsonNode request) throws IOException {
        JsonNode id = request.get("id");
        Optional<String> paramsProblem = JsonRpcMessages.paramsProblem(request);
        if (paramsProblem.isPresent()) {
            reply(id, INVALID_PARAMS, paramsProblem.get());
            return false;
        }
        String method = request.get("method").asText();
        if (initialized || method.equals("initialize")) {
            return true;
        }
        if (method.equals("ping")) {
            // MCP allows ping before initialization, but the SDK would delay it until then.
            ObjectNode pong = STRICT_JSON.createObjectNode().put("jsonrpc", "2.0");
            pong.set("id", id);
            pong.putObject("result");
            replies.writeLine(pong.toString());
            return false;
        }
        reply(id, INVALID_REQUEST, "The session is not initialized: send 'initialize', then the"
                + " 'notifications/initialized' notification, before '" + method + "'.");
        return false;
    }

    private void reply(JsonNode id, int code, String message) throws IOException {
        // The reason can quote the client's input, which may contain a key, so it is not logged.
        LOG.warn("Rejected an invalid MCP message on stdio code={} id={}", code, id);
        ObjectNode error = STRICT_JSON.createObjectNode().put("jsonrpc", "2.0");
        error.set("id", id == null ? STRICT_JSON.nullNode() : id);
        error.putObject("error").put("code", code).put("message", message);
        replies.writeLine(error.toString());
    }

    /** Splits a byte stream at '\n', marking lines longer than a limit instead of storing them. */
    private static final class LineReader {
        record Line(String text, boolean tooLong) {
        }

        private final InputStream in;
        private final int maxBytes;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        LineReader(InputStream in, int maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        /** Returns the next line, or null at the end of the input. */
        Line next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean tooLong = false;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return any ? new Line(line.toString(StandardCharsets.UTF_8), tooLong)
                                : null;
                    }
                }
                any = true;
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                if (!tooLong) {
                    line.write(buffer, start, position - start);
                    if (line.size() > maxBytes) {
                        tooLong = true;
                        line.reset();
                    }
                }
                if (position < limit) {
                    position++;
                    return new Line(line.toString(StandardCharsets.UTF_8), tooLong);
                }
            }
        }
    }
}
