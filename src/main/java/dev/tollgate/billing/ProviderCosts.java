package dev.tollgate.billing;

import dev.tollgate.money.Money;
import dev.tollgate.money.Rate;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Computes what a provider charges for a request from the model's catalogue price. Each cost is
 * an exact decimal sum rounded once with {@link Money#fromExact}. Stateless and thread-safe.
 */
public final class ProviderCosts {
    private static final int MILLION_DIGITS = 6;
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

    private ProviderCosts() {
    }

    /**
     * Returns the cost of one request's {@code usage} at {@code price}, in the unit the provider
     * bills it by. Audio seconds come first: a request with input seconds is priced per minute
     * when the model has a per-minute price, because a transcription's tokens, such as
     * Voxtral's, are then only informative. Else a request with input characters is priced per
     * character when the model has a per-character price. Else its tokens are priced, which
     * covers token-billed audio models such as gpt-4o-transcribe and gpt-4o-mini-tts. Only one
     * of the three is charged, never a sum.
     */
    public static ProviderCost of(ModelPrice price, Usage usage) {
        if (usage.inputSeconds() > 0 && price.perMinute().isPresent()) {
            return ofAudioSeconds(price, usage.inputSeconds()).orElseThrow();
        }
        if (usage.inputCharacters() > 0 && price.perMillionCharacters().isPresent()) {
            return ofCharacters(price, usage.inputCharacters()).orElseThrow();
        }
        return parts(price, usage.tokens());
    }

    /**
     * Returns the cost of {@code usage} at {@code price}: inputUncached x input + cacheRead x
     * cachedInput + cacheWrite x cacheWrite + output x output, divided by 1,000,000 and rounded
     * once. Reasoning tokens are part of {@code output}. Long-context prices apply when the
     * usage's input tokens exceed the model's threshold.
     */
    public static Money cost(ModelPrice price, TokenUsage usage) {
        return parts(price, usage).total();
    }

    /** Returns {@link #cost} with its input and output parts, as {@link ProviderCost} defines. */
    public static ProviderCost parts(ModelPrice price, TokenUsage usage) {
        TokenPrices prices = price.tokensFor(usage.inputTotal());
        BigDecimal input = times(usage.inputUncached(), prices.input())
                .add(times(usage.cacheRead(), prices.cachedInput()))
                .add(times(usage.cacheWrite(), prices.cacheWrite()));
        BigDecimal output = times(usage.output(), prices.output());
        Money inputCost = Money.fromExact(input.movePointLeft(MILLION_DIGITS));
        Money total = Money.fromExact(input.add(output).movePointLeft(MILLION_DIGITS));
        return new ProviderCost(inputCost, total.minus(inputCost), total);
    }

    /**
     * Returns the cost of {@code characters} input characters at the model's per-character price,
     * all of it input, or empty when the model has no per-character price.
     *
     * @throws IllegalStateException when {@code characters} is negative
     */
    public static Optional<ProviderCost> ofCharacters(ModelPrice price, long characters) {
        checkCount("characters", characters);
        return price.perMillionCharacters().map(rate -> inputOnly(
                Money.fromExact(times(characters, rate).movePointLeft(MILLION_DIGITS))));
    }

    /**
     * Returns the cost of {@code seconds} of input audio at the model's per-minute price, all of
     * it input, or empty when the model has no per-minute price. The seconds are not rounded up
     * to whole minutes: 90 seconds at 0.006 per minute cost 0.009.
     *
     * @throws IllegalStateException when {@code seconds} is negative
     */
    public static Optional<ProviderCost> ofAudioSeconds(ModelPrice price, long seconds) {
        checkCount("seconds", seconds);
        return price.perMinute().map(rate -> inputOnly(
                Money.fromExactQuotient(times(seconds, rate), SECONDS_PER_MINUTE)));
    }

    private static ProviderCost inputOnly(Money cost) {
        return new ProviderCost(cost, Money.ZERO, cost);
    }

    private static BigDecimal times(long count, Rate rate) {
        return rate.toBigDecimal().multiply(BigDecimal.valueOf(count));
    }

    private static void checkCount(String name, long count) {
        if (count < 0) {
            throw new IllegalStateException("negative " + name + " count: " + count);
        }
    }
}
