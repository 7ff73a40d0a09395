package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a simulated OpenAI chat completions stream: a chunk with the assistant role,
 * one content chunk per word, a chunk with {@code finish_reason}, then {@code data: [DONE]}.
 * With {@code stream_options.include_usage: true}, every chunk has {@code usage: null} and a
 * last chunk with no choices carries the usage before {@code [DONE]}, as OpenAI sends it.
 */
final class OpenAiChatStream {
    private OpenAiChatStream() {
    }

    static List<byte[]> events(Reply reply, boolean includeUsage) {
        List<byte[]> events = new ArrayList<>();
        ObjectNode roleDelta = Wire.object()
                .put("role", "assistant")
                .put("content", "")
                .putNull("refusal");
        events.add(chunk(reply, includeUsage, roleDelta, null));

        for (String word : reply.words()) {
            ObjectNode contentDelta = Wire.object().put("content", word);
            events.add(chunk(reply, includeUsage, contentDelta, null));
        }
        events.add(chunk(reply, includeUsage, Wire.object(), OpenAiChat.finishReason(reply)));

        if (includeUsage) {
            ObjectNode usageChunk = base(reply);
            usageChunk.set("choices", Wire.array());
            usageChunk.set("usage", OpenAiChat.usage(reply));
            events.add(Wire.dataEvent(usageChunk));
        }
        events.add(Wire.doneEvent());
        return events;
    }

    private static byte[] chunk(
            Reply reply, boolean includeUsage, ObjectNode delta, String finishReason) {
        ObjectNode choice = Wire.object().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);

        ObjectNode chunk = base(reply);
        chunk.set("choices", Wire.array().add(choice));
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return Wire.dataEvent(chunk);
    }

    private static ObjectNode base(Reply reply) {
        ObjectNode chunk = OpenAiChat.header(reply, "chat.completion.chunk");
        chunk.put("service_tier", "default");
        chunk.putNull("system_fingerprint");
        return chunk;
    }
}
