package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;

/**
 * Simulated OpenAI embeddings. {@code input} is a string, an array of strings, an array of token
 * ids or an array of token-id arrays, and each input gets one unit-length vector made from a
 * hash of that input alone, so equal inputs get equal vectors in any request.
 * {@code encoding_format: base64} returns the vector as little-endian 32-bit floats, as the
 * OpenAI client libraries request by default.
 */
final class OpenAiEmbeddings {
    /** Vector length when the request gives no {@code dimensions}, small to keep bodies short. */
    static final int DEFAULT_DIMENSIONS = 16;

    /**
     * Largest vector length accepted. NOTE: 3072 is the output size of text-embedding-3-large,
     * OpenAI's largest, and other providers' models may allow more.
     */
    static final int MAX_DIMENSIONS = 3072;

    private OpenAiEmbeddings() {
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
        List<JsonNode> inputs = inputs(body.path("input"));
        int dimensions = dimensions(body);
        boolean base64 = base64(body);

        ArrayNode data = Wire.array();
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = EmbeddingVectors.of(inputs.get(i), dimensions);
            ObjectNode item = Wire.object().put("object", "embedding").put("index", i);
            if (base64) {
                item.put("embedding", encode(vector));
            } else {
                item.set("embedding", floats(vector));
            }
            data.add(item);
        }

        int promptTokens = TokenCounter.countRequestInput(model, body);
        ObjectNode response = Wire.object().put("object", "list");
        response.set("data", data);
        response.put("model", model);
        response.set("usage", Wire.object()
                .put("prompt_tokens", promptTokens)
                .put("total_tokens", promptTokens));
        return SimulatedResponse.json(200, response);
    }

    /** Returns each input to embed, or throws when {@code input} is missing or of a wrong type. */
    private static List<JsonNode> inputs(JsonNode input) {
        String expected = "a string or an array of strings";
        if (input.isMissingNode() || input.isNull()) {
            throw InvalidRequestException.missing("input", expected);
        }
        if (isNonEmptyText(input)) {
            return List.of(input);
        }
        if (!input.isArray() || input.isEmpty()) {
            throw InvalidRequestException.invalid("input", "'input' must be a non-empty string"
                    + " or a non-empty array. Send " + expected + ".");
        }
        if (isTokenIds(input)) {
            return List.of(input);
        }
        List<JsonNode> inputs = new ArrayList<>();
        for (JsonNode element : input) {
            if (!isNonEmptyText(element) && !isTokenIds(element)) {
                throw InvalidRequestException.invalid("input", "Each element of 'input' must be a"
                        + " non-empty string or a non-empty array of token ids, not "
                        + element + ".");
            }
            inputs.add(element);
        }
        return inputs;
    }

    private static boolean isNonEmptyText(JsonNode node) {
        return node.isTextual() && !node.textValue().isEmpty();
    }

    private static boolean isTokenIds(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static int dimensions(JsonNode body) {
        int dimensions = RequestFields.positiveInt(body, "dimensions", "dimensions")
                .orElse(DEFAULT_DIMENSIONS);
        if (dimensions > MAX_DIMENSIONS) {
            throw InvalidRequestException.invalid("dimensions",
                    "'dimensions' must be at most " + MAX_DIMENSIONS + ", not " + dimensions + ".");
        }
        return dimensions;
    }

    private static boolean base64(JsonNode body) {
        JsonNode format = body.path("encoding_format");
        if (format.isMissingNode() || format.isNull() || format.asText().equals("float")) {
            return false;
        }
        if (format.asText().equals("base64")) {
            return true;
        }
        throw InvalidRequestException.invalid("encoding_format",
                "'encoding_format' must be 'float' or 'base64', not " + format + ".");
    }

    private static ArrayNode floats(float[] vector) {
        ArrayNode array = Wire.array();
        for (float value : vector) {
            array.add(value);
        }
        return array;
    }

    private static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
