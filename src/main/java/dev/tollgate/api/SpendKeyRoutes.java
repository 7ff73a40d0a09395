package dev.tollgate.api;

import dev.tollgate.accounts.Wallets;
import dev.tollgate.money.Money;
import dev.tollgate.spendkeys.SpendKey;
import dev.tollgate.spendkeys.SpendKeySettings;
import dev.tollgate.spendkeys.SpendKeys;
import dev.tollgate.storage.Timestamps;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code /v1/spend_keys}: create, list, retrieve, update ({@code PUT}), rotate and revoke the
 * caller's environment's spend keys; and {@code GET /v1/wallet}.
 */
final class SpendKeyRoutes {
    private final SpendKeys spendKeys;
    private final Endpoints endpoints;
    private final Clock clock;

    SpendKeyRoutes(SpendKeys spendKeys, Endpoints endpoints, Clock clock) {
        this.spendKeys = spendKeys;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/spend_keys", endpoints.authenticated(call -> Reply.ok(ListBody.of(
                        spendKeys.list(call.caller(), call.page()).map(this::view)))))
                .post("/v1/spend_keys", endpoints.authenticated(call -> {
                    SpendKeySettings settings = new SpendKeyFields(call.body(), clock).forCreate();
                    return Reply.created(created(spendKeys.create(call.caller(), settings)));
                }))
                .get("/v1/spend_keys/{id}", endpoints.authenticated(call -> Reply.ok(
                        view(spendKeys.get(call.caller(), call.pathParam("id"))))))
                .put("/v1/spend_keys/{id}", endpoints.authenticated(call -> {
                    String id = call.pathParam("id");
                    var change = new SpendKeyFields(call.body(), clock).forUpdate();
                    return Reply.ok(view(spendKeys.update(call.caller(), id, change)));
                }))
                .delete("/v1/spend_keys/{id}", endpoints.authenticated(call -> {
                    spendKeys.revoke(call.caller(), call.pathParam("id"));
                    return Reply.ok(SuccessBody.TRUE);
                }))
                .post("/v1/spend_keys/{id}/rotate", endpoints.authenticated(call -> Reply.ok(
                        created(spendKeys.rotate(call.caller(), call.pathParam("id"))))))
                .get("/v1/wallet", endpoints.authenticated(call -> Reply.ok(new WalletView(
                        Wallets.walletId(call.caller().merchantId()), Money.ZERO.toWire()))));
    }

    /**
     * The merchant's wallet. Tollgate holds no funds for the merchant, because the operator pays
     * the providers directly, so the balance is always zero.
     */
    record WalletView(String walletId, String balance) {
    }

    record SpendLimitView(String amount, String cycle) {
    }

    record RequestLimitView(long count, String cycle) {
    }

    record RateLimitView(int rpm, Integer burst) {
    }

    /** The wire form of {@code RestSpendKey}. */
    record SpendKeyView(String spendKeyId, String keyPreview, String name, String status,
            String requestShape, String walletId, List<String> allowedModels,
            List<String> allowedProviders, SpendLimitView spendLimit, String currentSpend,
            String totalSpend, RequestLimitView requestLimit, long currentRequests,
            long totalRequests, RateLimitView rateLimit, String expiresAt, String lastUsedAt,
            String createdAt) {
    }

    /** {@code RestSpendKeyCreated}: the key's fields and the raw key, shown once. */
    record CreatedSpendKeyView(String spendKeyId, String keyPreview, String name, String status,
            String requestShape, String walletId, List<String> allowedModels,
            List<String> allowedProviders, SpendLimitView spendLimit, String currentSpend,
            String totalSpend, RequestLimitView requestLimit, long currentRequests,
            long totalRequests, RateLimitView rateLimit, String expiresAt, String lastUsedAt,
            String createdAt, String key) {
    }

    private SpendKeyView view(SpendKey key) {
        Instant now = clock.instant();
        SpendKeySettings settings = key.settings();
        return new SpendKeyView(key.id(), key.keyPreview(), settings.name(),
                settings.status().code(), settings.requestShape().code(),
                Wallets.walletId(key.merchantId()), settings.allowedModels().orElse(null),
                settings.allowedProviders().orElse(null),
                settings.spendLimit().map(limit -> new SpendLimitView(limit.amount().toDisplay(),
                        limit.cycle().code())).orElse(null),
                key.currentSpend(now).toWire(), key.counters().totalSpend().toWire(),
                settings.requestLimit().map(limit -> new RequestLimitView(limit.count(),
                        limit.cycle().code())).orElse(null),
                key.currentRequests(now), key.counters().totalRequests(),
                settings.rateLimit().map(limit -> new RateLimitView(limit.rpm(),
                        limit.burst().orElse(null))).orElse(null),
                settings.expiresAt().map(Timestamps::format).orElse(null),
                key.lastUsedAt().map(Timestamps::format).orElse(null),
                Timestamps.format(key.createdAt()));
    }

    private CreatedSpendKeyView created(SpendKeys.CreatedKey created) {
        SpendKeyView key = view(created.key());
        return new CreatedSpendKeyView(key.spendKeyId(), key.keyPreview(), key.name(),
                key.status(), key.requestShape(), key.walletId(), key.allowedModels(),
                key.allowedProviders(), key.spendLimit(), key.currentSpend(), key.totalSpend(),
                key.requestLimit(), key.currentRequests(), key.totalRequests(), key.rateLimit(),
                key.expiresAt(), key.lastUsedAt(), key.createdAt(), created.secret());
    }
}
