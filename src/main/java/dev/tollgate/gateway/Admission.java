package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.Meter;
import dev.tollgate.billing.Meters;
import dev.tollgate.billing.ModelPrice;
import dev.tollgate.billing.PriceCatalogue;
import dev.tollgate.billing.ProviderCosts;
import dev.tollgate.billing.RateType;
import dev.tollgate.billing.Rating;
import dev.tollgate.billing.TierType;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.customers.Customers;
import dev.tollgate.money.Money;
import dev.tollgate.storage.BatchWriter;
import dev.tollgate.subscriptions.ActiveSubscription;
import dev.tollgate.subscriptions.Subscriptions;
import dev.tollgate.subscriptions.TopUps;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The checks before a request is forwarded: the customer exists (else 401), has an active
 * subscription whose plan links the meter (else 403), and has credit for the request's largest
 * possible charge, which is then held (else 402). Thread-safe.
 */
public final class Admission {
    /** Output tokens assumed when a request sets no limit, for the hold only. */
    public static final long DEFAULT_MAX_OUTPUT_TOKENS = 4096;
    /** The largest output limit a request may set; no model produces more in one response. */
    public static final long MAX_OUTPUT_TOKENS = 100_000_000;

    private static final String[] OUTPUT_LIMIT_FIELDS =
            {"max_tokens", "max_completion_tokens", "max_output_tokens"};

    private final Jdbi jdbi;
    private final BatchWriter writer;
    private final Ledger ledger;
    private final PriceCatalogue prices;
    private final TopUps topUps;

    public Admission(Jdbi jdbi, BatchWriter writer, Ledger ledger, PriceCatalogue prices,
            TopUps topUps) {
        this.jdbi = jdbi;
        this.writer = writer;
        this.ledger = ledger;
        this.prices = prices;
        this.topUps = topUps;
    }

    /**
     * Checks the request and holds credit for it. {@code body} is the parsed JSON body, or null
     * when it is not JSON, and {@code units} the characters and audio seconds read from it.
     *
     * @throws ApiError 401, 403, 402 or 400 (a percentage meter and a model without a price)
     */
    BillingContext admit(Caller caller, String requestId, ForwardToken token,
            Provider provider, String model, JsonNode body, UnitEstimate units) {
        ForwardToken.Mode mode = token.mode();
        if (mode == ForwardToken.Mode.MERCHANT) {
            return new BillingContext(caller, requestId, mode, Optional.empty(), Optional.empty(),
                    Optional.empty(), false, Money.ZERO);
        }
        Loaded loaded = jdbi.withHandle(handle -> load(handle, caller, token));
        if (mode == ForwardToken.Mode.METER_ONLY) {
            return new BillingContext(caller, requestId, mode, Optional.empty(), Optional.empty(),
                    Optional.of(loaded.meter()), false, Money.ZERO);
        }
        Meter meter = loaded.meter();
        Money providerCostBound = providerCostBound(meter, provider, model, body, units);
        if (token.disableBilling()) {
            return context(caller, requestId, loaded, false, Money.ZERO);
        }
        long meterUnits = estimateUnits(meter.tierType(), model, body, units);
        Money hold = holdFor(meter, loaded, meterUnits, providerCostBound);
        Ledger.Account account = account(caller, loaded);
        boolean held = writer.write(handle -> ledger.tryHold(handle, account, requestId, hold));
        if (!held) {
            held = topUps.buyAndHold(caller, loaded.subscription(), requestId,
                    () -> writer.write(handle -> ledger.tryHold(handle, account, requestId, hold)));
        }
        if (!held) {
            CreditBalance balance = jdbi.withHandle(h -> Ledger.balance(h, loaded.customerId()));
            throw ApiError.paymentRequired("insufficient_credit", "Customer '"
                    + loaded.customerId() + "' has " + balance.available().toWire()
                    + " credit available; this request may cost up to " + hold.toWire()
                    + ". Buy a credit bundle or wait for the next cycle.");
        }
        return context(caller, requestId, loaded, true, hold);
    }

    private record Loaded(String customerId, ActiveSubscription subscription, Meter meter,
            long runningTotal) {
    }

    private static Loaded load(Handle handle, Caller caller, ForwardToken token) {
        String slug = token.meterSlug().orElseThrow();
        Meter meter = Meters.findBySlug(handle, caller, slug).orElseThrow(() -> ApiError.forbidden(
                "meter_not_found", "No meter with slug '" + slug + "'. Check the token's meter_slug."));
        if (token.customerId().isEmpty()) {
            return new Loaded(null, null, meter, 0);
        }
        String tokenCustomer = token.customerId().get();
        String customerId = Customers.resolveId(handle, caller, tokenCustomer)
                .orElseThrow(() -> ApiError.unauthenticated("Unknown or deleted customer '"
                        + tokenCustomer + "' in the forward token."));
        ActiveSubscription subscription = Subscriptions.active(handle, caller, customerId)
                .orElseThrow(() -> ApiError.forbidden("no_active_subscription", "Customer '"
                        + customerId + "' has no active subscription."));
        boolean linked = subscription.plan().linkedMeters().stream()
                .anyMatch(linkedMeter -> linkedMeter.meterId().equals(meter.id()));
        if (!linked) {
            throw ApiError.forbidden("meter_not_in_plan", "Meter '" + slug + "' is not part of plan '"
                    + subscription.plan().id() + "' that customer '" + customerId
                    + "' is subscribed to. Add it to the plan's meter_ids.");
        }
        long total = MeterTotals.units(handle, customerId, meter.id(), subscription.cycleStart());
        return new Loaded(customerId, subscription, meter, total);
    }

