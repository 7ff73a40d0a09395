package dev.tollgate.gateway;

import dev.tollgate.billing.TierType;
import dev.tollgate.billing.Usage;

/**
 * The number of meter units a request used, by the meter's unit: input plus output tokens,
 * input plus output characters, input plus output seconds (which a {@code minutes} meter rates
 * per minute), or one request.
 */
final class Units {
    private Units() {
    }

    static long of(TierType type, Usage usage) {
        return switch (type) {
            case TOKENS_1M -> usage.tokens().total();
            case CHARACTERS_1M -> usage.characters();
            case MINUTES -> usage.seconds();
            case REQUESTS -> 1;
        };
    }
}
