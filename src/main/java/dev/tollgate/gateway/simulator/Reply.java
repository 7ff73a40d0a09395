package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.TokenCounter;
import java.util.List;
import java.util.OptionalInt;

/**
 * A simulated reply with its real token counts, which every format reports in its own usage
 * fields. Input tokens are {@link TokenCounter#countRequestInput} of the request body and output
 * tokens are {@link TokenCounter#countText} of the reply text, both for the request's model.
 *
 * @param call the request this reply is for
 * @param model the model the request named, echoed in the response
 * @param text the reply text
 * @param inputTokens the prompt's token count
 * @param outputTokens the reply's token count
 */
record Reply(Call call, String model, ReplyText text, int inputTokens, int outputTokens) {
    /** Builds the reply to a parsed request body, cut to {@code maxTokens} when given. */
    static Reply of(Call call, String model, JsonNode body, OptionalInt maxTokens) {
        ReplyText text = ReplyText.generate(call.seed(), model, maxTokens);
        int inputTokens = TokenCounter.countRequestInput(model, body);
        int outputTokens = TokenCounter.countText(model, text.text());
        return new Reply(call, model, text, inputTokens, outputTokens);
    }

    int totalTokens() {
        return inputTokens + outputTokens;
    }

    List<String> words() {
        return text.words();
    }

    /** Returns the token count of the first {@code wordCount} words, for running totals. */
    int outputTokensOfFirst(int wordCount) {
        String prefix = String.join("", text.words().subList(0, wordCount));
        return TokenCounter.countText(model, prefix);
    }
}
