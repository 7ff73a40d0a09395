package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.money.Money;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Checks the catalogue against the costs that providers reported in recorded responses. The
 * recordings live outside the repository; the test is skipped when
 * {@code TOLLGATE_PROVIDER_FIXTURES} does not name their folder.
 */
class ProviderCostsFixtureTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** The provider and model of each recording that reports a cost. */
    private static final Map<String, String[]> MODELS = Map.of(
            "openrouter/chat_stream_cached_cost.sse",
            new String[] {"openrouter", "x-ai/grok-4"},
            "openrouter/chat_completion_reasoning_cost.json",
            new String[] {"openrouter", "openai/gpt-5-mini"},
            "openrouter/chat_stream_midstream_error_with_usage.sse",
            new String[] {"openrouter", "minimax/minimax-m2:free"});

    @Test
    void catalogueMatchesReportedCosts() throws IOException {
        String folder = System.getenv("TOLLGATE_PROVIDER_FIXTURES");
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)),
                "TOLLGATE_PROVIDER_FIXTURES does not name the recordings folder");
        JsonNode files = JSON.readTree(Path.of(folder, "expected_usage.json").toFile())
                .get("files");
        PriceCatalogue catalogue = PriceCatalogue.load(Optional.empty());

        int checked = 0;
        for (Map.Entry<String, JsonNode> file : files.properties()) {
            JsonNode reported = file.getValue().get("provider_cost_usd");
            if (reported == null) {
                continue;
            }
            String[] model = MODELS.get(file.getKey());
            assertThat(model).as("provider and model of %s", file.getKey()).isNotNull();
            ModelPrice price = catalogue.find(model[0], model[1]).orElseThrow();

            Money cost = ProviderCosts.cost(price, usage(file.getValue()));

            assertThat(cost).as(file.getKey()).isEqualTo(Money.fromExact(reported.decimalValue()));
            checked++;
        }
        assertThat(checked).isEqualTo(MODELS.size());
    }

    private static TokenUsage usage(JsonNode file) {
        return new TokenUsage(file.get("input_uncached").longValue(),
                file.get("cache_read").longValue(), file.get("cache_write").longValue(),
                file.get("output_total").longValue(), file.get("reasoning").longValue(),
                file.get("provider_total").longValue());
    }
}
