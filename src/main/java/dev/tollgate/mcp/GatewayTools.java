package dev.tollgate.mcp;

import static dev.tollgate.mcp.ToolParam.Type.INTEGER;
import static dev.tollgate.mcp.ToolParam.Type.OBJECT;
import static dev.tollgate.mcp.ToolParam.Type.OBJECT_ARRAY;
import static dev.tollgate.mcp.ToolParam.Type.STRING;
import static dev.tollgate.mcp.ToolParam.Type.STRING_ARRAY;
import static dev.tollgate.mcp.ToolParam.optional;
import static dev.tollgate.mcp.ToolParam.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.client.ApiClient;
import dev.tollgate.client.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tools that send traffic through the gateway ({@code prompt}, {@code call}) and read the
 * price catalogue ({@code search}). Gateway calls are metered and charged like any other: with
 * {@code customer_id} and {@code meter_slug} they carry a forward token that bills the customer.
 */
final class GatewayTools {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FALLBACKS = 5;
    /** OpenAI-compatible base paths of providers that do not use {@code /v1}. */
    private static final Map<String, String> CHAT_BASE_PATHS = Map.of(
            "google", "/v1beta/openai", "groq", "/openai/v1", "novita", "/v3/openai",
            "deepinfra", "/v1/openai", "cohere", "/compatibility/v1", "fireworks", "/inference/v1",
            "openrouter", "/api/v1");

    private final Supplier<ApiClient> client;

    GatewayTools(Supplier<ApiClient> client) {
        this.client = client;
    }

    List<ToolSpec> all() {
        ToolParam customer = optional("customer_id", STRING, "Customer to charge (with"
                + " meter_slug); without both, the merchant pays the provider cost");
        ToolParam meter = optional("meter_slug", STRING, "Meter that prices the usage");
        return List.of(
                ToolSpec.of("prompt", "Send an OpenAI-format chat completion to a model through"
                        + " the gateway, trying the fallback models in order when a model"
                        + " returns 5xx or 429 or cannot be reached.", this::prompt,
                        required("model", STRING, "Model id, such as gpt-4o-mini"),
                        required("messages", OBJECT_ARRAY, "Chat messages such as"
                                + " [{\"role\":\"user\",\"content\":\"Hi\"}]"),
                        optional("fallbacks", STRING_ARRAY, "Models to try next, at most "
                                + MAX_FALLBACKS),
                        optional("max_tokens", INTEGER, "Maximum output tokens"),
                        optional("provider_url", STRING, "OpenAI-compatible base URL, such as"
                                + " https://api.openai.com/v1 (default: from the model's"
                                + " provider)"),
                        customer, meter),
                ToolSpec.of("call", "Send any provider API request through the gateway.",
                        this::call,
                        required("url", STRING, "Provider URL, such as"
                                + " https://api.openai.com/v1/embeddings"),
                        ToolParam.choice("method", false, "HTTP method (default POST)", "GET",
                                "POST", "PUT", "PATCH", "DELETE"),
                        optional("body", OBJECT, "JSON request body"),
                        customer, meter),
                ToolSpec.of("search", "Search providers and models with their prices in"
                        + " dollars per million tokens.", this::search,
                        optional("query", STRING, "Text to match in model or provider names"),
                        optional("provider", STRING, "Only this provider, such as openai")));
    }

    private JsonNode prompt(ToolArguments args) {
        List<String> models = new ArrayList<>();
        models.add(args.requiredText("model"));
        args.node("fallbacks").ifPresent(list -> list.forEach(model -> models.add(model.asText())));
        if (models.size() > MAX_FALLBACKS + 1) {
            throw new ToolArgumentException("fallbacks", "has " + (models.size() - 1)
                    + " models; the maximum is " + MAX_FALLBACKS);
        }
        args.integer("max_tokens", 1, 1_000_000);
        String credential = credential(args);
        ArrayNode attempts = JSON.createArrayNode();
        for (String model : models) {
            ObjectNode body = JSON.createObjectNode();
            body.put("model", model);
            body.set("messages", args.node("messages").orElseThrow());
            args.node("max_tokens").ifPresent(value -> body.set("max_tokens", value));
            String url = chatUrl(args, model) + "/chat/completions";
            ObjectNode attempt = attempts.addObject().put("model", model);
            ApiClient.GatewayReply reply;
            try {
                reply = client.get().forward("POST", url, credential, body.toString());
            } catch (ApiException e) {
                // Status 0: the Tollgate server could not be reached, so try the next model.
                attempt.put("status", 0).put("error", e.getMessage());
                continue;
            }
            attempt.put("status", reply.status()).put("request_id", reply.requestId());
            if (!isRetryable(reply.status())) {
                // Success or a client error such as 400, which the next model would repeat.
                return promptResult(reply, model, attempts);
            }
            attempt.put("error", reply.body());
        }
        throw new ApiException(502, "Every model failed: " + attempts);
    }

