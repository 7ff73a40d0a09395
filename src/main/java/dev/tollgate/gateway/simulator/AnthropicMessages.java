package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Simulated Anthropic messages: a {@code message} body, or with {@code stream: true} named
 * events from {@code message_start} to {@code message_stop}. {@code max_tokens} is required, as
 * Anthropic requires it, and bounds the reply. {@code stop_reason} is {@code max_tokens} when it
 * cut the reply short, else {@code end_turn}.
 */
final class AnthropicMessages {
    private AnthropicMessages() {
    }

    static SimulatedResponse respond(Call call) {
        try {
            return reply(call);
        } catch (InvalidRequestException e) {
            return ErrorBodies.anthropic(e);
        }
    }

    private static SimulatedResponse reply(Call call) {
        JsonNode body = RequestFields.parseObject(call.body());
        String model = RequestFields.model(body);
        RequestFields.nonEmptyArray(body, "messages", "an array of {role, content} messages");
        OptionalInt maxTokens = RequestFields.positiveInt(body, "max_tokens", "max_tokens");
        if (maxTokens.isEmpty()) {
            throw InvalidRequestException.missing("max_tokens", "the reply's token limit");
        }
        Reply reply = Reply.of(call, model, body, maxTokens);

        if (RequestFields.isTrue(body, "stream")) {
            return SimulatedResponse.eventStream(events(reply));
        }
        ObjectNode message = message(reply, stopReason(reply), reply.outputTokens());
        message.set("content", Wire.array().add(textBlock(reply.text().text())));
        return SimulatedResponse.json(200, message);
    }

    /** Returns a message object with empty content, as the body and stream both start it. */
    private static ObjectNode message(Reply reply, String stopReason, int outputTokens) {
        ObjectNode message = Wire.object()
                .put("id", reply.call().id("msg_"))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", reply.model());
        message.set("content", Wire.array());
        message.put("stop_reason", stopReason).putNull("stop_sequence");
        message.set("usage", Wire.object()
                .put("input_tokens", reply.inputTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0)
                .put("output_tokens", outputTokens));
        return message;
    }

    /**
     * Returns the stream's events. {@code message_start} reports 1 output token, as Anthropic's
     * does, and {@code message_delta} the final output count.
     */
    private static List<byte[]> events(Reply reply) {
        List<byte[]> events = new ArrayList<>();
        ObjectNode start = typed("message_start");
        start.set("message", message(reply, null, 1));
        events.add(event(start));

        ObjectNode blockStart = typed("content_block_start").put("index", 0);
        blockStart.set("content_block", textBlock(""));
        events.add(event(blockStart));
        events.add(event(typed("ping")));

        for (String word : reply.words()) {
            ObjectNode delta = typed("content_block_delta").put("index", 0);
            delta.set("delta", Wire.object().put("type", "text_delta").put("text", word));
            events.add(event(delta));
        }
        events.add(event(typed("content_block_stop").put("index", 0)));

        ObjectNode messageDelta = typed("message_delta");
        messageDelta.set("delta", Wire.object()
                .put("stop_reason", stopReason(reply))
                .putNull("stop_sequence"));
        messageDelta.set("usage", Wire.object().put("output_tokens", reply.outputTokens()));
        events.add(event(messageDelta));
        events.add(event(typed("message_stop")));
        return events;
    }

    private static ObjectNode textBlock(String text) {
        return Wire.object().put("type", "text").put("text", text);
    }

    private static ObjectNode typed(String type) {
        return Wire.object().put("type", type);
    }

    /** Encodes an event named after its {@code type} field, as Anthropic names them. */
    private static byte[] event(ObjectNode data) {
        return Wire.namedEvent(data.path("type").textValue(), data);
    }

    private static String stopReason(Reply reply) {
        return reply.text().truncated() ? "max_tokens" : "end_turn";
    }
}
