package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Charge;
import dev.tollgate.billing.ChargeLimitException;
import dev.tollgate.billing.Meter;
import dev.tollgate.billing.ModelPrice;
import dev.tollgate.billing.PriceCatalogue;
import dev.tollgate.billing.ProviderCost;
import dev.tollgate.billing.ProviderCosts;
import dev.tollgate.billing.Rating;
import dev.tollgate.billing.TierCharge;
import dev.tollgate.billing.TierType;
import dev.tollgate.billing.Usage;
import dev.tollgate.billing.ledger.BalanceLimitException;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.money.Money;
import dev.tollgate.storage.BatchWriter;
import dev.tollgate.subscriptions.TopUps;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished request into its record and, in customer billing, its charge: the record,
 * the meter's running total, the hold's release and the usage debit are written in one
 * transaction keyed by the request id, so a retry can never charge twice. Thread-safe.
 */
public final class Settlement {
    private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchWriter writer;
    private final Ledger ledger;
    private final PriceCatalogue prices;
    private final Clock clock;
    private final Set<String> unpricedModels = ConcurrentHashMap.newKeySet();

    private final TopUps topUps;

    public Settlement(BatchWriter writer, Ledger ledger, PriceCatalogue prices, Clock clock,
            TopUps topUps) {
        this.writer = writer;
        this.ledger = ledger;
        this.prices = prices;
        this.clock = clock;
        this.topUps = topUps;
    }

    /**
     * The request as the gateway saw it, for its record. {@code recordId} is the record's own
     * {@code req_} id, which orders lists and pages. It equals the billing context's request id
     * for gateway traffic, but not for usage recorded under a caller's {@code request_id}.
     */
    public record Request(String recordId, String provider, String providerKeyType,
            String endpoint, Map<String, String> metadata, java.time.Instant createdAt,
            String fingerprint) {
    }

    /** Work that joins the settlement's transaction once a new record is written. */
    @FunctionalInterface
    public interface RecordHook {
        void recorded(Handle handle, RequestRecord record);
    }

    /** Writes the record and the charge and returns the record once committed. */
    public RequestRecord settle(BillingContext context, Request request, Outcome outcome) {
        return settle(context, request, outcome, (handle, record) -> { });
    }

    /**
     * Settles as {@link #settle(BillingContext, Request, Outcome)} does and runs {@code hook} in
     * the same transaction, unless the request was settled before.
     */
    public RequestRecord settle(BillingContext context, Request request, Outcome outcome,
            RecordHook hook) {
        Priced priced = price(context, request, outcome);
        RequestRecord record = writer.write(handle -> settleIn(handle, context, request,
                priced.outcome(), priced.cost(), hook));
        if (context.debits() && !record.charge().isZero()) {
            topUps.afterCharge(context.caller(), context.customerId().orElseThrow(),
                    context.requestId());
        }
        return record;
    }

    /** The provider cost of a request and its outcome, marked estimated when the cost was capped. */
    private record Priced(ProviderCost cost, Outcome outcome) {
    }

    private Priced price(BillingContext context, Request request, Outcome outcome) {
        try {
            return new Priced(providerCost(request.provider(), outcome), outcome);
        } catch (ArithmeticException e) {
            // Only implausible usage at a price from an operator's price file gets here.
            LOG.warn("Provider cost is beyond the largest amount stored, recorded as the"
                    + " per-request maximum requestId={} provider={} model={} maxCharge={}",
                    context.requestId(), request.provider(), outcome.model(),
                    Rating.MAX_CHARGE.toWire());
            ProviderCost capped = new ProviderCost(Money.ZERO, Rating.MAX_CHARGE,
                    Rating.MAX_CHARGE);
            return new Priced(capped, outcome.asEstimated());
        }
    }

    private RequestRecord settleIn(Handle handle, BillingContext context, Request request,
            Outcome outcome, ProviderCost cost, RecordHook hook) {
        Optional<RequestRecord> existing = RequestRecords.findByRequestId(handle, context.caller(),
                context.requestId());
        if (existing.isPresent()) {
            return existing.get();
        }
        Optional<Charge> charge = Optional.empty();
        if (context.meter().isPresent() && !outcome.failed()) {
            try {
                charge = Optional.of(rate(handle, context, outcome, cost.total()));
            } catch (ChargeLimitException e) {
                if (ManualUsage.PROVIDER.equals(request.provider())) {
                    // Recorded usage comes from the merchant, who can correct it, so it is
                    // rejected rather than capped.
                    throw e;
                }
                charge = Optional.of(capped(context.meter().get()));
                outcome = outcome.asEstimated();
                LOG.warn("Charge above the per-request maximum was capped requestId={} meterId={}"
                        + " exactCharge={} maxCharge={}", context.requestId(),
                        context.meter().get().id(), e.exactCharge().toPlainString(),
                        Rating.MAX_CHARGE.toWire());
            }
        }
        RequestRecord record = record(context, request, outcome, cost, charge);
        RequestRecords.insert(handle, context.caller(), record);
        hook.recorded(handle, record);
        if (context.customerId().isPresent()) {
            Ledger.Account account = new Ledger.Account(context.caller().merchantId(),
                    context.caller().environment(), context.customerId().get(),
                    context.subscription().map(s -> s.id()).orElse(null));
            ledger.release(handle, account, context.requestId());
            if (context.debits() && charge.isPresent()) {
                debit(handle, account, request, context.requestId(), charge.get().amount());
            }
        }
        return record;
    }

