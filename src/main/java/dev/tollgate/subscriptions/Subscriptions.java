package dev.tollgate.subscriptions;

import dev.tollgate.billing.ledger.Bucket;
import dev.tollgate.billing.ledger.EntryKind;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.webhooks.Events;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Subscriptions: starting one on a plan (which grants the plan's included credit), ending one,
 * scheduling a cancellation or downgrade for the cycle's end, the auto top-up bundle, and
 * reading them. Methods taking a {@link Handle} run inside the caller's transaction.
 * Thread-safe.
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

    /** Subscribes a customer to the merchant's Free plan. */
    public void startOnFreePlan(Handle handle, Caller caller, String customerId) {
        start(handle, caller, customerId, freePlan(handle, caller));
    }

    static Plan freePlan(Handle handle, Caller caller) {
        String planId = handle.createQuery("SELECT id FROM plans WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND is_free_default = 1")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> new IllegalStateException("merchant " + caller.merchantId()
                        + " has no Free plan in " + caller.environment().code()));
        return PlanRows.findIncludingDeleted(handle, caller, planId).orElseThrow();
    }

    /**
     * Ends the customer's active subscription, starts one on {@code plan} with a cycle from the
     * customer's now, and grants the plan's included credit. Unused cycle credit of the old
     * subscription expires; bundle credit stays.
     *
     * @return the new subscription's id
     */
    public String start(Handle handle, Caller caller, String customerId, Plan plan) {
        Instant now = customerNow(handle, customerId);
        active(handle, caller, customerId).ifPresent(old -> end(handle, caller, old, now));
        return insert(handle, caller, customerId, plan, now);
    }

    /** Inserts an active subscription whose first cycle starts at {@code anchor}, with its grant. */
    String insert(Handle handle, Caller caller, String customerId, Plan plan, Instant anchor) {
        String subscriptionId = ids.next("sub", caller.environment());
        handle.createUpdate("""
                        INSERT INTO subscriptions (id, merchant_id, environment, customer_id, plan_id,
                            status, auto_top_up_bundle_id, started_at, cycle_anchor, cycle_number,
                            cycle_start_at, cycle_end_at, created_at)
                        VALUES (:id, :merchant, :environment, :customer, :plan, 'active', :topUp,
                            :anchor, :anchor, 0, :anchor, :cycleEnd, :anchor)""")
                .bind("id", subscriptionId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("customer", customerId)
                .bind("plan", plan.id())
                .bind("topUp", plan.defaultAutoTopUpBundleId())
                .bind("anchor", Timestamps.format(anchor))
                .bind("cycleEnd", Timestamps.format(Cycles.end(anchor, plan.billingInterval())))
                .execute();
        Ledger.Account account = account(caller, customerId, subscriptionId);
        ledger.open(handle, account);
        if (!plan.includedCredit().isZero()) {
            ledger.append(handle, account, Bucket.CYCLE, EntryKind.GRANT, plan.includedCredit(), null);
        }
        Events.in(handle).subscriptionCreated(caller, subscriptionId);
        return subscriptionId;
    }

    /** Marks a subscription cancelled at {@code at} and expires its unused cycle credit. */
    void end(Handle handle, Caller caller, ActiveSubscription old, Instant at) {
        handle.createUpdate("UPDATE subscriptions SET status = 'cancelled', cancelled_at = :at,"
                        + " pending_change_type = NULL, pending_plan_id = NULL WHERE id = :id")
                .bind("at", Timestamps.format(at))
                .bind("id", old.id())
                .execute();
        Events.in(handle).subscriptionCancelled(caller, old.id());
        Money cycleLeft = Ledger.lockedBalance(handle, old.customerId()).cycle();
        if (!cycleLeft.isZero() && !cycleLeft.isNegative()) {
            ledger.append(handle, account(caller, old.customerId(), old.id()), Bucket.CYCLE,
                    EntryKind.EXPIRY, Money.ZERO.minus(cycleLeft), null);
        }
    }

    /** Cancels the customer's active subscription at once, if there is one. */
    public void cancelNow(Handle handle, Caller caller, String customerId) {
        Instant now = customerNow(handle, customerId);
        active(handle, caller, customerId).ifPresent(old -> end(handle, caller, old, now));
    }

    /**
     * Subscribes an existing customer to a free plan through the API; paid plans need checkout.
     *
     * @throws ApiError 400 when the plan has a fee or does not exist
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

    /**
     * Schedules the subscription to end when its cycle ends; the customer then returns to the
     * Free plan.
     *
     * @throws ApiError 404 for an unknown or already cancelled subscription
     */
    public void scheduleCancellation(Caller caller, String subscriptionId) {
        jdbi.useTransaction(handle -> {
            ActiveSubscription subscription = requireActive(handle, caller, subscriptionId);
            setPending(handle, subscription.id(), "cancellation", null);
            Events.in(handle).subscriptionUpdated(caller, subscription.id());
        });
    }

    /** Schedules a switch to a cheaper plan at the end of the current cycle. */
    public void scheduleDowngrade(Handle handle, ActiveSubscription subscription, Plan plan) {
        setPending(handle, subscription.id(), "downgrade", plan.id());
    }

    private static void setPending(Handle handle, String subscriptionId, String type, String planId) {
        handle.createUpdate("UPDATE subscriptions SET pending_change_type = :type,"
                        + " pending_plan_id = :plan WHERE id = :id")
                .bind("type", type)
                .bind("plan", planId)
                .bind("id", subscriptionId)
                .execute();
    }

    /**
     * Sets or clears the bundle bought automatically when the customer's credit runs out, and
     * clears a past top-up failure so the next shortfall tries again.
     *
     * @throws ApiError 404 for an unknown subscription, 400 for a bundle of another plan
     */
    public ActiveSubscription setAutoTopUp(Caller caller, String subscriptionId, String bundleId) {
        return jdbi.inTransaction(handle -> {
            ActiveSubscription subscription = requireActive(handle, caller, subscriptionId);
            boolean offered = bundleId == null || subscription.plan().creditBundles().stream()
                    .anyMatch(bundle -> bundle.id().equals(bundleId));
            if (!offered) {
                throw ApiError.unknownReference("auto_top_up_bundle_id", "Plan '"
                        + subscription.plan().id() + "' offers no credit bundle '" + bundleId
                        + "'. Use one of its credit_bundles ids or null.");
            }
            handle.createUpdate("UPDATE subscriptions SET auto_top_up_bundle_id = :bundle,"
                            + " top_up_failed_at = NULL WHERE id = :id")
                    .bind("bundle", bundleId)
                    .bind("id", subscriptionId)
                    .execute();
            Events.in(handle).subscriptionUpdated(caller, subscriptionId);
            return SubscriptionRows.byId(handle, caller, subscriptionId).orElseThrow();
        });
    }

    private static ActiveSubscription requireActive(Handle handle, Caller caller, String id) {
        return SubscriptionRows.byId(handle, caller, id)
                .filter(subscription -> subscription.status().equals("active"))
                .orElseThrow(() -> ApiError.notFound("active subscription", id));
    }

    /** Lists subscriptions, newest first; {@code status} is active, cancelled or all. */
    public Page<ActiveSubscription> list(Caller caller, String status, Optional<String> customerId,
            PageRequest page) {
        StringBuilder where = new StringBuilder();
        Map<String, Object> binds = new HashMap<>();
        if (!status.equals("all")) {
            where.append(" AND status = :status");
            binds.put("status", status);
        }
        customerId.ifPresent(id -> {
            where.append(" AND customer_id = :customer");
            binds.put("customer", id);
        });
        List<ActiveSubscription> rows = jdbi.withHandle(handle -> SubscriptionRows.list(handle,
                caller, where.toString(), binds, page.cursorBound(), page.limit() + 1));
        return Page.fromOverfetch(rows, page.limit(), ActiveSubscription::id);
    }

    /** Returns the customer's active subscription with its plan. */
    public static Optional<ActiveSubscription> active(Handle handle, Caller caller, String customerId) {
        return SubscriptionRows.activeOf(handle, caller, customerId);
    }

    public Optional<ActiveSubscription> active(Caller caller, String customerId) {
        return jdbi.withHandle(handle -> active(handle, caller, customerId));
    }

    /** Returns a subscription of the caller by id, in any status. */
    public static Optional<ActiveSubscription> byId(Handle handle, Caller caller, String id) {
        return SubscriptionRows.byId(handle, caller, id);
    }

    /**
     * Returns the customer's current time: its sandbox test clock when that was moved ahead of
     * the server's clock, else the server's clock.
     */
    public Instant customerNow(Handle handle, String customerId) {
        Instant now = clock.instant();
        Optional<String> testClock = handle.createQuery(
                        "SELECT test_clock_at FROM customers WHERE id = :id")
                .bind("id", customerId)
                .mapTo(String.class)
                .findOne();
        return testClock.map(Timestamps::parse).filter(now::isBefore).orElse(now);
    }

    static Ledger.Account account(Caller caller, String customerId, String subscriptionId) {
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
