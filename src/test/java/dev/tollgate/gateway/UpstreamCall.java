package dev.tollgate.gateway;

import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A client request sent through the forward endpoint to one provider URL, with a JSON or
 * multipart body. {@link #forFixture} picks the request that matches a recorded response, so
 * that the fake provider can reply to it with that response.
 */
record UpstreamCall(String upstreamUrl, String contentType, byte[] body) {
    static final String BOUNDARY = "tollgate-upload-7f3a";
    /** The text sent for speech, 31 code points: the é and the emoji count once each. */
    static final String SPEECH_INPUT = "Café opens at nine 🙂 tomorrow.";
    /** Size of the audio file in uploads: 8,000 bytes, estimated at 2 seconds. */
    static final int UPLOAD_AUDIO_BYTES = 8_000;

    /** Returns the path at the provider, such as {@code /v1/chat/completions}. */
    String providerPath() {
        String withoutScheme = upstreamUrl.substring(upstreamUrl.indexOf("://") + 3);
        String path = withoutScheme.substring(withoutScheme.indexOf('/'));
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    HttpResponse<byte[]> send(TestServer server, String credential) {
        String forward = "/v1/forward?u=" + URLEncoder.encode(upstreamUrl, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + forward))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return Forwarding.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static UpstreamCall json(String url, String json) {
        return new UpstreamCall(url, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a multipart upload of the text fields, given as name and value pairs, and a file. */
    static UpstreamCall upload(String url, byte[] audio, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\""
                    + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"clip.mp3\"\r\nContent-Type: audio/mpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(audio);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new UpstreamCall(url, "multipart/form-data; boundary=" + BOUNDARY,
                out.toByteArray());
    }

    /** Returns audio-like bytes that are not valid UTF-8, to catch any text decoding. */
    static byte[] audio(int size) {
        byte[] audio = new byte[size];
        for (int i = 0; i < size; i++) {
            audio[i] = (byte) (0x80 + i % 0x7F);
        }
        return audio;
    }

    /**
     * Returns a request whose reply is the recorded response at {@code relativePath}, such as
     * {@code gemini/streamGenerateContent_single_chunk.sse}.
     */
    static UpstreamCall forFixture(String relativePath, boolean stream) {
        String provider = relativePath.substring(0, relativePath.indexOf('/'));
        String name = relativePath.substring(provider.length() + 1);
        return switch (provider) {
            case "openai" -> openAi(name, stream);
            case "anthropic" -> json("https://api.anthropic.com/v1/messages",
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            case "gemini" -> json("https://generativelanguage.googleapis.com/v1beta/models/"
                    + (stream ? "gemini-2.5-flash:streamGenerateContent?alt=sse"
                            : "gemini-2.5-flash:generateContent"),
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}");
            case "openrouter" -> chat("https://openrouter.ai/api/v1", "x-ai/grok-4", stream);
            case "groq" -> chat("https://api.groq.com/openai/v1", "llama-3.3-70b-versatile",
                    stream);
            case "mistral" -> name.startsWith("transcription_")
                    ? upload("https://api.mistral.ai/v1/audio/transcriptions",
                            audio(UPLOAD_AUDIO_BYTES), "model", "voxtral-mini-latest")
                    : chat("https://api.mistral.ai/v1", "mistral-small-latest", stream);
            case "elevenlabs" -> upload("https://api.elevenlabs.io/v1/speech-to-text",
                    audio(UPLOAD_AUDIO_BYTES), "model_id", "scribe_v1");
            default -> throw new IllegalArgumentException("no request for provider " + provider
                    + " of " + relativePath);
        };
    }

    private static UpstreamCall openAi(String name, boolean stream) {
        String base = "https://api.openai.com/v1";
        if (name.startsWith("responses_")) {
            return json(base + "/responses",
                    "{\"model\":\"gpt-5\",\"input\":\"Hi\",\"stream\":" + stream + "}");
        }
        if (name.startsWith("embeddings_")) {
            return json(base + "/embeddings",
                    "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}");
        }
        if (name.startsWith("transcription_")) {
            String[] fields = {"model", "gpt-4o-transcribe", "stream", String.valueOf(stream)};
            if (name.contains("verbose_json")) {
                fields = new String[] {"model", "whisper-1", "response_format", "verbose_json"};
            }
            return upload(base + "/audio/transcriptions", audio(UPLOAD_AUDIO_BYTES), fields);
        }
        if (name.startsWith("speech_")) {
            return json(base + "/audio/speech", "{\"model\":\"gpt-4o-mini-tts\",\"voice\":"
                    + "\"alloy\",\"input\":\"" + SPEECH_INPUT + "\",\"stream_format\":\"sse\"}");
        }
        return chat(base, "gpt-4o-mini", stream);
    }

    private static UpstreamCall chat(String base, String model, boolean stream) {
        String options = stream ? ",\"stream_options\":{\"include_usage\":true}" : "";
        return json(base + "/chat/completions", "{\"model\":\"" + model + "\",\"stream\":"
                + stream + options + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }
}
