package dev.tollgate.gateway;

import static dev.tollgate.gateway.PromptTally.items;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Counts the prompt of an Anthropic messages request: {@code system}, the messages' content
 * blocks and the tool definitions. Anthropic does not publish how it frames messages, so no
 * framing tokens are added.
 */
final class AnthropicPrompt {
    /** Content block types that only Anthropic's format has. */
    private static final Set<String> ANTHROPIC_BLOCK_TYPES =
            Set.of("tool_use", "tool_result", "thinking", "redacted_thinking", "document");

    private AnthropicPrompt() {
    }

    /** Returns whether a body with {@code messages} is in Anthropic's format, not OpenAI's. */
    static boolean looksLikeAnthropic(String modelFamily, JsonNode body) {
        if (modelFamily.startsWith("claude") || body.has("system")) {
            return true;
        }
        for (JsonNode message : items(body.path("messages"))) {
            for (JsonNode block : items(message.path("content"))) {
                if (ANTHROPIC_BLOCK_TYPES.contains(block.path("type").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    static void count(JsonNode body, PromptTally tally) {
        countBlocks(body.path("system"), tally);
        for (JsonNode message : items(body.path("messages"))) {
            countBlocks(message.path("content"), tally);
        }
        tally.json(body.path("tools"));
    }

    /** Counts content given as a string or as blocks. Image blocks add 0. */
    private static void countBlocks(JsonNode content, PromptTally tally) {
        if (content.isTextual()) {
            tally.text(content);
            return;
        }
        for (JsonNode block : items(content)) {
            countBlock(block, tally);
        }
    }

    private static void countBlock(JsonNode block, PromptTally tally) {
        switch (block.path("type").asText()) {
            case "text" -> tally.text(block.path("text"));
            case "thinking" -> tally.text(block.path("thinking"));
            case "tool_use" -> {
                tally.text(block.path("name"));
                tally.json(block.path("input"));
            }
            case "tool_result" -> countBlocks(block.path("content"), tally);
            default -> {
                // Images, documents and unknown blocks carry no text that this counter reads.
            }
        }
    }
}
