package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.simulator.Route.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Simulated Gemini {@code generateContent} and {@code streamGenerateContent}. The model comes
 * from the path. {@code generationConfig.maxOutputTokens} bounds the reply, and
 * {@code finishReason} is {@code MAX_TOKENS} when it cut the reply short, else {@code STOP}.
 * A stream sends one chunk per word, each with {@code usageMetadata} counting the output so
 * far, because Gemini's stream usage is cumulative. With {@code alt=sse} the chunks are
 * server-sent events, and without it they form one JSON array, as Gemini sends them.
 */
final class GeminiContent {
    private GeminiContent() {
    }

    static SimulatedResponse respond(Call call) {
        try {
            return reply(call);
        } catch (InvalidRequestException e) {
            return ErrorBodies.gemini(e);
        }
    }

    private static SimulatedResponse reply(Call call) {
        JsonNode body = RequestFields.parseObject(call.body());
        RequestFields.nonEmptyArray(body, "contents", "an array of {role, parts} contents");
        OptionalInt maxTokens = RequestFields.positiveInt(body.path("generationConfig"),
                "maxOutputTokens", "generationConfig.maxOutputTokens");
        Route route = call.route();
        Reply reply = Reply.of(call, route.pathModel(), body, maxTokens);

        if (route.endpoint() == Endpoint.GEMINI_GENERATE) {
            return SimulatedResponse.json(200, whole(reply));
        }
        List<ObjectNode> chunks = chunks(reply);
        if (!route.serverSentEvents()) {
            ArrayNode array = Wire.array();
            chunks.forEach(array::add);
            return SimulatedResponse.json(200, array);
        }
        List<byte[]> events = new ArrayList<>();
        chunks.forEach(chunk -> events.add(Wire.dataEvent(chunk)));
        return SimulatedResponse.eventStream(events);
    }

    private static ObjectNode whole(Reply reply) {
        return response(reply, reply.text().text(), finishReason(reply), reply.outputTokens());
    }

    /** Returns one chunk per word, the last one with the finish reason. */
    private static List<ObjectNode> chunks(Reply reply) {
        List<String> words = reply.words();
        List<ObjectNode> chunks = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            boolean last = i == words.size() - 1;
            String finishReason = last ? finishReason(reply) : null;
            int outputSoFar = reply.outputTokensOfFirst(i + 1);
            chunks.add(response(reply, words.get(i), finishReason, outputSoFar));
        }
        return chunks;
    }

    private static ObjectNode response(
            Reply reply, String text, String finishReason, int outputTokens) {
        ObjectNode content = Wire.object();
        content.set("parts", Wire.array().add(Wire.object().put("text", text)));
        content.put("role", "model");

        ObjectNode candidate = Wire.object();
        candidate.set("content", content);
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);

        ObjectNode response = Wire.object();
        response.set("candidates", Wire.array().add(candidate));
        response.set("usageMetadata", Wire.object()
                .put("promptTokenCount", reply.inputTokens())
                .put("candidatesTokenCount", outputTokens)
                .put("totalTokenCount", reply.inputTokens() + outputTokens));
        response.put("modelVersion", reply.model());
        response.put("responseId", reply.call().idSuffix());
        return response;
    }

    private static String finishReason(Reply reply) {
        return reply.text().truncated() ? "MAX_TOKENS" : "STOP";
    }
}
