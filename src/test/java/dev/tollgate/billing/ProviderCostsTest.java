package dev.tollgate.billing;

import static dev.tollgate.billing.RatingTest.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.money.Money;
import dev.tollgate.money.Rate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderCostsTest {
    private static final PriceCatalogue CATALOGUE = PriceCatalogue.load(Optional.empty());

    @ParameterizedTest(name = "{0}/{1} {2}+{3}+{4} in, {5} out = {6}")
    @CsvSource(delimiter = '|', value = {
        // openrouter/chat_stream_cached_cost.sse: 8 x 3 + 679 x 0.75 + 187 x 15
        // = 24 + 509.25 + 2805 = 3338.25 / 1M = 0.00333825 (OpenRouter reported the same)
        "openrouter | x-ai/grok-4 | 8 | 679 | 0 | 187 | 0.00333825 | 0.00053325",
        // openrouter/chat_completion_reasoning_cost.json: 17 x 0.25 + 2177 x 2
        // = 4.25 + 4354 = 4358.25 / 1M = 0.00435825 (OpenRouter reported the same)
        "openrouter | openai/gpt-5-mini | 17 | 0 | 0 | 2177 | 0.00435825 | 0.00000425",
        // openrouter/chat_stream_midstream_error_with_usage.sse: a free model costs 0
        "openrouter | minimax/minimax-m2:free | 43 | 0 | 0 | 10 | 0 | 0",
        // openai/chat_completion_gpt-4.1-nano.json: 16 x 0.1 + 363 x 0.4 = 146.8 / 1M
        "openai | gpt-4.1-nano-2025-04-14 | 16 | 0 | 0 | 363 | 0.0001468 | 0.0000016",
        // openai/chat_completion_gpt-4o_2024-09.json: 14 x 2.5 + 37 x 10 = 405 / 1M
        "openai | gpt-4o-2024-08-06 | 14 | 0 | 0 | 37 | 0.000405 | 0.000035",
        // openai/chat_completion_o3-mini_reasoning.json: 7 x 1.1 + 87 x 4.4 = 390.5 / 1M
        "openai | o3-mini-2025-01-31 | 7 | 0 | 0 | 87 | 0.0003905 | 0.0000077",
        // openai/chat_completion_prompt_cache_hit.json: 8 x 5 + 4012 x 0.5 + 4 x 30
        // = 40 + 2006 + 120 = 2166 / 1M
        "openai | gpt-5.6-sol | 8 | 4012 | 0 | 4 | 0.002166 | 0.002046",
        // openai/chat_completion_prompt_cache_write.json: 8 x 5 + 4012 x 6.25 + 4 x 30
        // = 40 + 25075 + 120 = 25235 / 1M
        "openai | gpt-5.6-sol | 8 | 0 | 4012 | 4 | 0.025235 | 0.025115",
        // openai/responses_gpt-5.3-codex_cached_reasoning.json: 4171 x 1.75 + 3072 x 0.175
        // + 423 x 14 = 7299.25 + 537.6 + 5922 = 13758.85 / 1M
        "openai | gpt-5.3-codex | 4171 | 3072 | 0 | 423 | 0.01375885 | 0.00783685",
        // openai/responses_stream_web_search_cached.sse: 1143 x 1.25 + 8320 x 0.125 + 582 x 10
        // = 1428.75 + 1040 + 5820 = 8288.75 / 1M
        "openai | gpt-5-2025-08-07 | 1143 | 8320 | 0 | 582 | 0.00828875 | 0.00246875",
        // openai/chat_stream_include_usage_gpt-5-nano_azure_reasoning: 15 x 0.05 + 78 x 0.4
        // = 0.75 + 31.2 = 31.95 / 1M
        "openai | gpt-5-nano-2025-08-07 | 15 | 0 | 0 | 78 | 0.00003195 | 0.00000075",
        // openai/embeddings_text-embedding-3-small.json: 12 x 0.02 = 0.24 / 1M
        "openai | text-embedding-3-small | 12 | 0 | 0 | 0 | 0.00000024 | 0.00000024",
        // anthropic/messages_cache_read_and_write.json: 3 x 3 + 1111 x 0.3 + 418 x 3.75
        // + 33 x 15 = 9 + 333.3 + 1567.5 + 495 = 2404.8 / 1M
        "anthropic | claude-sonnet-4-5-20250929 | 3 | 1111 | 418 | 33 | 0.0024048 | 0.0019098",
        // anthropic/messages_stream_tool_use_output_cumulative.sse: 656 x 1 + 74 x 5 = 1026 / 1M
        "anthropic | claude-haiku-4-5-20251001 | 656 | 0 | 0 | 74 | 0.001026 | 0.000656",
        // anthropic/messages_stream_compaction_cache_read_iterations.sse: 281 x 3
        // + 55096 x 0.3 + 91 x 15 = 843 + 16528.8 + 1365 = 18736.8 / 1M
        "anthropic | claude-sonnet-4-6 | 281 | 55096 | 0 | 91 | 0.0187368 | 0.0173718",
        // gemini/generateContent_implicit_cache.json: 169 x 0.3 + 204 x 0.03 + 256 x 2.5
        // = 50.7 + 6.12 + 640 = 696.82 / 1M
        "google | gemini-2.5-flash | 169 | 204 | 0 | 256 | 0.00069682 | 0.00005682",
        // gemini/generateContent_gemini-3-pro_thoughts.json: 9 x 2 + 272 x 12 = 3282 / 1M
        "google | gemini-3-pro-preview | 9 | 0 | 0 | 272 | 0.003282 | 0.000018",
        // groq/chat_completion_llama-3.3-70b.json: 218 x 0.59 + 15 x 0.79
        // = 128.62 + 11.85 = 140.47 / 1M
        "groq | llama-3.3-70b-versatile | 218 | 0 | 0 | 15 | 0.00014047 | 0.00012862",
        // mistral/chat_completion_mistral-small.json: 13 x 0.1 + 434 x 0.3 = 131.5 / 1M
        "mistral | mistral-small-latest | 13 | 0 | 0 | 434 | 0.0001315 | 0.0000013",
    })
    void fixtureUsageCostsMatchHandComputation(String provider, String model, long uncached,
            long cacheRead, long cacheWrite, long output, String expected,
            String expectedInput) {
        ModelPrice price = CATALOGUE.find(provider, model).orElseThrow();
        TokenUsage usage = new TokenUsage(uncached, cacheRead, cacheWrite, output, 0, -1);

        ProviderCost parts = ProviderCosts.parts(price, usage);

        assertThat(ProviderCosts.cost(price, usage)).isEqualTo(money(expected));
        assertThat(parts.total()).isEqualTo(money(expected));
        assertThat(parts.inputCost()).isEqualTo(money(expectedInput));
        assertThat(parts.inputCost().plus(parts.outputCost())).isEqualTo(parts.total());
    }

    @ParameterizedTest(name = "{0} tokens at 0.00005 per million = {1}")
    @CsvSource({
        // 1 x 0.00005 / 1M = 0.00000000005, a tie at the 11th digit -> even 0
        "1, 0",
        // 3 x 0.00005 / 1M = 0.00000000015, a tie -> even 0.0000000002
        "3, 0.0000000002",
        // 5 x 0.00005 / 1M = 0.00000000025, a tie -> even 0.0000000002
        "5, 0.0000000002",
        // 7 x 0.00005 / 1M = 0.00000000035, a tie -> even 0.0000000004
        "7, 0.0000000004",
    })
    void costRoundsHalfEvenAtTenthDigit(long tokens, String expected) {
        ModelPrice price = flatPrice("0.00005", "0");

        Money cost = ProviderCosts.cost(price, new TokenUsage(tokens, 0, 0, 0, 0, -1));

        assertThat(cost).isEqualTo(money(expected));
    }

    @Test
    void costRoundsSumOnlyOnce() {
        ModelPrice price = flatPrice("0.00005", "0.00005");
        TokenUsage usage = new TokenUsage(1, 0, 0, 1, 0, -1);

        ProviderCost parts = ProviderCosts.parts(price, usage);

        // Input and output are 5e-11 each; rounded alone each would be 0. The exact sum 1e-10
        // is the total, and the output part is what remains after the rounded input part.
        assertThat(parts.total()).isEqualTo(money("0.0000000001"));
        assertThat(parts.inputCost()).isEqualTo(Money.ZERO);
        assertThat(parts.outputCost()).isEqualTo(money("0.0000000001"));
    }

    @Test
    void reasoningIsBilledAsOutput() {
        ModelPrice price = CATALOGUE.find("openai", "o3-mini").orElseThrow();

        // Reasoning is a part of output: 7 x 1.1 + 87 x 4.4, whatever the reasoning count.
        Money withReasoning = ProviderCosts.cost(price, new TokenUsage(7, 0, 0, 87, 64, 94));
        Money withoutReasoning = ProviderCosts.cost(price, new TokenUsage(7, 0, 0, 87, 0, 94));

        assertThat(withReasoning).isEqualTo(money("0.0003905"));
        assertThat(withoutReasoning).isEqualTo(withReasoning);
    }

    @ParameterizedTest(name = "{0}/{1} {2}+{3} in, {4} out = {5}")
    @CsvSource(delimiter = '|', value = {
        // At the threshold, base prices: 200,000 x 3 + 1,000 x 15 = 615,000 / 1M
        "anthropic | claude-sonnet-4-5 | 200000 | 0 | 1000 | 0.615",
        // One token above, long-context prices: 200,001 x 6 + 1,000 x 22.5
        // = 1,200,006 + 22,500 = 1,222,506 / 1M
        "anthropic | claude-sonnet-4-5 | 200001 | 0 | 1000 | 1.222506",
        // Cache reads count toward the threshold: 100,000 x 6 + 100,001 x 0.6
        // = 600,000 + 60,000.6 = 660,000.6 / 1M
        "anthropic | claude-sonnet-4 | 100000 | 100001 | 0 | 0.6600006",
        // Gemini 2.5 Pro above 200,000: 300,000 x 2.5 + 2,000 x 15 = 780,000 / 1M
        "google | gemini-2.5-pro | 300000 | 0 | 2000 | 0.78",
        // No long-context step on this model: 300,000 x 0.3 = 90,000 / 1M
        "google | gemini-2.5-flash | 300000 | 0 | 0 | 0.09",
    })
    void longContextPricesAboveThreshold(String provider, String model, long uncached,
            long cacheRead, long output, String expected) {
        ModelPrice price = CATALOGUE.find(provider, model).orElseThrow();
        TokenUsage usage = new TokenUsage(uncached, cacheRead, 0, output, 0, -1);

        assertThat(ProviderCosts.cost(price, usage)).isEqualTo(money(expected));
    }

    @ParameterizedTest(name = "{0}/{1} for {2} seconds = {3}")
    @CsvSource({
        // openai/transcription_verbose_json_words.json bills 37 s: 37 x 0.006 / 60 = 0.0037
        "openai, whisper-1, 37, 0.0037",
        // mistral/transcription_voxtral-mini.json bills 36 s: 36 x 0.003 / 60 = 0.0018
        "mistral, voxtral-mini-latest, 36, 0.0018",
        // 1 x 0.006 / 60 = 0.0001, with no rounding up to a whole minute
        "openai, whisper-1, 1, 0.0001",
        // 7 x 0.003 / 60 = 0.00035
        "openai, gpt-4o-mini-transcribe, 7, 0.00035",
        "openai, whisper-1, 0, 0",
    })
    void audioSecondsCostPerMinute(String provider, String model, long seconds,
            String expected) {
        ModelPrice price = CATALOGUE.find(provider, model).orElseThrow();

        ProviderCost cost = ProviderCosts.ofAudioSeconds(price, seconds).orElseThrow();

        assertThat(cost.total()).isEqualTo(money(expected));
        assertThat(cost.inputCost()).isEqualTo(money(expected));
        assertThat(cost.outputCost()).isEqualTo(Money.ZERO);
    }

    @Test
    void charactersCostPerMillion() {
        ModelPrice price = CATALOGUE.find("openai", "tts-1").orElseThrow();

        // 1,234 x 15 / 1,000,000 = 0.01851
        ProviderCost cost = ProviderCosts.ofCharacters(price, 1234).orElseThrow();

        assertThat(cost.total()).isEqualTo(money("0.01851"));
        assertThat(cost.inputCost()).isEqualTo(money("0.01851"));
    }

    @Test
    void missingUnitPriceIsEmpty() {
        ModelPrice price = CATALOGUE.find("openai", "gpt-4o").orElseThrow();

        assertThat(ProviderCosts.ofCharacters(price, 10)).isEmpty();
        assertThat(ProviderCosts.ofAudioSeconds(price, 10)).isEmpty();
    }

    @Test
    void negativeSecondsAreRejected() {
        ModelPrice price = CATALOGUE.find("openai", "whisper-1").orElseThrow();

        assertThatThrownBy(() -> ProviderCosts.ofAudioSeconds(price, -1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-1");
    }

    private static ModelPrice flatPrice(String input, String output) {
        TokenPrices tokens = new TokenPrices(Rate.parse(input), Rate.parse(input),
                Rate.parse(input), Rate.parse(output));
        return new ModelPrice("test", "flat", tokens, Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
