package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Makes reproducible unit-length vectors from a hash of one embedding input. */
final class EmbeddingVectors {
    private EmbeddingVectors() {
    }

    /**
     * Returns a vector of {@code dimensions} floats whose Euclidean length is 1 (within float
     * rounding), seeded by the input's text or token ids.
     */
    static float[] of(JsonNode input, int dimensions) {
        String key = input.isTextual() ? "text:" + input.textValue() : "tokens:" + input;
        SplittableRandom random = new SplittableRandom(
                Seeds.of(key.getBytes(StandardCharsets.UTF_8)));
        double[] values = new double[dimensions];
        double squares = 0;
        for (int i = 0; i < dimensions; i++) {
            values[i] = random.nextDouble(-1.0, 1.0);
            squares += values[i] * values[i];
        }
        double length = Math.sqrt(squares);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (values[i] / length);
        }
        return vector;
    }
}
