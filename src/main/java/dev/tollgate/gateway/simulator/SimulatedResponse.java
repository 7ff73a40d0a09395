package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider response made by the {@link Simulator}, ready to send to the client.
 *
 * <p>A non-streaming response has its whole body in {@code body} and no events. A streaming
 * response has an empty {@code body} and its server-sent events in {@code events}, in order.
 * Each event is complete in wire form (such as {@code data: {...}} followed by a blank line), so
 * a relay can write and flush them one at a time. Header names are lower case, and every
 * response carries {@code content-type} and {@code x-tollgate-simulated: true}.
 *
 * <p>Immutable except the byte arrays, which callers must not modify. Equality compares the
 * arrays by reference, as for any record.
 *
 * @param status the HTTP status code
 * @param headers the response headers by lower-case name
 * @param body the response body, empty when {@code streaming} is true
 * @param events the server-sent events, empty when {@code streaming} is false
 * @param streaming whether the response is a server-sent event stream
 */
public record SimulatedResponse(
        int status,
        Map<String, String> headers,
        byte[] body,
        List<byte[]> events,
        boolean streaming) {

    /** The header that marks a response as made by the simulator, not by the provider. */
    public static final String SIMULATED_HEADER = "x-tollgate-simulated";

    public SimulatedResponse {
        headers = Map.copyOf(headers);
        body = Objects.requireNonNull(body, "body");
        events = List.copyOf(events);
    }

    /** Returns the response body as UTF-8 text, or the events joined when streaming. */
    public String bodyText() {
        if (!streaming) {
            return new String(body, StandardCharsets.UTF_8);
        }
        StringBuilder text = new StringBuilder();
        for (byte[] event : events) {
            text.append(new String(event, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    static SimulatedResponse json(int status, JsonNode body) {
        return new SimulatedResponse(status, headers("application/json"), Wire.json(body),
                List.of(), false);
    }

    /** Returns a 200 response with a body that is not JSON, such as audio or plain text. */
    static SimulatedResponse body(String contentType, byte[] body) {
        return new SimulatedResponse(200, headers(contentType), body, List.of(), false);
    }

    static SimulatedResponse eventStream(List<byte[]> events) {
        return new SimulatedResponse(200, headers("text/event-stream; charset=utf-8"),
                new byte[0], events, true);
    }

    private static Map<String, String> headers(String contentType) {
        return Map.of("content-type", contentType, SIMULATED_HEADER, "true");
    }
}
