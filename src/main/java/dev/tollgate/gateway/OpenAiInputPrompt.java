package dev.tollgate.gateway;

import static dev.tollgate.gateway.PromptTally.items;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Counts the prompt of an OpenAI request that carries {@code input} (embeddings, Responses) or
 * {@code prompt} (legacy completions). An input may be a string, an array of strings, an array
 * of token ids, an array of token-id arrays or, for Responses, an array of items.
 */
final class OpenAiInputPrompt {
    private OpenAiInputPrompt() {
    }

    static void count(JsonNode body, PromptTally tally) {
        tally.text(body.path("instructions"));
        countInput(body.path("input"), tally);
        countInput(body.path("prompt"), tally);
        tally.json(body.path("tools"));
    }

    private static void countInput(JsonNode input, PromptTally tally) {
        if (input.isTextual()) {
            tally.text(input);
            return;
        }
        for (JsonNode element : items(input)) {
            countElement(element, tally);
        }
    }

    private static void countElement(JsonNode element, PromptTally tally) {
        if (element.isTextual()) {
            tally.text(element);
        } else if (element.isIntegralNumber()) {
            // A number in an input array is one token id that the client encoded itself.
            tally.tokens(1);
        } else if (element.isArray()) {
            countInput(element, tally);
        } else if (element.isObject()) {
            countResponsesItem(element, tally);
        }
    }

    /** Counts a Responses input item: a message, a function call or a function call's output. */
    private static void countResponsesItem(JsonNode item, PromptTally tally) {
        JsonNode content = item.path("content");
        if (content.isTextual()) {
            tally.text(content);
        }
        for (JsonNode part : items(content)) {
            tally.text(part.path("text"));
        }
        tally.text(item.path("name"));
        tally.json(item.path("arguments"));
        tally.json(item.path("output"));
    }
}
