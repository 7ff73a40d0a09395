package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalInt;

/**
 * Simulated OpenAI Responses API: a {@code response} body, or with {@code stream: true} the
 * events that {@link OpenAiResponsesStream} lists. {@code max_output_tokens} bounds the reply.
 * When it cut the reply short, the status is {@code incomplete} with reason
 * {@code max_output_tokens}, else {@code completed}.
 */
final class OpenAiResponses {
    private OpenAiResponses() {
    }

    static SimulatedResponse respond(Call call) {
        try {
            return reply(call);
        } catch (InvalidRequestException e) {
            return ErrorBodies.openAi(e);
        }
    }

    private static SimulatedResponse reply(Call call) {
        JsonNode body = RequestFields.parseObject(call.body());
        String model = RequestFields.model(body);
        checkInput(body.path("input"));
        OptionalInt maxTokens =
                RequestFields.positiveInt(body, "max_output_tokens", "max_output_tokens");
        Reply reply = Reply.of(call, model, body, maxTokens);

        if (RequestFields.isTrue(body, "stream")) {
            return SimulatedResponse.eventStream(OpenAiResponsesStream.events(reply, body));
        }
        return SimulatedResponse.json(200, finished(reply, body));
    }

    private static void checkInput(JsonNode input) {
        if (input.isMissingNode() || input.isNull()) {
            throw InvalidRequestException.missing("input", "a string or an array of input items");
        }
        if (!input.isTextual() && !(input.isArray() && !input.isEmpty())) {
            throw InvalidRequestException.invalid("input",
                    "'input' must be a string or a non-empty array of input items.");
        }
    }

    /** Returns the response object with no output yet, as a stream first reports it. */
    static ObjectNode started(Reply reply, JsonNode request) {
        ObjectNode response = Wire.object()
                .put("id", reply.call().id("resp_"))
                .put("object", "response")
                .put("created_at", reply.call().createdSeconds())
                .put("status", "in_progress")
                .putNull("error")
                .putNull("incomplete_details");
        JsonNode instructions = request.path("instructions");
        JsonNode maxOutputTokens = request.path("max_output_tokens");
        response.set("instructions",
                instructions.isTextual() ? instructions : NullNode.getInstance());
        response.set("max_output_tokens",
                maxOutputTokens.isInt() ? maxOutputTokens : NullNode.getInstance());
        response.put("model", reply.model());
        response.set("output", Wire.array());
        response.putNull("usage");
        return response;
    }

    /** Returns the final response object with its output message and usage. */
    static ObjectNode finished(Reply reply, JsonNode request) {
        ObjectNode response = started(reply, request);
        boolean truncated = reply.text().truncated();
        response.put("status", truncated ? "incomplete" : "completed");
        if (truncated) {
            response.set("incomplete_details",
                    Wire.object().put("reason", "max_output_tokens"));
        }
        response.set("output", Wire.array().add(outputMessage(reply, true)));
        response.set("usage", usage(reply));
        return response;
    }

    /** Returns the assistant message item, with its text when {@code done}. */
    static ObjectNode outputMessage(Reply reply, boolean done) {
        ObjectNode item = Wire.object()
                .put("id", reply.call().id("msg_"))
                .put("type", "message")
                .put("status", done ? "completed" : "in_progress")
                .put("role", "assistant");
        item.set("content", done ? Wire.array().add(outputText(reply.text().text()))
                : Wire.array());
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Wire.object().put("type", "output_text").put("text", text);
        part.set("annotations", Wire.array());
        return part;
    }

    private static ObjectNode usage(Reply reply) {
        ObjectNode usage = Wire.object().put("input_tokens", reply.inputTokens());
        usage.set("input_tokens_details", Wire.object().put("cached_tokens", 0));
        usage.put("output_tokens", reply.outputTokens());
        usage.set("output_tokens_details", Wire.object().put("reasoning_tokens", 0));
        usage.put("total_tokens", reply.totalTokens());
        return usage;
    }
}
