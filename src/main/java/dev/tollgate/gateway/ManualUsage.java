package dev.tollgate.gateway;

import dev.tollgate.billing.ChargeLimitException;
import dev.tollgate.billing.Meter;
import dev.tollgate.billing.Meters;
import dev.tollgate.billing.Rating;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import dev.tollgate.billing.ledger.BalanceLimitException;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.money.Money;
import dev.tollgate.subscriptions.ActiveSubscription;
import dev.tollgate.subscriptions.Subscriptions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Usage that happened outside the gateway, recorded with {@code POST /v1/requests} and billed
 * like gateway traffic. The caller's {@code request_id} is an idempotency key: repeating it with
 * the same body returns the first record, with another body it is a conflict. Such usage is
 * charged even when it exceeds the customer's credit, because it was already consumed.
 * Thread-safe.
 */
public final class ManualUsage {
    /** The provider name of recorded usage in its request record. */
    static final String PROVIDER = "external";

    private final Jdbi jdbi;
    private final Settlement settlement;
    private final Ids ids;
    private final Clock clock;

    public ManualUsage(Jdbi jdbi, Settlement settlement, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.settlement = settlement;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Usage to record: tokens, characters and seconds, each input and output.
     * {@code fingerprint} identifies the request body for idempotency.
     */
    public record Report(String requestId, String customerId, String meterSlug,
            Map<String, String> metadata, long inputTokens, long outputTokens,
            long inputCharacters, long outputCharacters, long inputSeconds, long outputSeconds,
            String fingerprint) {

        /** Returns the counts as the usage that meters and prices read. */
        public Usage usage() {
            return new Usage(new TokenUsage(inputTokens, 0, 0, outputTokens, 0, -1),
                    inputCharacters, outputCharacters, inputSeconds, outputSeconds);
        }
    }

    /** The stored record, and whether this call created it. */
    public record Result(RequestRecord record, boolean created) {
    }

    /**
     * Records and bills the usage, or returns the record of an earlier identical call.
     *
     * @throws ApiError 409 when the request id was used with another body; 401/403 as the
     *     gateway; 400 when the charge is above {@link Rating#MAX_CHARGE} or the balance would
     *     fall below -{@link Ledger#MAX_BALANCE}
     */
    public Result record(Caller caller, Report usage) {
        String requestId = usage.requestId();
        Optional<RequestRecord> earlier = jdbi.withHandle(handle ->
                RequestRecords.findByRequestId(handle, caller, requestId));
        if (earlier.isPresent()) {
            return new Result(sameOrConflict(earlier.get(), usage), false);
        }
        BillingContext context = jdbi.withHandle(handle -> {
            Customer customer = Customers.resolve(handle, caller, usage.customerId())
                    .orElseThrow(() -> ApiError.unknownReference("customer_id", "No customer with id '"
                            + usage.customerId() + "'."));
            Meter meter = Meters.findBySlug(handle, caller, usage.meterSlug())
                    .orElseThrow(() -> ApiError.unknownReference("meter_slug", "No meter with slug '"
                            + usage.meterSlug() + "'."));
            ActiveSubscription subscription = Subscriptions.active(handle, caller, customer.id())
                    .orElseThrow(() -> ApiError.forbidden("no_active_subscription", "Customer '"
                            + customer.id() + "' has no active subscription."));
            return new BillingContext(caller, requestId, ForwardToken.Mode.CUSTOMER,
                    Optional.of(customer.id()), Optional.of(subscription), Optional.of(meter),
                    true, Money.ZERO);
        });
        // The caller's request_id is unique only per merchant and environment, and in no time
        // order, so the record gets its own req_ id for storage and list order.
        String recordId = ids.next("req", caller.environment());
        Settlement.Request request = new Settlement.Request(recordId, PROVIDER, "unmanaged",
                "POST /v1/requests", usage.metadata(), clock.instant(), usage.fingerprint());
        RequestRecord record = settleWithinLimits(context, request, usage);
        return new Result(sameOrConflict(record, usage), record.id().equals(recordId));
    }

    /**
     * Settles the usage, or rejects it with a 400 naming the charged count field when its charge
     * or the customer's balance would pass Tollgate's limits. Nothing is stored then.
     */
    private RequestRecord settleWithinLimits(BillingContext context, Settlement.Request request,
            Report usage) {
        try {
            return settlement.settle(context, request,
                    new Outcome(200, usage.usage(), false, null, null, false));
        } catch (ChargeLimitException e) {
            String field = usageField(context.meter().orElseThrow());
            throw ApiError.invalid(field, "The charge for this usage, "
                    + e.exactCharge().stripTrailingZeros().toPlainString() + " dollars, is above"
                    + " the maximum of " + Rating.MAX_CHARGE.toDisplay() + " dollars for one"
                    + " request. Check " + field + ", or record the usage in smaller parts.");
        } catch (BalanceLimitException e) {
            String field = usageField(context.meter().orElseThrow());
            throw ApiError.invalid(field, "Recording this usage would take the credit balance of"
                    + " customer '" + e.customerId() + "' below -" + Ledger.MAX_BALANCE.toDisplay()
                    + " dollars, the lowest balance Tollgate stores. Check " + field
                    + ", or add credit to the customer before recording more usage.");
        } catch (ArithmeticException e) {
            // The meter's running total for the cycle would pass the long range.
            String field = usageField(context.meter().orElseThrow());
            throw ApiError.invalid(field, "The customer's total usage on meter '"
                    + usage.meterSlug() + "' this cycle would be larger than Tollgate stores."
                    + " Check " + field + ".");
        }
    }

    /** The request field whose counts the meter charges, for error messages. */
    private static String usageField(Meter meter) {
        return switch (meter.tierType()) {
            case TOKENS_1M -> "input_tokens";
            case CHARACTERS_1M -> "input_characters";
            case MINUTES -> "input_seconds";
            case REQUESTS -> "meter_slug";
        };
    }

    private static RequestRecord sameOrConflict(RequestRecord record, Report usage) {
        if (!usage.fingerprint().equals(record.fingerprint())) {
            throw ApiError.conflict("request_id_reused", "request_id", "request_id '"
                    + usage.requestId() + "' was already used with a different body. Use a new"
                    + " request_id for new usage.");
        }
        return record;
    }
}
