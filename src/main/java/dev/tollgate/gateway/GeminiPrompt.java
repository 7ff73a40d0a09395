package dev.tollgate.gateway;

import static dev.tollgate.gateway.PromptTally.items;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Counts the prompt of a Gemini {@code generateContent} request: the text parts of the system
 * instruction and of {@code contents}, function calls and responses as JSON text, and the tool
 * definitions. No framing tokens are added.
 */
final class GeminiPrompt {
    private GeminiPrompt() {
    }

    static void count(JsonNode body, PromptTally tally) {
        // The REST API accepts both spellings of the system instruction field.
        countParts(body.path("systemInstruction"), tally);
        countParts(body.path("system_instruction"), tally);
        for (JsonNode content : items(body.path("contents"))) {
            countParts(content, tally);
        }
        tally.json(body.path("tools"));
    }

    private static void countParts(JsonNode content, PromptTally tally) {
        for (JsonNode part : items(content.path("parts"))) {
            tally.text(part.path("text"));
            tally.json(part.path("functionCall"));
            tally.json(part.path("functionResponse"));
        }
    }
}
