package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseFormatTest {

    @ParameterizedTest
    @CsvSource({
        "api.openai.com, /v1/chat/completions, OPENAI_CHAT",
        "api.groq.com, /openai/v1/chat/completions, OPENAI_CHAT",
        "api.mistral.ai, /v1/chat/completions/, OPENAI_CHAT",
        "api.deepseek.com, /chat/completions, OPENAI_CHAT",
        "openrouter.ai, /api/v1/chat/completions, OPENAI_CHAT",
        "api.fireworks.ai, /inference/v1/chat/completions, OPENAI_CHAT",
        "api.cohere.ai, /compatibility/v1/chat/completions, OPENAI_CHAT",
        "generativelanguage.googleapis.com, /v1beta/openai/chat/completions, OPENAI_CHAT",
        "api.openai.com, /v1/embeddings, OPENAI_EMBEDDINGS",
        "api.together.xyz, /v1/embeddings?x=1, OPENAI_EMBEDDINGS",
        "api.openai.com, /v1/responses, OPENAI_RESPONSES",
        "api.x.ai, /v1/responses, OPENAI_RESPONSES",
        "api.anthropic.com, /v1/messages, ANTHROPIC_MESSAGES",
        "api.anthropic.com, /v1/messages?beta=true, ANTHROPIC_MESSAGES",
        "generativelanguage.googleapis.com, /v1beta/models/gemini-2.5-pro:generateContent, GEMINI",
        "generativelanguage.googleapis.com,"
                + " /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse, GEMINI",
        "api.openai.com, /v1/audio/transcriptions, OPENAI_TRANSCRIPTION",
        "api.openai.com, /v1/audio/translations, OPENAI_TRANSCRIPTION",
        "api.groq.com, /openai/v1/audio/transcriptions, OPENAI_TRANSCRIPTION",
        "api.mistral.ai, /v1/audio/transcriptions, OPENAI_TRANSCRIPTION",
        "api.openai.com, /v1/audio/speech, OPENAI_SPEECH",
        "api.elevenlabs.io, /v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb, ELEVENLABS_SPEECH",
        "api.elevenlabs.io, /v1/text-to-speech/voice/stream?output_format=mp3_44100_128,"
                + " ELEVENLABS_SPEECH",
        "api.elevenlabs.io, /v1/text-to-speech/voice/with-timestamps, ELEVENLABS_SPEECH",
        "api.elevenlabs.io, /v1/text-to-speech/voice/stream/with-timestamps, ELEVENLABS_SPEECH",
        "api.elevenlabs.io, /v1/speech-to-text, ELEVENLABS_TRANSCRIPTION",
    })
    void detectsFormatFromPath(String host, String path, ResponseFormat expected) {
        assertThat(ResponseFormat.detect(host, path)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "api.openai.com, /v1/models",
        "api.openai.com, /v1/audio/voices",
        "api.openai.com, /v1/responses/resp_123",
        "api.anthropic.com, /v1/messages/count_tokens",
        "api.anthropic.com, /v1/messages/batches",
        "generativelanguage.googleapis.com, /v1beta/models/gemini-2.5-flash:countTokens",
        "api.elevenlabs.io, /v1/text-to-speech",
        "api.elevenlabs.io, /v1/text-to-speech/voice/unknown",
        "api.elevenlabs.io, /v1/voices",
    })
    void unmeteredPathsDetectNothing(String host, String path) {
        assertThat(ResponseFormat.detect(host, path)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"' ', /v1/chat/completions", "api.openai.com, ' '"})
    void blankHostOrPathRejected(String host, String path) {
        assertThatThrownBy(() -> ResponseFormat.detect(host, path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }
}
