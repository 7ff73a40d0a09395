package dev.tollgate.billing;

/**
 * Token counts of one provider response in one normalized shape, whatever the provider's
 * own field names. Input is split into three disjoint parts: {@code inputUncached} is billed at
 * the normal input price, {@code cacheRead} at the cached-read price and {@code cacheWrite} at
 * the cache-write price. {@code output} is all billed output, reasoning included;
 * {@code reasoning} is the part of it the provider reports as reasoning. {@code providerTotal}
 * is the provider's own total when it reports one, else -1.
 */
public record TokenUsage(
        long inputUncached,
        long cacheRead,
        long cacheWrite,
        long output,
        long reasoning,
        long providerTotal) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0, -1);

    public TokenUsage {
        if (inputUncached < 0 || cacheRead < 0 || cacheWrite < 0 || output < 0 || reasoning < 0) {
            throw new IllegalStateException("negative token count: inputUncached=" + inputUncached
                    + " cacheRead=" + cacheRead + " cacheWrite=" + cacheWrite + " output=" + output
                    + " reasoning=" + reasoning);
        }
    }

    /** All input tokens: uncached, cache reads and cache writes. */
    public long inputTotal() {
        return inputUncached + cacheRead + cacheWrite;
    }

    /** All billed tokens, input and output. */
    public long total() {
        return inputTotal() + output;
    }
}
