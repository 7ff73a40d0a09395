package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalInt;

/**
 * Simulated OpenAI chat completions: a {@code chat.completion} body, or with {@code stream: true}
 * a stream of {@code chat.completion.chunk} events. {@code max_completion_tokens}, or else
 * {@code max_tokens}, bounds the reply and {@code finish_reason} is {@code length} when it cut
 * the reply short.
 */
final class OpenAiChat {
    private OpenAiChat() {
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
        RequestFields.nonEmptyArray(body, "messages", "an array of {role, content} messages");
        OptionalInt maxTokens = maxTokens(body);
        // NOTE: a request with n above 1 still gets a single choice.
        Reply reply = Reply.of(call, model, body, maxTokens);

        if (RequestFields.isTrue(body, "stream")) {
            boolean includeUsage =
                    RequestFields.isTrue(body.path("stream_options"), "include_usage");
            return SimulatedResponse.eventStream(OpenAiChatStream.events(reply, includeUsage));
        }
        return SimulatedResponse.json(200, completion(reply));
    }

    private static OptionalInt maxTokens(JsonNode body) {
        OptionalInt legacy = RequestFields.positiveInt(body, "max_tokens", "max_tokens");
        OptionalInt current = RequestFields.positiveInt(
                body, "max_completion_tokens", "max_completion_tokens");
        return current.isPresent() ? current : legacy;
    }

    private static ObjectNode completion(Reply reply) {
        ObjectNode message = Wire.object()
                .put("role", "assistant")
                .put("content", reply.text().text())
                .putNull("refusal");
        message.set("annotations", Wire.array());

        ObjectNode choice = Wire.object().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(reply));

        ObjectNode body = header(reply, "chat.completion");
        body.set("choices", Wire.array().add(choice));
        body.set("usage", usage(reply));
        body.put("service_tier", "default");
        body.putNull("system_fingerprint");
        return body;
    }

    /** Returns the fields that open every completion and chunk: id, object, created, model. */
    static ObjectNode header(Reply reply, String object) {
        return Wire.object()
                .put("id", reply.call().id("chatcmpl-"))
                .put("object", object)
                .put("created", reply.call().createdSeconds())
                .put("model", reply.model());
    }

    static String finishReason(Reply reply) {
        return reply.text().truncated() ? "length" : "stop";
    }

    /** Returns the {@code usage} object, with zero cached, audio and reasoning tokens. */
    static ObjectNode usage(Reply reply) {
        ObjectNode usage = Wire.object()
                .put("prompt_tokens", reply.inputTokens())
                .put("completion_tokens", reply.outputTokens())
                .put("total_tokens", reply.totalTokens());
        usage.set("prompt_tokens_details", Wire.object()
                .put("cached_tokens", 0)
                .put("audio_tokens", 0));
        usage.set("completion_tokens_details", Wire.object()
                .put("reasoning_tokens", 0)
                .put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0)
                .put("rejected_prediction_tokens", 0));
        return usage;
    }
}
