package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts tokens with OpenAI's byte-pair encodings (through jtokkit), for requests whose provider
 * reports no usage and for the sandbox simulator.
 *
 * <p>The encoding follows the model family. {@code o200k_base} serves gpt-4o, gpt-4.1, gpt-4.5,
 * gpt-5, the o1, o3 and o4 reasoning models, and any other {@code gpt-} or {@code chatgpt-}
 * model that is not listed below. {@code cl100k_base} serves gpt-3.5, gpt-4 and its
 * {@code gpt-4-} variants, {@code text-embedding-} models, davinci-002 and babbage-002. Every
 * other family (claude, gemini, llama, mistral and so on) is counted with {@code cl100k_base}
 * too, but their providers use tokenizers of their own, so those counts are an approximation
 * that can differ from what the provider bills.
 *
 * <p>Text that looks like a special token, such as {@code <|endoftext|>}, is counted as
 * ordinary text, so no input makes a count fail. Thread-safe: each encoding is loaded once,
 * on first use, and shared.
 */
public final class TokenCounter {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final Map<EncodingType, Encoding> ENCODINGS = new ConcurrentHashMap<>();

    private TokenCounter() {
    }

    /**
     * Counts the tokens of {@code text} in the encoding of {@code model}'s family.
     *
     * @param model a model name such as {@code gpt-4o-mini}. A provider prefix such as
     *     {@code openai/} or {@code models/} and a fine-tune prefix {@code ft:} are ignored, and
     *     null counts as an unknown family.
     * @param text the text to count, where null counts as empty
     * @return the number of tokens, 0 for empty text
     */
    public static int countText(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encodingFor(model).countTokensOrdinary(text);
    }

    /**
     * Counts the prompt tokens of a provider request body, recognising its format by its fields.
     * A body with {@code contents} is a Gemini request; with {@code messages}, an Anthropic
     * messages request when it has a top-level {@code system}, Anthropic-only content blocks or
     * a claude model, else an OpenAI chat request; with {@code input}, an OpenAI embeddings or
     * Responses request; with {@code prompt}, an OpenAI legacy completions request. OpenAI chat
     * counts add the framing tokens that OpenAI's tiktoken cookbook gives for gpt-3.5-turbo and
     * gpt-4: 3 per message, 1 more per {@code name}, and 3 that open the reply. The other
     * formats count their text only. Tool definitions and tool-call arguments are counted as
     * their compact JSON text, an approximation. A body of any other shape counts every string
     * value in it except the top-level {@code model}.
     *
     * @param model the request's model, which chooses the encoding as in {@link #countText}
     * @param requestBody the parsed JSON body, where null and JSON null count 0
     * @return the number of prompt tokens. A body of an unexpected shape is counted, not
     *     rejected.
     */
    public static int countRequestInput(String model, JsonNode requestBody) {
        // TODO: count the other billed input of known shapes too, such as response_format
        // schemas and Anthropic document blocks; today they are left out of holds.
        if (requestBody == null || requestBody.isNull() || requestBody.isMissingNode()) {
            return 0;
        }
        PromptTally tally = new PromptTally(encodingFor(model));
        if (!requestBody.isObject()) {
            tally.allText(requestBody);
        } else if (requestBody.has("contents")) {
            GeminiPrompt.count(requestBody, tally);
        } else if (requestBody.has("messages")) {
            countMessages(model, requestBody, tally);
        } else if (requestBody.has("input") || requestBody.has("prompt")) {
            OpenAiInputPrompt.count(requestBody, tally);
        } else {
            tally.allTextExceptModel(requestBody);
        }
        return tally.total();
    }

    private static void countMessages(String model, JsonNode body, PromptTally tally) {
        if (AnthropicPrompt.looksLikeAnthropic(family(model), body)) {
            AnthropicPrompt.count(body, tally);
        } else {
            OpenAiChatPrompt.count(body, tally);
        }
    }

    static Encoding encodingFor(String model) {
        return ENCODINGS.computeIfAbsent(encodingTypeFor(model), REGISTRY::getEncoding);
    }

    /** Chooses the encoding for a model name as the class documentation describes. */
    static EncodingType encodingTypeFor(String model) {
        String family = family(model);
        if (isCl100kOpenAiModel(family)) {
            return EncodingType.CL100K_BASE;
        }
        if (isO200kOpenAiModel(family)) {
            return EncodingType.O200K_BASE;
        }
        return EncodingType.CL100K_BASE;
    }

    /** Returns the lower-case model name without provider and fine-tune prefixes. */
    static String family(String model) {
        if (model == null) {
            return "";
        }
        String name = model.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("ft:")) {
            name = name.substring("ft:".length());
        }
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private static boolean isCl100kOpenAiModel(String family) {
        return family.startsWith("gpt-3.5")
                || family.startsWith("gpt-35")
                || family.equals("gpt-4")
                || family.startsWith("gpt-4-")
                || family.startsWith("text-embedding-")
                || family.startsWith("davinci-002")
                || family.startsWith("babbage-002");
    }

    private static boolean isO200kOpenAiModel(String family) {
        boolean reasoningSeries = family.length() > 1
                && family.charAt(0) == 'o'
                && Character.isDigit(family.charAt(1));
        return reasoningSeries || family.startsWith("gpt-") || family.startsWith("chatgpt-");
    }
}