    private static boolean isRetryable(int status) {
        return status == 429 || status >= 500;
    }

    private static JsonNode promptResult(ApiClient.GatewayReply reply, String model,
            ArrayNode attempts) {
        JsonNode response = parse(reply.body());
        if (reply.status() >= 400) {
            throw new ApiException(reply.status(), "Model " + model + " returned HTTP "
                    + reply.status() + ": " + reply.body());
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("model", model);
        result.put("request_id", reply.requestId());
        result.put("content", response.at("/choices/0/message/content").asText(""));
        result.set("usage", response.path("usage"));
        result.set("attempts", attempts);
        return result;
    }

    /** Returns the OpenAI-compatible base URL for {@code model}, from the catalogue. */
    private String chatUrl(ToolArguments args, String model) {
        if (args.text("provider_url").isPresent()) {
            String url = args.text("provider_url").get();
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        for (JsonNode service : client.get().get("v1/services", Map.of()).path("data")) {
            for (JsonNode price : service.path("models")) {
                if (price.path("model").asText().equals(model)) {
                    String provider = service.path("provider").asText();
                    return "https://" + service.path("host").asText()
                            + CHAT_BASE_PATHS.getOrDefault(provider, "/v1");
                }
            }
        }
        throw new ToolArgumentException("model", "is '" + model + "', which is not in the"
                + " price catalogue. Use the search tool to find a model, or pass provider_url");
    }

    private JsonNode call(ToolArguments args) {
        String body = args.node("body").map(JsonNode::toString).orElse(null);
        ApiClient.GatewayReply reply = client.get().forward(
                args.text("method").orElse("POST"), args.requiredText("url"), credential(args),
                body);
        ObjectNode result = JSON.createObjectNode();
        result.put("status", reply.status());
        result.put("request_id", reply.requestId());
        result.set("body", parse(reply.body()));
        if (reply.status() >= 400) {
            throw new ApiException(reply.status(), "Provider request returned HTTP "
                    + reply.status() + ": " + reply.body());
        }
        return result;
    }

    private JsonNode search(ToolArguments args) {
        String query = args.text("query").orElse("").toLowerCase(Locale.ROOT);
        String provider = args.text("provider").orElse(null);
        ArrayNode matches = JSON.createArrayNode();
        for (JsonNode service : client.get().get("v1/services", Map.of()).path("data")) {
            String name = service.path("provider").asText();
            if (provider != null && !provider.equalsIgnoreCase(name)) {
                continue;
            }
            for (JsonNode price : service.path("models")) {
                String model = price.path("model").asText();
                if (model.toLowerCase(Locale.ROOT).contains(query)
                        || name.toLowerCase(Locale.ROOT).contains(query)) {
                    ObjectNode match = ((ObjectNode) price.deepCopy()).put("provider", name);
                    match.put("host", service.path("host").asText());
                    matches.add(match);
                }
            }
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("count", matches.size());
        result.set("models", matches);
        return result;
    }

    /** Returns the gateway credential: a forward token with the customer and meter, if given. */
    private String credential(ToolArguments args) {
        String key = McpSession.requireKey(client.get());
        if (args.text("customer_id").isPresent() && args.text("meter_slug").isEmpty()) {
            throw new ToolArgumentException("meter_slug", "is required with customer_id, so"
                    + " the gateway knows how to price the usage");
        }
        if (args.text("meter_slug").isEmpty()) {
            return key;
        }
        ObjectNode token = JSON.createObjectNode().put("secret_key", key);
        token.setAll(args.body("customer_id", "meter_slug"));
        return Base64.getEncoder().encodeToString(token.toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
