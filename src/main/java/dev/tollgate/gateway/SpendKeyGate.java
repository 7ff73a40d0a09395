package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ModelPrice;
import dev.tollgate.billing.PriceCatalogue;
import dev.tollgate.core.ApiError;
import dev.tollgate.money.Money;
import dev.tollgate.spendkeys.RateLimiter;
import dev.tollgate.spendkeys.RequestShape;
import dev.tollgate.spendkeys.SpendKey;
import dev.tollgate.spendkeys.SpendKeyLimits;
import dev.tollgate.spendkeys.SpendKeySettings;
import dev.tollgate.spendkeys.SpendKeyStatus;
import dev.tollgate.spendkeys.SpendKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of a spend key request before it is forwarded. An unknown, rotated, revoked or
 * expired key gets 401 and a paused key 403. A request on the other shape's endpoint gets 403.
 * A model without a price gets 400, and a model or provider that the key does not allow 403.
 * An empty rate limit bucket gets 429. {@link SpendKeyLimits} checks the request and spend
 * limits. Thread-safe.
 */
public final class SpendKeyGate {
    /** OpenAI-compatible base paths of providers that do not serve them under {@code /v1}. */
    private static final Map<String, String> CHAT_BASE_PATHS = Map.of(
            "google", "/v1beta/openai", "groq", "/openai/v1", "novita", "/v3/openai",
            "deepinfra", "/v1/openai", "cohere", "/compatibility/v1", "fireworks", "/inference/v1",
            "openrouter", "/api/v1");

    private final SpendKeys spendKeys;
    private final SpendKeyLimits limits;
    private final RateLimiter rateLimiter;
    private final PriceCatalogue prices;
    private final Clock clock;

    public SpendKeyGate(SpendKeys spendKeys, SpendKeyLimits limits, RateLimiter rateLimiter,
            PriceCatalogue prices, Clock clock) {
        this.spendKeys = spendKeys;
        this.limits = limits;
        this.rateLimiter = rateLimiter;
        this.prices = prices;
        this.clock = clock;
    }

    /** The destination of an admitted request: the provider URL and the model's price. */
    record Route(String upstreamUrl, ModelPrice price) {
    }

    SpendKeyLimits limits() {
        return limits;
    }

    /**
     * Returns the active, unexpired key that {@code credential} names.
     *
     * @throws ApiError 401 for a credential that is not a valid spend key or an expired key,
     *     403 for a paused key
     */
    SpendKey authenticate(String credential) {
        if (!SpendKeys.looksLikeSpendKey(credential)) {
            throw ApiError.unauthenticated("This endpoint takes a spend key: send"
                    + " 'Authorization: Bearer lava_sk_...'. Secret keys and forward tokens go"
                    + " to /v1/forward.");
        }
        SpendKey key = spendKeys.authenticate(credential);
        if (key.isExpired(clock.instant())) {
            throw ApiError.unauthenticated("Spend key '" + key.id() + "' expired at "
                    + key.settings().expiresAt().orElseThrow() + ". Set a later expires_at"
                    + " with PUT /v1/spend_keys/" + key.id() + " or create a new key.");
        }
        if (key.settings().status() == SpendKeyStatus.PAUSED) {
            throw ApiError.forbidden("spend_key_paused", "Spend key '" + key.id() + "' is"
                    + " paused. Set its status to active with PUT /v1/spend_keys/" + key.id()
                    + ".");
        }
        return key;
    }

    /**
     * Checks the shape, model and provider of a request on the endpoint of {@code shape}.
     *
     * @throws ApiError 400 for a body without a model or a model without a price, 403 for a
     *     shape, model or provider that the key does not allow
     */
    Route route(SpendKey key, RequestShape shape, JsonNode body) {
        if (key.settings().requestShape() != shape) {
            RequestShape expected = key.settings().requestShape();
            throw ApiError.forbidden("request_shape_mismatch", "Spend key '" + key.id()
                    + "' sends " + expected.code() + "-shape requests to " + expected.endpoint()
                    + ", not to " + shape.endpoint() + ". Use that endpoint or change the key's"
                    + " request_shape.");
        }
        String model = modelOf(body);
        checkModelAllowed(key, model);
        ModelPrice price = findPrice(key, model);
        Provider provider = Providers.all().stream()
                .filter(candidate -> candidate.id().equals(price.provider()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "price catalogue names an unknown provider: " + price.provider()));
        return new Route(upstreamUrl(shape, provider, model), price);
    }

