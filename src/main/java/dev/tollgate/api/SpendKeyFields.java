package dev.tollgate.api;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Patch;
import dev.tollgate.gateway.Provider;
import dev.tollgate.gateway.Providers;
import dev.tollgate.money.Money;
import dev.tollgate.spendkeys.Cycle;
import dev.tollgate.spendkeys.RequestShape;
import dev.tollgate.spendkeys.SpendKeySettings;
import dev.tollgate.spendkeys.SpendKeySettings.RateLimit;
import dev.tollgate.spendkeys.SpendKeySettings.RequestLimit;
import dev.tollgate.spendkeys.SpendKeySettings.SpendLimit;
import dev.tollgate.spendkeys.SpendKeyStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads the settings of {@code POST /v1/spend_keys} and {@code PUT /v1/spend_keys/{id}}. In an
 * update an absent field keeps its value and null clears a restriction.
 */
final class SpendKeyFields {
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_LIST_ITEMS = 100;
    static final int MAX_MODEL_ID_LENGTH = 200;
    static final long MAX_REQUEST_COUNT = 1_000_000_000L;
    /** The largest {@code rpm} and {@code burst} accepted. */
    static final long MAX_RATE = 1_000_000;

    private final JsonBody body;
    private final Clock clock;

    SpendKeyFields(JsonBody body, Clock clock) {
        this.body = body;
        this.clock = clock;
    }

    /** Reads the settings of a new key; only {@code name} is required. */
    SpendKeySettings forCreate() {
        return new SpendKeySettings(
                body.requiredText("name", MAX_NAME_LENGTH),
                body.optionalChoice("status", SpendKeyStatus.class).orElse(SpendKeyStatus.ACTIVE),
                body.optionalChoice("request_shape", RequestShape.class)
                        .orElse(RequestShape.OPENAI),
                models("allowed_models"),
                providers("allowed_providers"),
                spendLimit("spend_limit"),
                requestLimit("request_limit"),
                rateLimit("rate_limit"),
                expiresAt("expires_at"));
    }

    /** Reads every field of an update first, so that bad input changes nothing. */
    UnaryOperator<SpendKeySettings> forUpdate() {
        Optional<String> name = body.optionalText("name", MAX_NAME_LENGTH);
        Optional<SpendKeyStatus> status = body.optionalChoice("status", SpendKeyStatus.class);
        Optional<RequestShape> shape = body.optionalChoice("request_shape", RequestShape.class);
        Patch<List<String>> models = body.patch("allowed_models", field -> models(field));
        Patch<List<String>> providers = body.patch("allowed_providers", field -> providers(field));
        Patch<SpendLimit> spendLimit = body.patch("spend_limit", field -> spendLimit(field));
        Patch<RequestLimit> requestLimit = body.patch("request_limit",
                field -> requestLimit(field));
        Patch<RateLimit> rateLimit = body.patch("rate_limit", field -> rateLimit(field));
        Patch<Instant> expiresAt = body.patch("expires_at", field -> expiresAt(field));
        return current -> new SpendKeySettings(
                name.orElse(current.name()),
                status.orElse(current.status()),
                shape.orElse(current.requestShape()),
                patched(models, current.allowedModels()),
                patched(providers, current.allowedProviders()),
                patched(spendLimit, current.spendLimit()),
                patched(requestLimit, current.requestLimit()),
                patched(rateLimit, current.rateLimit()),
                patched(expiresAt, current.expiresAt()));
    }

    private static <T> Optional<T> patched(Patch<T> patch, Optional<T> current) {
        return patch.isPresent() ? Optional.ofNullable(patch.value()) : current;
    }

    private Optional<List<String>> models(String field) {
        Optional<List<String>> models = body.optionalStrings(field, MAX_LIST_ITEMS,
                MAX_MODEL_ID_LENGTH);
        models.ifPresent(list -> requireItems(field, list, "model ids such as \"gpt-4o-mini\""));
        return models.map(list -> list.stream().map(String::strip).distinct().toList());
    }

    private Optional<List<String>> providers(String field) {
        Optional<List<String>> providers = body.optionalStrings(field, MAX_LIST_ITEMS, 64);
        providers.ifPresent(list -> {
            requireItems(field, list, "provider ids such as \"openai\"");
            for (int i = 0; i < list.size(); i++) {
                String id = list.get(i);
                if (Providers.all().stream().noneMatch(provider -> provider.id().equals(id))) {
                    String itemPath = body.path(field) + "[" + i + "]";
                    throw ApiError.invalid(itemPath, "Unknown provider '" + id + "' in '"
                            + itemPath + "'. Use one of: " + String.join(", ", providerIds())
                            + ".");
                }
            }
        });
        return providers.map(list -> list.stream().distinct().toList());
    }

    private static List<String> providerIds() {
        return Providers.all().stream().map(Provider::id).toList();
    }

    private void requireItems(String field, List<String> items, String example) {
        if (items.isEmpty()) {
            throw ApiError.invalid(body.path(field), "Field '" + body.path(field) + "' must list"
                    + " at least one item, " + example + ", or be null to allow all.");
        }
    }

    private Optional<SpendLimit> spendLimit(String field) {
        return body.optionalObject(field).map(limit -> {
            Money amount = limit.requiredMoney("amount", Money.SCALE);
            if (amount.isZero()) {
                throw ApiError.invalid(limit.path("amount"), "Field '" + limit.path("amount")
                        + "' must be greater than 0, such as \"25.00\". Send spend_limit: null"
                        + " for no limit, or pause the key.");
            }
            return new SpendLimit(amount, limit.requiredChoice("cycle", Cycle.class));
        });
    }

    private Optional<RequestLimit> requestLimit(String field) {
        return body.optionalObject(field).map(limit -> {
            long count = positive(limit, "count", MAX_REQUEST_COUNT);
            return new RequestLimit(count, limit.requiredChoice("cycle", Cycle.class));
        });
    }

    private Optional<RateLimit> rateLimit(String field) {
        return body.optionalObject(field).map(limit -> {
            int rpm = (int) positive(limit, "rpm", MAX_RATE);
            Optional<Integer> burst = limit.optionalCount("burst", MAX_RATE)
                    .map(value -> (int) positive(limit, "burst", MAX_RATE));
            return new RateLimit(rpm, burst);
        });
    }

    private static long positive(JsonBody object, String field, long max) {
        long value = object.requiredCount(field, max);
        if (value == 0) {
            throw ApiError.invalid(object.path(field), "Field '" + object.path(field)
                    + "' must be between 1 and " + max + ", not 0.");
        }
        return value;
    }

    private Optional<Instant> expiresAt(String field) {
        return body.optionalText(field, 64).map(text -> {
            Instant expiry;
            try {
                expiry = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiError.invalid(body.path(field), "Field '" + body.path(field) + "' value '"
                        + text + "' is not an ISO-8601 timestamp with an offset, such as"
                        + " \"2027-01-31T00:00:00Z\".");
            }
            if (!expiry.isAfter(clock.instant())) {
                throw ApiError.invalid(body.path(field), "Field '" + body.path(field) + "' is "
                        + text + ", which is not in the future. Give a later time, or pause or"
                        + " revoke the key to stop it now.");
            }
            return expiry;
        });
    }
}
