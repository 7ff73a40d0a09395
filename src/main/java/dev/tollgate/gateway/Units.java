package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.TierType;

/** The number of meter units a request used, by the meter's unit. */
final class Units {
    private Units() {
    }

    static long of(TierType type, TokenUsage usage) {
        return switch (type) {
            case TOKENS_1M -> usage.total();
            case REQUESTS -> 1;
            // TODO: count characters and audio seconds once the gateway extracts them.
            case CHARACTERS_1M, MINUTES -> 0;
        };
    }
}