    private static String modelOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.malformedBody("Request body must be a JSON object with a 'model'"
                    + " field, such as {\"model\":\"gpt-4o-mini\",\"messages\":[...]}.");
        }
        JsonNode model = body.get("model");
        if (model == null || model.isNull() || (model.isTextual() && model.asText().isBlank())) {
            throw ApiError.missing("model");
        }
        if (!model.isTextual()) {
            throw ApiError.wrongType("model", "a model id string such as \"gpt-4o-mini\", not "
                    + model.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return model.asText().strip();
    }

    private static void checkModelAllowed(SpendKey key, String model) {
        Optional<List<String>> allowed = key.settings().allowedModels();
        if (allowed.isPresent() && allowed.get().stream().noneMatch(model::equalsIgnoreCase)) {
            throw ApiError.forbidden("model_not_allowed", "Spend key '" + key.id()
                    + "' does not allow model '" + model + "'. It allows: "
                    + String.join(", ", allowed.get()) + ".");
        }
    }

    /**
     * Finds the model's price, which names its provider. An id with a slash, such as
     * {@code openai/gpt-5-mini}, goes to OpenRouter; any other id goes to the first provider in
     * {@link Providers} order whose catalogue entry it names and that the key allows.
     */
    private ModelPrice findPrice(SpendKey key, String model) {
        List<Provider> candidates = model.contains("/")
                ? Providers.byHost("openrouter.ai").stream().toList()
                : Providers.all();
        Optional<List<String>> allowedProviders = key.settings().allowedProviders();
        String deniedProvider = null;
        for (Provider provider : candidates) {
            Optional<ModelPrice> price = prices.find(provider.id(), model)
                    .filter(found -> model.contains("/") || found.provider().equals(provider.id()));
            if (price.isEmpty()) {
                continue;
            }
            if (allowedProviders.isEmpty() || allowedProviders.get().contains(provider.id())) {
                return withProvider(price.get(), provider);
            }
            deniedProvider = deniedProvider == null ? provider.id() : deniedProvider;
        }
        if (deniedProvider != null) {
            throw ApiError.forbidden("provider_not_allowed", "Model '" + model + "' is served by "
                    + deniedProvider + ", which spend key '" + key.id() + "' does not allow."
                    + " It allows: " + String.join(", ", allowedProviders.orElseThrow()) + ".");
        }
        throw ApiError.invalid("model", "Model '" + model + "' is not in the price catalogue,"
                + " so the gateway cannot pick its provider or price it. GET /v1/models lists the"
                + " models; an operator adds others with TOLLGATE_PRICES_FILE.");
    }

    /** Returns {@code price} as the entry of {@code provider}, for OpenRouter's prefixed ids. */
    private static ModelPrice withProvider(ModelPrice price, Provider provider) {
        if (price.provider().equals(provider.id())) {
            return price;
        }
        return new ModelPrice(provider.id(), price.model(), price.tokens(), price.longContext(),
                price.perMillionCharacters(), price.perMinute());
    }

    private static String upstreamUrl(RequestShape shape, Provider provider, String model) {
        if (shape == RequestShape.ANTHROPIC) {
            if (!provider.id().equals("anthropic")) {
                throw ApiError.invalid("model", "Model '" + model + "' is served by "
                        + provider.id() + ", which does not accept Anthropic messages. Use a"
                        + " spend key with request_shape openai on POST /v1/chat/completions.");
            }
            return "https://" + provider.host() + "/v1/messages";
        }
        return "https://" + provider.host()
                + CHAT_BASE_PATHS.getOrDefault(provider.id(), "/v1") + "/chat/completions";
    }

    /**
     * Takes a token from the key's rate limit bucket. When the bucket is empty, sets
     * {@code Retry-After} on {@code sink} to the whole seconds until the next token.
     *
     * @throws ApiError 429 when the bucket is empty
     */
    void checkRate(SpendKey key, ClientSink sink) {
        Optional<SpendKeySettings.RateLimit> limit = key.settings().rateLimit();
        if (limit.isEmpty()) {
            return;
        }
        Optional<Duration> wait = rateLimiter.tryAcquire(key.id(), limit.get());
        if (wait.isEmpty()) {
            return;
        }
        long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
        sink.header("retry-after", Long.toString(seconds));
        throw ApiError.rateLimited("rate_limit_exceeded", "Spend key '" + key.id()
                + "' exceeded its rate limit of " + limit.get().rpm() + " requests per minute"
                + " (burst " + limit.get().capacity() + "). Retry after " + seconds + " seconds.");
    }

    /**
     * Returns the maximum cost of the request at {@code price}, which is held against the spend
     * limit, or zero when the key has no spend limit.
     */
    static Money maxCost(SpendKey key, ModelPrice price, String model, JsonNode body,
            UnitEstimate units) {
        if (key.settings().spendLimit().isEmpty()) {
            return Money.ZERO;
        }
        return Admission.providerCostBound(price, model, body, units);
    }
}
