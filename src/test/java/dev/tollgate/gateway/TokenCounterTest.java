package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenCounterTest {
    @Test
    void helloWorldIsTwoTokens() {
        assertThat(TokenCounter.countText("gpt-4o", "hello world")).isEqualTo(2);
        assertThat(TokenCounter.countText("gpt-4", "hello world")).isEqualTo(2);
    }

    @Test
    void knownSentenceIsSixTokens() {
        // cl100k_base splits it into "t", "ik", "token", " is", " great" and "!".
        assertThat(TokenCounter.countText("gpt-3.5-turbo", "tiktoken is great!")).isEqualTo(6);
    }

    @Test
    void familyChoosesEncodingForJapanese() {
        String text = "こんにちは世界";

        assertThat(TokenCounter.countText("gpt-4o-mini", text)).isEqualTo(2);
        assertThat(TokenCounter.countText("gpt-4-turbo", text)).isEqualTo(4);
    }

    @Test
    void emptyAndNullTextCountZero() {
        assertThat(TokenCounter.countText("gpt-4o", "")).isZero();
        assertThat(TokenCounter.countText("gpt-4o", null)).isZero();
        assertThat(TokenCounter.countText(null, "hello world")).isEqualTo(2);
    }

    @Test
    void specialTokenTextCountsAsOrdinary() {
        // Seven ordinary tokens, rather than one special token or an error.
        assertThat(TokenCounter.countText("gpt-4o", "<|endoftext|>")).isEqualTo(7);
        assertThat(TokenCounter.countText("gpt-4", "<|endoftext|>")).isEqualTo(7);
    }

    @ParameterizedTest
    @CsvSource({
        "gpt-4o, O200K_BASE",
        "gpt-4o-mini-2024-07-18, O200K_BASE",
        "chatgpt-4o-latest, O200K_BASE",
        "gpt-4.1-nano, O200K_BASE",
        "gpt-4.5-preview, O200K_BASE",
        "gpt-5, O200K_BASE",
        "o1, O200K_BASE",
        "o3-mini, O200K_BASE",
        "o4-mini-2025-04-16, O200K_BASE",
        "gpt-7-preview, O200K_BASE",
        "openai/gpt-4o, O200K_BASE",
        "ft:gpt-4o-mini:acme::abc123, O200K_BASE",
        "GPT-4O, O200K_BASE",
        "gpt-4, CL100K_BASE",
        "gpt-4-0613, CL100K_BASE",
        "gpt-4-turbo, CL100K_BASE",
        "gpt-3.5-turbo, CL100K_BASE",
        "gpt-35-turbo, CL100K_BASE",
        "text-embedding-3-small, CL100K_BASE",
        "text-embedding-ada-002, CL100K_BASE",
        "davinci-002, CL100K_BASE",
        "claude-sonnet-4-5, CL100K_BASE",
        "gemini-2.5-flash, CL100K_BASE",
        "models/gemini-2.0-flash, CL100K_BASE",
        "llama-3.3-70b-versatile, CL100K_BASE",
        "mistral-large-latest, CL100K_BASE",
        "omni, CL100K_BASE",
        "'', CL100K_BASE",
    })
    void modelFamilyChoosesEncoding(String model, EncodingType expected) {
        assertThat(TokenCounter.encodingTypeFor(model)).isEqualTo(expected);
    }

    @Test
    void nullModelUsesCl100k() {
        assertThat(TokenCounter.encodingTypeFor(null)).isEqualTo(EncodingType.CL100K_BASE);
    }
}
