package dev.tollgate.gateway;

import static dev.tollgate.gateway.PromptTally.items;

import com.fasterxml.jackson.databind.JsonNode;

/** Counts the prompt of an OpenAI chat completions request. */
final class OpenAiChatPrompt {
    /** Framing tokens around each message, from OpenAI's tiktoken cookbook. */
    static final int TOKENS_PER_MESSAGE = 3;

    /** Extra tokens for a message that has a {@code name}. */
    static final int TOKENS_PER_NAME = 1;

    /** Tokens that open the assistant's reply, counted once per request. */
    static final int REPLY_PRIMING_TOKENS = 3;

    private OpenAiChatPrompt() {
    }

    static void count(JsonNode body, PromptTally tally) {
        for (JsonNode message : items(body.path("messages"))) {
            countMessage(message, tally);
        }
        tally.tokens(REPLY_PRIMING_TOKENS);
        tally.json(body.path("tools"));
        tally.json(body.path("functions"));
    }

    private static void countMessage(JsonNode message, PromptTally tally) {
        tally.tokens(TOKENS_PER_MESSAGE);
        tally.text(message.path("role"));
        countContent(message.path("content"), tally);
        if (message.path("name").isTextual()) {
            tally.tokens(TOKENS_PER_NAME);
            tally.text(message.path("name"));
        }
        for (JsonNode call : items(message.path("tool_calls"))) {
            tally.text(call.path("function").path("name"));
            tally.json(call.path("function").path("arguments"));
        }
        tally.text(message.path("function_call").path("name"));
        tally.json(message.path("function_call").path("arguments"));
    }

    /** Counts content given as a string or as parts. Parts without text, such as images, add 0. */
    private static void countContent(JsonNode content, PromptTally tally) {
        if (content.isTextual()) {
            tally.text(content);
            return;
        }
        for (JsonNode part : items(content)) {
            if (part.isTextual()) {
                tally.text(part);
            } else {
                tally.text(part.path("text"));
                tally.text(part.path("refusal"));
            }
        }
    }
}
