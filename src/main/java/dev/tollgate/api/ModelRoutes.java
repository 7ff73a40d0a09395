package dev.tollgate.api;

import dev.tollgate.billing.ModelPrice;
import dev.tollgate.billing.PriceCatalogue;
import dev.tollgate.billing.TokenPrices;
import dev.tollgate.gateway.Provider;
import dev.tollgate.gateway.Providers;
import dev.tollgate.money.Rate;
import dev.tollgate.spendkeys.SpendKey;
import dev.tollgate.spendkeys.SpendKeySettings;
import dev.tollgate.spendkeys.SpendKeys;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public model list ({@code GET /v1/models}, in OpenAI's list format) and the service
 * catalogue with prices ({@code GET /v1/services}), both generated from the price catalogue.
 * Neither needs a key. A spend key sent to {@code /v1/models} limits the list to the models and
 * providers that the key allows.
 */
final class ModelRoutes {
    private final PriceCatalogue prices;
    private final SpendKeys spendKeys;

    ModelRoutes(PriceCatalogue prices, SpendKeys spendKeys) {
        this.prices = prices;
        this.spendKeys = spendKeys;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/models", Endpoints.openRequest(request -> Reply.ok(
                        models(spendKey(request)))))
                .get("/v1/services", Endpoints.open(() -> Reply.ok(services())));
    }

    /**
     * Returns the spend key that the request sends as a Bearer token or in {@code x-api-key}.
     *
     * @throws dev.tollgate.core.ApiError 401 for an unknown, rotated or revoked spend key
     */
    private Optional<SpendKey> spendKey(ServerRequest request) {
        Optional<String> credential = request.headers().first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip())
                .or(() -> request.headers().first(HeaderNames.create("x-api-key")))
                .filter(SpendKeys::looksLikeSpendKey);
        return credential.map(spendKeys::authenticate);
    }

    private ModelList models(Optional<SpendKey> key) {
        List<ModelView> data = prices.all().stream()
                .filter(price -> key.isEmpty() || allows(key.get().settings(), price))
                .map(price -> new ModelView(price.model(), "model", 0, price.provider()))
                .toList();
        return new ModelList("list", data);
    }

    private static boolean allows(SpendKeySettings settings, ModelPrice price) {
        boolean modelAllowed = settings.allowedModels()
                .map(models -> models.stream().anyMatch(price.model()::equalsIgnoreCase))
                .orElse(true);
        boolean providerAllowed = settings.allowedProviders()
                .map(providers -> providers.contains(price.provider()))
                .orElse(true);
        return modelAllowed && providerAllowed;
    }

    private ServiceList services() {
        Map<String, List<PriceView>> byProvider = new LinkedHashMap<>();
        for (ModelPrice price : prices.all()) {
            byProvider.computeIfAbsent(price.provider(), p -> new ArrayList<>()).add(PriceView.of(price));
        }
        List<ServiceView> services = new ArrayList<>();
        byProvider.forEach((provider, models) -> services.add(new ServiceView(provider,
                Providers.all().stream().filter(p -> p.id().equals(provider)).findFirst()
                        .map(Provider::host).orElse(null),
                models)));
        return new ServiceList(services);
    }

    /** A model in OpenAI's list format; {@code created} is 0 because the catalogue has no date. */
    record ModelView(String id, String object, long created, String ownedBy) {
    }

    record ModelList(String object, List<ModelView> data) {
    }

    /** Prices in dollars per million tokens (or characters, or per minute). */
    record PriceView(String model, String inputPerMillion, String cachedInputPerMillion,
            String cacheWritePerMillion, String outputPerMillion, Long longContextAboveInputTokens,
            String perMillionCharacters, String perMinute) {
        static PriceView of(ModelPrice price) {
            TokenPrices tokens = price.tokens();
            return new PriceView(price.model(), tokens.input().toWire(),
                    tokens.cachedInput().toWire(), tokens.cacheWrite().toWire(),
                    tokens.output().toWire(),
                    price.longContext().map(ModelPrice.LongContext::aboveInputTokens).orElse(null),
                    wire(price.perMillionCharacters()), wire(price.perMinute()));
        }

        private static String wire(Optional<Rate> rate) {
            return rate.map(Rate::toWire).orElse(null);
        }
    }

    record ServiceView(String provider, String host, List<PriceView> models) {
    }

    record ServiceList(List<ServiceView> data) {
    }
}
