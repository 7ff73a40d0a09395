package dev.tollgate.gateway.simulator;

import dev.tollgate.gateway.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The text of a simulated reply: a fixed opening sentence stating that the reply is simulated,
 * then one closing sentence chosen by the request's seed. The whole reply is 29 to 34 tokens in
 * o200k_base and cl100k_base, a range the tests check. A token limit below that cuts the reply
 * after the last whole word that fits. The first word, "This", is one token in both encodings,
 * so any limit of at least 1 keeps a word.
 *
 * @param words the reply split before each space, in order, as a stream sends it
 * @param truncated whether the token limit cut the reply short
 */
record ReplyText(List<String> words, boolean truncated) {
    static final String OPENING =
            "This is a simulated sandbox reply from Tollgate, because no provider API key is set.";

    static final List<String> CLOSINGS = List.of(
            "No request reached the model provider, so nothing was charged upstream.",
            "The token counts in this response are real counts of the prompt and this text.",
            "Meters, credits and request logs update just as they do for live traffic.",
            "Configure a provider API key on the server to get replies from a real model.",
            "Sending the same request body again returns this same text.",
            "Streaming, usage fields and error bodies follow the provider's own format.",
            "Use it to try the whole billing flow without leaving your machine.",
            "Check the request log to see how this call was metered and charged.");

    ReplyText {
        words = List.copyOf(words);
    }

    /**
     * Builds the reply for a seed, cut to {@code maxTokens} tokens of {@code model}'s encoding
     * when that limit is given.
     */
    static ReplyText generate(long seed, String model, OptionalInt maxTokens) {
        String closing = CLOSINGS.get((int) Math.floorMod(seed, (long) CLOSINGS.size()));
        List<String> all = splitWords(OPENING + " " + closing);
        if (maxTokens.isEmpty()) {
            return new ReplyText(all, false);
        }
        List<String> keptWords = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String word : all) {
            if (TokenCounter.countText(model, text + word) > maxTokens.getAsInt()) {
                return new ReplyText(keptWords, true);
            }
            keptWords.add(word);
            text.append(word);
        }
        return new ReplyText(keptWords, false);
    }

    /** Returns the whole reply. */
    String text() {
        return String.join("", words);
    }

    /** Splits text before each space, so the pieces join back to the same text. */
    private static List<String> splitWords(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                words.add(text.substring(start, i));
                start = i;
            }
        }
        words.add(text.substring(start));
        return words;
    }
}
