package dev.tollgate.billing;

import static dev.tollgate.billing.RatingTest.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which unit {@link ProviderCosts#of} prices a request by, and the {@link Usage} record. */
class UsageCostTest {
    private static final PriceCatalogue CATALOGUE = PriceCatalogue.load(Optional.empty());

    @ParameterizedTest(name = "{0}/{1}: {2} in, {3} out, {4} chars, {5} s = {6}")
    @CsvSource({
        // whisper-1 is priced per minute only: 37 x 0.006 / 60 = 0.0037.
        "openai, whisper-1, 0, 0, 0, 37, 0.0037",
        // Voxtral reports tokens too, but seconds win: 36 x 0.003 / 60 = 0.0018.
        "mistral, voxtral-mini-latest, 13, 151, 0, 36, 0.0018",
        // gpt-4o-transcribe reporting tokens: 14 x 2.5 + 45 x 10 = 485 / 1M.
        "openai, gpt-4o-transcribe, 14, 45, 0, 0, 0.000485",
        // The same model reporting a duration: 60 x 0.006 / 60 = 0.006.
        "openai, gpt-4o-transcribe, 0, 0, 0, 60, 0.006",
        // tts-1 is priced per character: 251 x 15 / 1M = 0.003765.
        "openai, tts-1, 0, 0, 251, 0, 0.003765",
        // gpt-4o-mini-tts has no character price, so its tokens count: 14 x 0.6 + 101 x 12
        // = 1220.4 / 1M.
        "openai, gpt-4o-mini-tts, 14, 101, 31, 0, 0.0012204",
        // Without tokens such a request costs 0.
        "openai, gpt-4o-mini-tts, 0, 0, 31, 0, 0",
        // Seconds on a model without a minute price fall back to tokens: 10 x 2.5 / 1M.
        "openai, gpt-4o, 10, 0, 0, 30, 0.000025",
    })
    void costUsesBilledUnit(String provider, String model, long input, long output,
            long characters, long seconds, String expected) {
        ModelPrice price = CATALOGUE.find(provider, model).orElseThrow();
        Usage usage = new Usage(new TokenUsage(input, 0, 0, output, 0, -1), characters, 0,
                seconds, 0);

        ProviderCost cost = ProviderCosts.of(price, usage);

        assertThat(cost.total()).isEqualTo(money(expected));
        assertThat(cost.inputCost().plus(cost.outputCost())).isEqualTo(cost.total());
    }

    @Test
    void totalsAddInputAndOutput() {
        Usage usage = new Usage(TokenUsage.ZERO, 200, 51, 60, 30);

        assertThat(usage.characters()).isEqualTo(251);
        assertThat(usage.seconds()).isEqualTo(90);
        assertThat(Usage.ZERO.characters()).isZero();
        assertThat(Usage.ofTokens(new TokenUsage(1, 2, 3, 4, 0, -1)).seconds()).isZero();
    }

    @Test
    void negativeCountsRejected() {
        assertThatThrownBy(() -> new Usage(TokenUsage.ZERO, 0, -1, 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outputCharacters=-1");
        assertThatThrownBy(() -> new Usage(null, 0, 0, 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TokenUsage.ZERO");
    }
}
