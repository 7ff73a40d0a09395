package dev.tollgate.billing;

import dev.tollgate.money.Rate;
import java.util.Optional;

/**
 * The published price of one model at one provider, such as {@code openai} and
 * {@code gpt-5-mini}. Provider and model ids are lower case. Immutable.
 *
 * <p>{@code tokens} are dollars per million tokens, and they are zero for a model priced only
 * per character or per minute. {@code perMillionCharacters} is dollars per million input
 * characters, for text-to-speech models such as {@code tts-1}. {@code perMinute} is dollars per
 * minute of input audio, for transcription models such as {@code whisper-1}.
 */
public record ModelPrice(
        String provider,
        String model,
        TokenPrices tokens,
        Optional<LongContext> longContext,
        Optional<Rate> perMillionCharacters,
        Optional<Rate> perMinute) {

    /**
     * A higher set of token prices for long prompts. A request whose input tokens (uncached,
     * cache reads and cache writes together) exceed {@code aboveInputTokens} has all of its
     * tokens, output included, billed at {@code tokens}.
     */
    public record LongContext(long aboveInputTokens, TokenPrices tokens) {
    }

    /** Returns the token prices that apply to a request with {@code inputTokens} input tokens. */
    public TokenPrices tokensFor(long inputTokens) {
        return longContext
                .filter(step -> inputTokens > step.aboveInputTokens())
                .map(LongContext::tokens)
                .orElse(tokens);
    }
}
