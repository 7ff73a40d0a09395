package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.money.Rate;
import java.util.Comparator;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceCatalogueTest {
    private static final PriceCatalogue CATALOGUE = PriceCatalogue.load(Optional.empty());

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "openai, gpt-5", "openai, gpt-5-mini", "openai, gpt-5-nano", "openai, gpt-4.1",
        "openai, gpt-4.1-mini", "openai, gpt-4.1-nano", "openai, gpt-4o", "openai, gpt-4o-mini",
        "openai, o3", "openai, o3-mini", "openai, o4-mini", "openai, text-embedding-3-small",
        "openai, text-embedding-3-large", "openai, whisper-1", "openai, gpt-4o-mini-transcribe",
        "openai, gpt-4o-transcribe", "openai, tts-1", "openai, gpt-4o-mini-tts",
        "anthropic, claude-opus-4-1", "anthropic, claude-opus-4", "anthropic, claude-sonnet-4-5",
        "anthropic, claude-sonnet-4", "anthropic, claude-3-7-sonnet", "anthropic, claude-haiku-4-5",
        "anthropic, claude-3-5-haiku", "google, gemini-2.5-pro", "google, gemini-2.5-flash",
        "google, gemini-2.5-flash-lite", "google, gemini-2.0-flash", "mistral, mistral-small",
        "mistral, mistral-large", "mistral, voxtral-mini", "groq, llama-3.3-70b-versatile",
        "deepseek, deepseek-chat", "deepseek, deepseek-reasoner", "xai, grok-4",
    })
    void shippedCatalogueHasModel(String provider, String model) {
        Optional<ModelPrice> price = CATALOGUE.find(provider, model);

        assertThat(price).isPresent();
        assertThat(price.get().provider()).isEqualTo(provider);
        assertThat(price.get().model()).isEqualTo(model);
    }

    @ParameterizedTest(name = "{0}/{1} is {2}/{3}")
    @CsvSource({
        // Ids as they appear in recorded provider responses.
        "openai, gpt-4o-2024-08-06, openai, gpt-4o",
        "openai, gpt-4o-mini-2024-07-18, openai, gpt-4o-mini",
        "openai, gpt-4.1-nano-2025-04-14, openai, gpt-4.1-nano",
        "openai, o3-mini-2025-01-31, openai, o3-mini",
        "openai, gpt-5-2025-08-07, openai, gpt-5",
        "openai, gpt-5-nano-2025-08-07, openai, gpt-5-nano",
        "openai, gpt-5.3-codex, openai, gpt-5.3-codex",
        "openai, gpt-5.6-sol, openai, gpt-5.6-sol",
        "openai, text-embedding-3-small, openai, text-embedding-3-small",
        "anthropic, claude-sonnet-4-5-20250929, anthropic, claude-sonnet-4-5",
        "anthropic, claude-haiku-4-5-20251001, anthropic, claude-haiku-4-5",
        "anthropic, claude-opus-4-5-20251101, anthropic, claude-opus-4-5",
        "anthropic, claude-sonnet-4-6, anthropic, claude-sonnet-4-6",
        "anthropic, claude-sonnet-5, anthropic, claude-sonnet-5",
        "anthropic, claude-3-5-haiku-latest, anthropic, claude-3-5-haiku",
        "google, gemini-2.5-flash, google, gemini-2.5-flash",
        "google, gemini-2.0-flash, google, gemini-2.0-flash",
        "google, gemini-2.0-flash-exp, google, gemini-2.0-flash-exp",
        "google, gemini-3-pro-preview, google, gemini-3-pro-preview",
        "mistral, mistral-small-latest, mistral, mistral-small",
        "mistral, voxtral-mini-latest, mistral, voxtral-mini",
        "groq, llama-3.3-70b-versatile, groq, llama-3.3-70b-versatile",
        // OpenRouter ids: the prefix names the provider.
        "openrouter, x-ai/grok-4, xai, grok-4",
        "openrouter, openai/gpt-5-mini, openai, gpt-5-mini",
        "openrouter, minimax/minimax-m2:free, openrouter, minimax/minimax-m2:free",
        "openrouter, anthropic/claude-sonnet-4.5, anthropic, claude-sonnet-4-5",
        "openrouter, mistralai/mistral-small-latest, mistral, mistral-small",
        "openrouter, openai/gpt-4o-2024-08-06, openai, gpt-4o",
        // Case and surrounding spaces do not matter.
        "OpenAI, GPT-4o, openai, gpt-4o",
        "openai, ' gpt-4o ', openai, gpt-4o",
    })
    void lookupResolvesRecordedIds(String provider, String model, String expectedProvider,
            String expectedModel) {
        Optional<ModelPrice> price = CATALOGUE.find(provider, model);

        assertThat(price).isPresent();
        assertThat(price.get().provider()).isEqualTo(expectedProvider);
        assertThat(price.get().model()).isEqualTo(expectedModel);
    }

    @Test
    void exactDatedEntryWinsOverBase() {
        ModelPrice dated = CATALOGUE.find("mistral", "mistral-large-2411").orElseThrow();
        ModelPrice base = CATALOGUE.find("mistral", "mistral-large-2512").orElseThrow();

        assertThat(dated.model()).isEqualTo("mistral-large-2411");
        assertThat(dated.tokens().input()).isEqualTo(Rate.parse("2"));
        assertThat(base.model()).isEqualTo("mistral-large");
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "openai, gpt-99",
        "openai, claude-sonnet-4-5",
        "anthropic, gpt-4o",
        "nobody, gpt-4o",
        "openrouter, unknown/model",
        "openrouter, openai/",
        "openrouter, /gpt-4o",
    })
    void unknownModelIsEmpty(String provider, String model) {
        assertThat(CATALOGUE.find(provider, model)).isEmpty();
    }

    @Test
    void providerIsPartOfKey() {
        assertThat(CATALOGUE.find("groq", "gpt-4o")).isEmpty();
        assertThat(CATALOGUE.find("openai", "llama-3.3-70b-versatile")).isEmpty();
    }

    @Test
    void allIsSortedByProviderThenModel() {
        assertThat(CATALOGUE.all()).isSortedAccordingTo(
                Comparator.comparing(ModelPrice::provider)
                        .thenComparing(ModelPrice::model));
        assertThat(CATALOGUE.all()).hasSize(48);
    }

    @Test
    void cachedInputDefaultsToInput() {
        ModelPrice price = CATALOGUE.find("groq", "llama-3.3-70b-versatile").orElseThrow();

        assertThat(price.tokens().cachedInput()).isEqualTo(Rate.parse("0.59"));
        assertThat(price.tokens().cacheWrite()).isEqualTo(Rate.parse("0.59"));
    }

    @Test
    void audioModelsHaveUnitPrices() {
        ModelPrice whisper = CATALOGUE.find("openai", "whisper-1").orElseThrow();
        ModelPrice tts = CATALOGUE.find("openai", "tts-1").orElseThrow();

        assertThat(whisper.perMinute()).contains(Rate.parse("0.006"));
        assertThat(whisper.tokens()).isEqualTo(TokenPrices.ZERO);
        assertThat(tts.perMillionCharacters()).contains(Rate.parse("15"));
        assertThat(tts.perMinute()).isEmpty();
    }
}
