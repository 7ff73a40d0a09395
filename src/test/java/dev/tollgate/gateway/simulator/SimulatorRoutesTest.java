package dev.tollgate.gateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatorRoutesTest {
    private final Simulator simulator = Exchanges.simulator();

    @ParameterizedTest
    @CsvSource({
        "api.openai.com, POST, /v1/chat/completions, true",
        "api.openai.com, post, /v1/chat/completions, true",
        "API.OpenAI.com:443, POST, /v1/chat/completions, true",
        "api.openai.com., POST, /v1/chat/completions, true",
        "api.openai.com, POST, /v1/embeddings, true",
        "api.openai.com, POST, /v1/responses, true",
        "api.openai.com, POST, /v1/chat/completions?foo=bar, true",
        "api.groq.com, POST, /openai/v1/chat/completions, true",
        "api.mistral.ai, POST, /v1/chat/completions, true",
        "api.fireworks.ai, POST, /inference/v1/chat/completions, true",
        "api.deepinfra.com, POST, /v1/openai/chat/completions, true",
        "api.deepseek.com, POST, /chat/completions, true",
        "api.anthropic.com, POST, /v1/messages, true",
        "api.anthropic.com, POST, /v1/messages?beta=true, true",
        "generativelanguage.googleapis.com, POST, /v1beta/models/gemini-2.5-flash:generateContent,"
            + " true",
        "generativelanguage.googleapis.com, POST,"
            + " /v1/models/gemini-2.0-flash:streamGenerateContent?alt=sse, true",
        "generativelanguage.googleapis.com, POST, /v1beta/openai/chat/completions, true",
        "api.openai.com, GET, /v1/chat/completions, false",
        "api.openai.com, POST, /v1/models, false",
        "api.openai.com, POST, /v1/audio/speech, true",
        "api.openai.com, POST, /v1/audio/transcriptions, true",
        "api.openai.com, POST, /v1/audio/translations, true",
        "api.groq.com, POST, /openai/v1/audio/transcriptions, false",
        "api.openai.com, POST, /openai/v1/chat/completions, false",
        "api.groq.com, POST, /v1/chat/completions, false",
        "api.groq.com, POST, /openai/v1/responses, false",
        "api.anthropic.com, POST, /v1/chat/completions, false",
        "api.anthropic.com, POST, /v1/messages/count_tokens, false",
        "generativelanguage.googleapis.com, POST, /v1beta/models/gemini-2.5-flash:embedContent,"
            + " false",
        "api.elevenlabs.io, POST, /v1/text-to-speech/voice, false",
        "example.com, POST, /v1/chat/completions, false",
        "api.openai.com.evil.example, POST, /v1/chat/completions, false",
    })
    void supportsKnownEndpointsOnly(String host, String method, String path, boolean served) {
        assertThat(simulator.supports(host, method, path)).isEqualTo(served);
    }

    @Test
    void nullArgumentsAreNotSupported() {
        assertThat(simulator.supports(null, "POST", "/v1/messages")).isFalse();
        assertThat(simulator.supports("api.anthropic.com", null, "/v1/messages")).isFalse();
        assertThat(simulator.supports("api.anthropic.com", "POST", null)).isFalse();
    }

    @Test
    void respondRejectsUnsupportedRequest() {
        assertThatThrownBy(() -> simulator.respond("example.com", "POST", "/v1/x", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example.com/v1/x");
    }
}
