package dev.tollgate.api;

import dev.tollgate.billing.Meter;
import dev.tollgate.billing.Meters;
import dev.tollgate.billing.RateType;
import dev.tollgate.billing.Tier;
import dev.tollgate.billing.TierType;
import dev.tollgate.billing.Tiers;
import dev.tollgate.core.ApiError;
import dev.tollgate.storage.Timestamps;
import io.helidon.webserver.http.HttpRouting;
import java.util.List;
import java.util.Optional;

/** {@code /v1/meters}: create, list, retrieve, update and delete meters. */
final class MeterRoutes {
    private static final int MAX_NAME_LENGTH = 200;
    private static final long MAX_TIER_START = 1_000_000_000_000_000L;

    private final Meters meters;
    private final Endpoints endpoints;

    MeterRoutes(Meters meters, Endpoints endpoints) {
        this.meters = meters;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/meters", endpoints.authenticated(this::create))
                .get("/v1/meters", endpoints.authenticated(call ->
                        Reply.ok(ListBody.of(meters.list(call.caller(), call.page()).map(MeterView::of)))))
                .get("/v1/meters/{id}", endpoints.authenticated(call ->
                        Reply.ok(MeterView.of(meters.get(call.caller(), call.pathParam("id"))))))
                .patch("/v1/meters/{id}", endpoints.authenticated(this::update))
                .delete("/v1/meters/{id}", endpoints.authenticated(call -> {
                    String id = call.pathParam("id");
                    meters.delete(call.caller(), id);
                    return Reply.ok(new DeletedBody(id, true));
                }));
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        String name = body.requiredText("name", MAX_NAME_LENGTH);
        Optional<String> slug = body.optionalText("meter_slug", 64);
        slug.ifPresent(MeterRoutes::checkSlug);
        RateType rateType = body.requiredChoice("rate_type", RateType.class);
        TierType tierType = body.requiredChoice("tier_type", TierType.class);
        List<Tier> tiers = readTiers(body).orElseThrow(() -> ApiError.missing("tiers"));
        Meter meter = meters.create(call.caller(),
                new Meters.NewMeter(name, slug, rateType, tierType, tiers));
        return Reply.created(MeterView.of(meter));
    }

    private Reply update(Call call) {
        JsonBody body = call.body();
        String fixed = "cannot be changed after creation; create a new meter instead.";
        body.reject("rate_type", fixed);
        body.reject("tier_type", fixed);
        body.reject("meter_slug", fixed);
        Optional<String> name = body.optionalText("name", MAX_NAME_LENGTH);
        Optional<List<Tier>> tiers = readTiers(body);
        return Reply.ok(MeterView.of(meters.update(call.caller(), call.pathParam("id"), name, tiers)));
    }

    private static void checkSlug(String slug) {
        if (!slug.matches("[a-z0-9][a-z0-9_-]*")) {
            throw ApiError.invalid("meter_slug", "Invalid meter_slug '" + slug + "'. Use lowercase"
                    + " letters, digits, '-' and '_', starting with a letter or digit, such as 'chat-tokens'.");
        }
    }

    private static Optional<List<Tier>> readTiers(JsonBody body) {
        return body.optionalObjects("tiers", Tiers.MAX_TIERS).map(items -> items.stream()
                .map(item -> new Tier(item.requiredCount("start", MAX_TIER_START),
                        item.requiredRate("rate")))
                .toList());
    }

    /** The wire form of a meter. */
    record MeterView(String meterId, String meterSlug, String name, String rateType,
            String tierType, List<TierView> tiers, String createdAt) {
        static MeterView of(Meter meter) {
            List<TierView> tiers = meter.tiers().stream()
                    .map(tier -> new TierView(tier.start(), tier.rate().toWire(),
                            meter.tierType().code()))
                    .toList();
            return new MeterView(meter.id(), meter.slug(), meter.name(), meter.rateType().code(),
                    meter.tierType().code(), tiers, Timestamps.format(meter.createdAt()));
        }
    }

    /** The wire form of a tier: start as a number, rate as a decimal string. */
    record TierView(long start, String rate, String type) {
    }
}
