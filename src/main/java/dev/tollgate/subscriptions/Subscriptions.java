package dev.tollgate.subscriptions;

import dev.tollgate.billing.ledger.Bucket;
import dev.tollgate.billing.ledger.EntryKind;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Subscriptions: starting one on a plan (which grants the plan's included credit), ending one,
 * and reading a customer's current one. Methods taking a {@link Handle} run inside the
 * caller's transaction. Thread-safe.
 */
public final class Subscriptions {
    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;
    private final Ledger ledger;

    public Subscriptions(Jdbi jdbi, Ids ids, Clock clock, Ledger ledger) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
        this.ledger = ledger;
    }

    /** Subscribes a new customer to the merchant's Free plan. */
    public void startOnFreePlan(Handle handle, Caller caller, String customerId) {
        String planId = handle.createQuery("SELECT id FROM plans WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND is_free_default = 1")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> new IllegalStateException("merchant " + caller.merchantId()
                        + " has no Free plan in " + caller.environment().code()));
        start(handle, caller, customerId, PlanRows.find(handle, caller, planId).orElseThrow());
    }

    /**
     * Ends the customer's active subscription, starts one on {@code plan} with a cycle from now,
     * and grants the plan's included credit. Unused cycle credit of the old subscription
     * expires; bundle credit stays.
     *
     * @return the new subscription's id
     */
    public String start(Handle handle, Caller caller, String customerId, Plan plan) {
        Instant now = clock.instant();
        Optional<ActiveSubscription> current = active(handle, caller, customerId);
        current.ifPresent(old -> end(handle, caller, old, now));
        String subscriptionId = ids.next("sub", caller.environment());
        Instant cycleEnd = Cycles.end(now, plan.billingInterval());
        handle.createUpdate("""
                        INSERT INTO subscriptions (id, merchant_id, environment, customer_id, plan_id,
                            status, auto_top_up_bundle_id, started_at, cycle_start_at, cycle_end_at,
                            created_at)
                        VALUES (:id, :merchant, :environment, :customer, :plan, 'active', :topUp, :now,
                            :now, :cycleEnd, :now)""")
                .bind("id", subscriptionId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("customer", customerId)
                .bind("plan", plan.id())
                .bind("topUp", plan.defaultAutoTopUpBundleId())
                .bind("now", Timestamps.format(now))
                .bind("cycleEnd", Timestamps.format(cycleEnd))
                .execute();
        Ledger.Account account = account(caller, customerId, subscriptionId);
        ledger.open(handle, account);
        if (!plan.includedCredit().isZero()) {
            ledger.append(handle, account, Bucket.CYCLE, EntryKind.GRANT, plan.includedCredit(), null);
        }
        return subscriptionId;
    }

    private void end(Handle handle, Caller caller, ActiveSubscription old, Instant now) {
        handle.createUpdate("UPDATE subscriptions SET status = 'cancelled', cancelled_at = :now"
                        + " WHERE id = :id")
                .bind("now", Timestamps.format(now))
                .bind("id", old.id())
                .execute();
        Money cycleLeft = Ledger.balance(handle, old.customerId()).cycle();
        if (!cycleLeft.isZero() && !cycleLeft.isNegative()) {
            ledger.append(handle, account(caller, old.customerId(), old.id()), Bucket.CYCLE,
                    EntryKind.EXPIRY, Money.ZERO.minus(cycleLeft), null);
        }
    }

    /** Cancels the customer's active subscription at once, if there is one. */
    public void cancelNow(Handle handle, Caller caller, String customerId) {
        active(handle, caller, customerId).ifPresent(old -> end(handle, caller, old, clock.instant()));
    }

    /**
     * Subscribes an existing customer to a free plan through the API; paid plans need checkout.
     *
     * @throws ApiError 400 when the plan has a fee, 404 for an unknown customer or plan
     */
    public String subscribeToFreePlan(Caller caller, String customerId, String planId) {
        return jdbi.inTransaction(handle -> {
            Plan plan = PlanRows.find(handle, caller, planId)
                    .orElseThrow(() -> ApiError.unknownReference("plan_id", "No plan with id '"
                            + planId + "'."));
            if (!plan.periodAmount().isZero()) {
                throw ApiError.invalid("plan_id", "Plan '" + planId + "' costs "
                        + plan.periodAmount().toDisplay() + " per " + plan.billingInterval().code()
                        + "; paid plans start through a checkout session (POST /v1/checkout_sessions).");
            }
            return start(handle, caller, customerId, plan);
        });
    }

    /** Returns the customer's active subscription with its plan. */
    public static Optional<ActiveSubscription> active(Handle handle, Caller caller, String customerId) {
        return handle.createQuery("""
                        SELECT id, plan_id, started_at, cycle_start_at, cycle_end_at, auto_top_up_bundle_id
                        FROM subscriptions WHERE customer_id = :customer AND status = 'active'""")
                .bind("customer", customerId)
                .map((rs, ctx) -> new Object[] {rs.getString("id"), rs.getString("plan_id"),
                        rs.getString("started_at"), rs.getString("cycle_start_at"),
                        rs.getString("cycle_end_at"), rs.getString("auto_top_up_bundle_id")})
                .findOne()
                .map(row -> new ActiveSubscription((String) row[0], customerId,
                        PlanRows.findIncludingDeleted(handle, caller, (String) row[1]).orElseThrow(),
                        Timestamps.parse((String) row[2]), Timestamps.parse((String) row[3]),
                        Timestamps.parse((String) row[4]), (String) row[5]));
    }

    public Optional<ActiveSubscription> active(Caller caller, String customerId) {
        return jdbi.withHandle(handle -> active(handle, caller, customerId));
    }

    private static Ledger.Account account(Caller caller, String customerId, String subscriptionId) {
        return new Ledger.Account(caller.merchantId(), caller.environment(), customerId,
                subscriptionId);
    }

    /** Returns the customer's active subscription, or else the latest one. */
    public static Optional<SubscriptionSummary> summaryOf(Handle handle, String customerId) {
        return handle.createQuery("""
                        SELECT s.id, s.plan_id, p.name, s.status FROM subscriptions s
                        JOIN plans p ON p.id = s.plan_id
                        WHERE s.customer_id = :customer
                        ORDER BY CASE s.status WHEN 'active' THEN 0 ELSE 1 END, s.id DESC
                        LIMIT 1""")
                .bind("customer", customerId)
                .map((rs, ctx) -> new SubscriptionSummary(rs.getString("id"),
                        rs.getString("plan_id"), rs.getString("name"), rs.getString("status")))
                .findOne();
    }
}
