package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds a forwarded request's {@link Outcome} from what its {@link UsageReader} read. When a
 * successful response reported no usage, the usage is estimated and the outcome marked so:
 * tokens with a tokenizer for text formats, and for audio formats the request's
 * {@link UnitEstimate}. Reported output above the request's own output limit is capped at
 * that limit and also marked estimated.
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
            return withinOutputLimit(prepared, new Outcome(status, reported.get(), false, model,
                    responseId, simulated));
        }
        if (reader.sawErrorEvent()) {
            // The stream opened with 200 but the provider failed before reporting any usage.
            return new Outcome(status, Usage.ZERO, false, model, responseId, simulated, true);
        }
        return new Outcome(status, estimate(prepared, reader, model), true, model, responseId,
                simulated);
    }

    /**
     * Caps reported output tokens at the request's own output limit ({@code max_tokens} and
     * the like), which no provider may exceed, and marks the outcome estimated when it did. A
     * response claiming more is not trusted beyond what the request allowed.
     */
    private static Outcome withinOutputLimit(Prepared prepared, Outcome outcome) {
        TokenUsage tokens = outcome.usage().tokens();
        OptionalLong limit = Admission.requestedMaxOutputTokens(prepared.json());
        if (limit.isEmpty() || tokens.output() <= limit.getAsLong()) {
            return outcome;
        }
        long output = limit.getAsLong();
        TokenUsage capped = new TokenUsage(tokens.inputUncached(), tokens.cacheRead(),
                tokens.cacheWrite(), output, Math.min(tokens.reasoning(), output), -1);
        return new Outcome(outcome.upstreamStatus(), outcome.usage().withTokens(capped), true,
                outcome.model(), outcome.responseId(), outcome.simulated());
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
