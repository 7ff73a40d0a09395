package dev.tollgate.billing;

import dev.tollgate.money.Rate;

/**
 * Token prices of one model in dollars per million tokens: uncached input, cached-input reads,
 * cache writes and output. Reasoning tokens are output and billed at {@code output}.
 */
public record TokenPrices(Rate input, Rate cachedInput, Rate cacheWrite, Rate output) {
    /** Zero prices, for models priced only per character or per minute. */
    public static final TokenPrices ZERO =
            new TokenPrices(new Rate(0), new Rate(0), new Rate(0), new Rate(0));
}