    private Money providerCostBound(Meter meter, Provider provider, String model, JsonNode body,
            UnitEstimate units) {
        if (meter.rateType() != RateType.PERCENTAGE) {
            return Money.ZERO;
        }
        Optional<ModelPrice> price = model == null ? Optional.empty() : prices.find(provider.id(), model);
        if (price.isEmpty()) {
            throw ApiError.invalid("model", "Model '" + model + "' of " + provider.id()
                    + " has no price in the catalogue, so a percentage meter cannot price it."
                    + " Add it to the price file (TOLLGATE_PRICES_FILE) or use a fixed meter.");
        }
        return providerCostBound(price.get(), model, body, units);
    }

    /**
     * Returns the provider cost of the request at {@code price} for its counted prompt tokens
     * and its output limit ({@link #maxOutputTokens}), or for its characters or audio seconds
     * when that is dearer.
     */
    static Money providerCostBound(ModelPrice price, String model, JsonNode body,
            UnitEstimate units) {
        long input = TokenCounter.countRequestInput(model, body);
        long output = maxOutputTokens(body);
        // The prompt may be billed at the input or the cache-write price; bound by the dearer.
        Money uncached = ProviderCosts.cost(price, new TokenUsage(input, 0, 0, output, 0, -1));
        Money written = ProviderCosts.cost(price, new TokenUsage(0, 0, input, output, 0, -1));
        // An audio request is priced per character or per minute when it has such units.
        Money audio = ProviderCosts.of(price, new Usage(TokenUsage.ZERO,
                units.characters(), 0, units.seconds(), 0)).total();
        return max(max(uncached, written), audio);
    }

    private static Money max(Money a, Money b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static long estimateUnits(TierType type, String model, JsonNode body,
            UnitEstimate units) {
        return switch (type) {
            case REQUESTS -> 1;
            case TOKENS_1M -> TokenCounter.countRequestInput(model, body) + maxOutputTokens(body);
            case CHARACTERS_1M -> units.characters();
            case MINUTES -> units.seconds();
        };
    }

    /**
     * The request's output limit for all its choices, or {@link #DEFAULT_MAX_OUTPUT_TOKENS} per
     * choice when it sets none.
     *
     * @throws ApiError 400 when the limit is above {@link #MAX_OUTPUT_TOKENS}
     */
    static long maxOutputTokens(JsonNode body) {
        for (String field : OUTPUT_LIMIT_FIELDS) {
            JsonNode value = body == null ? null : body.get(field);
            if (value != null && value.isIntegralNumber()
                    && (!value.canConvertToLong() || value.asLong() > MAX_OUTPUT_TOKENS)) {
                throw ApiError.invalid(field, "Field '" + field + "' is " + value.asText()
                        + "; the gateway accepts at most " + MAX_OUTPUT_TOKENS + " output tokens.");
            }
        }
        return requestedMaxOutputTokens(body)
                .orElse(DEFAULT_MAX_OUTPUT_TOKENS * choices(body));
    }

    /**
     * Returns the maximum output the request allows, or empty when it sets no limit. That is the
     * largest positive value among its output limit fields, because providers differ in which
     * one wins, times its number of choices {@code n}. Unlike {@link #maxOutputTokens}, it
     * never throws.
     */
    static OptionalLong requestedMaxOutputTokens(JsonNode body) {
        long largest = 0;
        for (String field : OUTPUT_LIMIT_FIELDS) {
            JsonNode value = body == null ? null : body.get(field);
            if (value == null || !value.isIntegralNumber()) {
                continue;
            }
            if (!value.canConvertToLong()) {
                return OptionalLong.empty();
            }
            largest = Math.max(largest, value.asLong());
        }
        if (largest <= 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.multiplyExact(largest, choices(body)));
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    /** Returns the number of choices ({@code n}) of an OpenAI-style request, 1 when unset. */
    private static long choices(JsonNode body) {
        JsonNode n = body == null ? null : body.get("n");
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1) {
            return 1;
        }
        return n.asLong();
    }

    private static Money holdFor(Meter meter, Loaded loaded, long units, Money providerCostBound) {
        try {
            return Rating.upperBound(meter, loaded.runningTotal(), units, providerCostBound);
        } catch (ArithmeticException e) {
            // A charge beyond the largest amount Tollgate represents exceeds every balance.
            throw ApiError.paymentRequired("insufficient_credit", "This request could cost more"
                    + " than any balance covers (meter " + meter.slug() + ", " + units
                    + " units). Lower max_tokens or the input size.");
        }
    }

    private static BillingContext context(Caller caller, String requestId, Loaded loaded,
            boolean debits, Money hold) {
        return new BillingContext(caller, requestId, ForwardToken.Mode.CUSTOMER,
                Optional.of(loaded.customerId()), Optional.of(loaded.subscription()),
                Optional.of(loaded.meter()), debits, hold);
    }

    private static Ledger.Account account(Caller caller, Loaded loaded) {
        return new Ledger.Account(caller.merchantId(), caller.environment(),
                loaded.customerId(), loaded.subscription().id());
    }
}
