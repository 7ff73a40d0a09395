package dev.tollgate.spendkeys;

import dev.tollgate.money.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The settings of a spend key that its owner chooses. An empty optional means "no restriction":
 * every model, every provider, no spend, request or rate limit, no expiry.
 */
public record SpendKeySettings(
        String name,
        SpendKeyStatus status,
        RequestShape requestShape,
        Optional<List<String>> allowedModels,
        Optional<List<String>> allowedProviders,
        Optional<SpendLimit> spendLimit,
        Optional<RequestLimit> requestLimit,
        Optional<RateLimit> rateLimit,
        Optional<Instant> expiresAt) {

    public SpendKeySettings {
        allowedModels = allowedModels.map(List::copyOf);
        allowedProviders = allowedProviders.map(List::copyOf);
    }

    /** At most {@code amount} of provider cost per cycle. */
    public record SpendLimit(Money amount, Cycle cycle) {
    }

    /** At most {@code count} requests per cycle. */
    public record RequestLimit(long count, Cycle cycle) {
    }

    /**
     * A token bucket: {@code rpm} requests per minute on average, and at most {@code burst} at
     * once. When {@code burst} is empty the bucket holds {@code rpm} requests.
     */
    public record RateLimit(int rpm, Optional<Integer> burst) {
        /** The bucket's capacity in requests. */
        public int capacity() {
            return burst.orElse(rpm);
        }
    }
}
