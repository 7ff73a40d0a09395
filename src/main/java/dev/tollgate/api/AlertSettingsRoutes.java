package dev.tollgate.api;

import dev.tollgate.core.ApiError;
import dev.tollgate.webhooks.AlertSettings;
import io.helidon.webserver.http.HttpRouting;
import java.util.Map;

/**
 * {@code /v1/webhook_settings}: the merchant's threshold for {@code credits.low}, as a
 * percentage of the cycle grant, per environment.
 */
final class AlertSettingsRoutes {
    private final AlertSettings settings;
    private final Endpoints endpoints;

    AlertSettingsRoutes(AlertSettings settings, Endpoints endpoints) {
        this.settings = settings;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/webhook_settings", endpoints.authenticated(call -> Reply.ok(
                        Map.of("credits_low_percent", settings.creditsLowPercent(call.caller())))))
                .patch("/v1/webhook_settings", endpoints.authenticated(this::update));
    }

    private Reply update(Call call) {
        int percent = call.body().optionalInteger("credits_low_percent")
                .orElseThrow(() -> ApiError.missing("credits_low_percent"));
        if (percent < AlertSettings.MIN_PERCENT || percent > AlertSettings.MAX_PERCENT) {
            throw ApiError.invalid("credits_low_percent", "credits_low_percent must be a whole"
                    + " number from " + AlertSettings.MIN_PERCENT + " to " + AlertSettings.MAX_PERCENT
                    + ", not " + percent + ".");
        }
        settings.setCreditsLowPercent(call.caller(), percent);
        return Reply.ok(Map.of("credits_low_percent", percent));
    }
}
