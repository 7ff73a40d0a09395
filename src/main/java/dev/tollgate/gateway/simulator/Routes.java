package dev.tollgate.gateway.simulator;

import static java.util.Map.entry;

import dev.tollgate.gateway.simulator.Route.Endpoint;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the endpoint of a provider request from its host, method and path. Only POST requests
 * match. Host names are compared without case, port or trailing dot, and the path without its
 * query, except that Gemini's {@code alt=sse} query selects server-sent events.
 */
final class Routes {
    private static final String ANTHROPIC_HOST = "api.anthropic.com";
    private static final String GOOGLE_HOST = "generativelanguage.googleapis.com";
    private static final String OPENAI_HOST = "api.openai.com";

    /**
     * OpenAI-compatible hosts, each with the base paths under which it serves
     * {@code /chat/completions} and {@code /embeddings}. The bases are those of the provider
     * URLs in the {@code @lavapayments/nodejs} 11.2.0 SDK, and DeepSeek also serves its API
     * without {@code /v1}.
     */
    private static final Map<String, List<String>> OPENAI_COMPATIBLE_BASES = Map.ofEntries(
            entry(OPENAI_HOST, List.of("/v1")),
            entry("api.mistral.ai", List.of("/v1")),
            entry("api.deepseek.com", List.of("/v1", "")),
            entry("api.x.ai", List.of("/v1")),
            entry(GOOGLE_HOST, List.of("/v1beta/openai")),
            entry("api.kluster.ai", List.of("/v1")),
            entry("api.inference.net", List.of("/v1")),
            entry("api.groq.com", List.of("/openai/v1")),
            entry("api.novita.ai", List.of("/v3/openai")),
            entry("api.v0.dev", List.of("/v1")),
            entry("api.together.xyz", List.of("/v1")),
            entry("api.hyperbolic.xyz", List.of("/v1")),
            entry("api.sambanova.ai", List.of("/v1")),
            entry("api.deepinfra.com", List.of("/v1/openai")),
            entry("api.cohere.ai", List.of("/compatibility/v1")),
            entry("api.parasail.io", List.of("/v1")),
            entry("api.studio.nebius.com", List.of("/v1")),
            entry("api.fireworks.ai", List.of("/inference/v1")),
            entry("api.embercloud.ai", List.of("/v1")),
            entry("api.cerebras.ai", List.of("/v1")),
            entry("api.targon.com", List.of("/v1")),
            entry("api.gmi-serving.com", List.of("/v1")),
            entry("llm.chutes.ai", List.of("/v1")),
            entry("inference.baseten.co", List.of("/v1")),
            entry("api.moonshot.ai", List.of("/v1")));

    private static final Pattern GEMINI_PATH = Pattern.compile(
            "/v1(?:beta|alpha)?/models/([^/:]+):(generateContent|streamGenerateContent)");

    private Routes() {
    }

    /** Returns the endpoint of the request, or empty when the simulator does not serve it. */
    static Optional<Route> match(String host, String method, String pathAndQuery) {
        if (host == null || method == null || pathAndQuery == null
                || !method.equalsIgnoreCase("POST")) {
            return Optional.empty();
        }
        String hostName = hostName(host);
        int queryStart = pathAndQuery.indexOf('?');
        String path = queryStart < 0 ? pathAndQuery : pathAndQuery.substring(0, queryStart);
        String query = queryStart < 0 ? "" : pathAndQuery.substring(queryStart + 1);

        if (hostName.equals(ANTHROPIC_HOST) && path.equals("/v1/messages")) {
            return Optional.of(Route.of(Endpoint.ANTHROPIC_MESSAGES));
        }
        if (hostName.equals(OPENAI_HOST)) {
            Optional<Route> openAi = matchOpenAi(path);
            if (openAi.isPresent()) {
                return openAi;
            }
        }
        if (hostName.equals(GOOGLE_HOST)) {
            Optional<Route> gemini = matchGemini(path, query);
            if (gemini.isPresent()) {
                return gemini;
            }
        }
        return matchOpenAiCompatible(hostName, path);
    }

    private static Optional<Route> matchOpenAi(String path) {
        Endpoint endpoint = switch (path) {
            case "/v1/responses" -> Endpoint.OPENAI_RESPONSES;
            case "/v1/audio/transcriptions" -> Endpoint.OPENAI_TRANSCRIPTION;
            case "/v1/audio/translations" -> Endpoint.OPENAI_TRANSLATION;
            case "/v1/audio/speech" -> Endpoint.OPENAI_SPEECH;
            default -> null;
        };
        return Optional.ofNullable(endpoint).map(Route::of);
    }

    private static Optional<Route> matchGemini(String path, String query) {
        Matcher matcher = GEMINI_PATH.matcher(path);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String model = matcher.group(1);
        if (matcher.group(2).equals("generateContent")) {
            return Optional.of(new Route(Endpoint.GEMINI_GENERATE, model, false));
        }
        boolean serverSentEvents = List.of(query.split("&")).contains("alt=sse");
        return Optional.of(new Route(Endpoint.GEMINI_STREAM, model, serverSentEvents));
    }

    private static Optional<Route> matchOpenAiCompatible(String hostName, String path) {
        for (String base : OPENAI_COMPATIBLE_BASES.getOrDefault(hostName, List.of())) {
            if (path.equals(base + "/chat/completions")) {
                return Optional.of(Route.of(Endpoint.OPENAI_CHAT));
            }
            // NOTE: every compatible host is given embeddings, although some of these providers
            // offer no embedding models, so the real provider would return 404 or 400 there.
            if (path.equals(base + "/embeddings")) {
                return Optional.of(Route.of(Endpoint.OPENAI_EMBEDDINGS));
            }
        }
        return Optional.empty();
    }

    /** Returns the host in lower case without a port or a trailing dot. */
    private static String hostName(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon >= 0 && name.indexOf(']') < colon) {
            name = name.substring(0, colon);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