    /**
     * Debits the charge. Recorded usage that would take the balance past
     * {@link Ledger#MAX_BALANCE} is rejected, so the merchant can correct it. A gateway request
     * keeps its record and charge but is not debited, because its response was already sent.
     * Admission refuses new requests once credit is used up and a charge is at most
     * {@link Rating#MAX_CHARGE}, so only hundreds of requests in flight at once could get there.
     */
    private void debit(Handle handle, Ledger.Account account, Request request, String requestId,
            Money charge) {
        try {
            ledger.chargeUsage(handle, account, requestId, charge);
        } catch (BalanceLimitException e) {
            if (ManualUsage.PROVIDER.equals(request.provider())) {
                throw e;
            }
            // TODO: keep such a charge owed, so that it is debited once the balance allows it.
            LOG.error("Charge not debited because the balance would pass its limit requestId={}"
                    + " customerId={} charge={} limit={}", requestId, account.customerId(),
                    charge.toWire(), Ledger.MAX_BALANCE.toWire());
        }
    }

    /**
     * Returns the charge of a gateway request whose exact charge is above
     * {@link Rating#MAX_CHARGE}: that maximum, with no breakdown. The usage already happened, so it is charged as far as
     * one request may be, never rejected or left free.
     */
    private static Charge capped(Meter meter) {
        return new Charge(Rating.MAX_CHARGE, meter.rateType(), List.of());
    }

    private static Charge rate(Handle handle, BillingContext context, Outcome outcome, Money cost) {
        Meter meter = context.meter().orElseThrow();
        long units = Units.of(meter.tierType(), outcome.usage());
        if (context.customerId().isEmpty()) {
            // Meter-only traffic has no customer, so no running total: tiers apply from zero.
            return Rating.charge(meter, 0, units, cost);
        }
        String customerId = context.customerId().get();
        String cycleKey = context.cycleKey().orElseThrow();
        long before = MeterTotals.add(handle, customerId, meter.id(), cycleKey, units);
        return Rating.charge(meter, before, units, cost);
    }

    private ProviderCost providerCost(String provider, Outcome outcome) {
        if (outcome.failed() || outcome.model() == null) {
            return ProviderCost.ZERO;
        }
        Optional<ModelPrice> price = prices.find(provider, outcome.model());
        if (price.isEmpty()) {
            if (unpricedModels.add(provider + "/" + outcome.model())) {
                LOG.warn("Model has no price, its provider cost is recorded as 0 provider={} model={}"
                        + " (add it to TOLLGATE_PRICES_FILE)", provider, outcome.model());
            }
            return ProviderCost.ZERO;
        }
        return ProviderCosts.of(price.get(), outcome.usage());
    }

    private RequestRecord record(BillingContext context, Request request, Outcome outcome,
            ProviderCost cost, Optional<Charge> charge) {
        Usage usage = outcome.usage();
        return new RequestRecord(request.recordId(), context.requestId(),
                outcome.failed() ? "error" : "completed",
                context.customerId().orElse(null),
                context.meter().map(Meter::id).orElse(null),
                request.provider(), request.providerKeyType(), outcome.model(), request.endpoint(),
                outcome.responseId(), outcome.upstreamStatus(), usage.tokens(),
                usage.inputCharacters(), usage.outputCharacters(), usage.inputSeconds(),
                usage.outputSeconds(),
                cost.inputCost(), cost.outputCost(), cost.total(),
                charge.map(Charge::amount).orElse(Money.ZERO),
                context.meter().map(m -> m.rateType().code()).orElse(null),
                charge.map(c -> breakdownJson(c, context.meter().orElseThrow().tierType()))
                        .orElse("[]"),
                request.metadata(), outcome.estimated(), outcome.simulated(),
                request.createdAt(), clock.instant(), request.fingerprint());
    }

    /** The charge breakdown in the wire form of {@code charge.breakdown}. */
    static String breakdownJson(Charge charge, TierType type) {
        ArrayNode items = JSON.createArrayNode();
        for (TierCharge part : charge.breakdown()) {
            ObjectNode item = items.addObject();
            ObjectNode tier = item.putObject("tier");
            tier.put("start", part.tier().start());
            tier.put("rate", part.tier().rate().toWire());
            tier.put("type", type.code());
            item.put("tokens", type == TierType.TOKENS_1M ? part.units() : 0);
            item.put("characters", type == TierType.CHARACTERS_1M ? part.units() : 0);
            item.put("seconds", type == TierType.MINUTES ? part.units() : 0);
            item.put("cost", part.cost().toWire());
        }
        return items.toString();
    }
}
