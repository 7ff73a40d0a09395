package dev.tollgate.gateway;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A response shape the gateway reads usage from: tokens, characters of synthesized text or
 * seconds of transcribed audio. Each value covers every provider that returns that shape,
 * whatever its host.
 */
public enum ResponseFormat {
    /**
     * OpenAI chat completions ({@code /chat/completions}), also spoken by Mistral, DeepSeek, xAI,
     * Groq, Together, Fireworks, Cerebras, DeepInfra, Cohere's compatibility API, OpenRouter and
     * Gemini's {@code /openai/} path.
     */
    OPENAI_CHAT,
    /** OpenAI embeddings ({@code /embeddings}): input tokens only. */
    OPENAI_EMBEDDINGS,
    /** OpenAI Responses API ({@code /v1/responses}). */
    OPENAI_RESPONSES,
    /** Anthropic Messages API ({@code /v1/messages}) and Anthropic-compatible upstreams. */
    ANTHROPIC_MESSAGES,
    /** Gemini {@code models/...:generateContent} and {@code :streamGenerateContent}. */
    GEMINI,
    /**
     * Speech to text in OpenAI's shape ({@code /audio/transcriptions} and
     * {@code /audio/translations}), also spoken by Mistral and Groq: seconds and tokens.
     */
    OPENAI_TRANSCRIPTION,
    /** OpenAI text to speech ({@code /audio/speech}): characters of the request's input. */
    OPENAI_SPEECH,
    /**
     * ElevenLabs text to speech ({@code /v1/text-to-speech/{voice_id}}, with the optional
     * {@code /stream} and {@code /with-timestamps} suffixes): characters.
     */
    ELEVENLABS_SPEECH,
    /** ElevenLabs speech to text ({@code /v1/speech-to-text}): seconds. */
    ELEVENLABS_TRANSCRIPTION;

    private static final Pattern ELEVENLABS_SPEECH_PATH =
            Pattern.compile(".*/v1/text-to-speech/[^/]+(/stream)?(/with-timestamps)?");

    /** Returns whether the format is speech to text or text to speech. */
    public boolean isAudio() {
        return this == OPENAI_TRANSCRIPTION || this == OPENAI_SPEECH || this == ELEVENLABS_SPEECH
                || this == ELEVENLABS_TRANSCRIPTION;
    }

    /**
     * Detects the format of the response to a request for {@code path} on {@code host}, for
     * example {@code api.openai.com} and {@code /v1/chat/completions}, or
     * {@code generativelanguage.googleapis.com} and
     * {@code /v1beta/models/gemini-2.5-flash:streamGenerateContent}. A query string on the path
     * is ignored. The path alone decides today, because each shape has its own path ending on
     * every supported provider, including those that serve it under a prefix such as Groq's
     * {@code /openai/v1} or Gemini's {@code /v1beta/openai}.
     *
     * @return the format, or empty when the gateway reads no usage for that path
     * @throws IllegalArgumentException when {@code host} or {@code path} is blank
     */
    public static Optional<ResponseFormat> detect(String host, String path) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is missing: pass the upstream host name");
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path is missing: pass the upstream request path");
        }
        return Optional.ofNullable(formatOfPath(withoutQueryAndSlash(path)));
    }

    private static ResponseFormat formatOfPath(String path) {
        if (path.endsWith("/chat/completions")) {
            return OPENAI_CHAT;
        }
        if (path.endsWith("/embeddings")) {
            return OPENAI_EMBEDDINGS;
        }
        if (path.endsWith("/responses")) {
            return OPENAI_RESPONSES;
        }
        if (path.endsWith("/v1/messages")) {
            return ANTHROPIC_MESSAGES;
        }
        if (path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent")) {
            return GEMINI;
        }
        return audioFormatOfPath(path);
    }

    private static ResponseFormat audioFormatOfPath(String path) {
        if (path.endsWith("/audio/transcriptions") || path.endsWith("/audio/translations")) {
            return OPENAI_TRANSCRIPTION;
        }
        if (path.endsWith("/audio/speech")) {
            return OPENAI_SPEECH;
        }
        if (path.endsWith("/v1/speech-to-text")) {
            return ELEVENLABS_TRANSCRIPTION;
        }
        if (ELEVENLABS_SPEECH_PATH.matcher(path).matches()) {
            return ELEVENLABS_SPEECH;
        }
        return null;
    }

    private static String withoutQueryAndSlash(String path) {
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        while (bare.endsWith("/")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        return bare;
    }
}
