package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import java.util.Optional;

/**
 * Builds a forwarded request's {@link Outcome} from what its {@link UsageReader} read. When a
 * successful response reported no usage, the usage is estimated and the outcome marked so:
 * tokens with a tokenizer for text formats, and for audio formats the request's
 * {@link UnitEstimate}.
 */
final class Outcomes {
    private Outcomes() {
    }

    static Outcome of(Prepared prepared, int status, UsageReader reader,
            boolean simulated) {
        String model = reader.model().orElse(prepared.model());
        if (status >= 400) {
            return new Outcome(status, Usage.ZERO, false, model, null, simulated);
        }
        String responseId = reader.responseId().orElse(null);
        Optional<Usage> reported = reader.meteredUsage();
        if (reported.isPresent()) {
            return new Outcome(status, reported.get(), false, model, responseId, simulated);
        }
        if (reader.sawErrorEvent()) {
            // The stream opened with 200 but the provider failed before reporting any usage.
            return new Outcome(status, Usage.ZERO, false, model, responseId, simulated, true);
        }
        return new Outcome(status, estimate(prepared, reader, model), true, model, responseId,
                simulated);
    }

    private static Usage estimate(Prepared prepared, UsageReader reader, String model) {
        UnitEstimate units = prepared.units();
        if (prepared.format() != null && prepared.format().isAudio()) {
            return new Usage(TokenUsage.ZERO, units.characters(), 0, units.seconds(), 0);
        }
        long input = TokenCounter.countRequestInput(model, prepared.json());
        long output = TokenCounter.countText(model, reader.outputText());
        return Usage.ofTokens(new TokenUsage(input, 0, 0, output, 0, -1));
    }
}
