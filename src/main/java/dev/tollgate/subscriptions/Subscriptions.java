package dev.tollgate.subscriptions;

import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Timestamps;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Subscription rows that customer changes create and end, inside the caller's transaction. */
public final class Subscriptions {
    private Subscriptions() {
    }

    /**
     * Subscribes a new customer to the merchant's Free plan, with a monthly cycle starting now.
     */
    public static void startOnFreePlan(Handle handle, Ids ids, Caller caller, String customerId,
            Instant now) {
        String planId = handle.createQuery("SELECT id FROM plans WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND is_free_default = 1")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> new IllegalStateException("merchant " + caller.merchantId()
                        + " has no Free plan in " + caller.environment().code()));
        Instant cycleEnd = now.atOffset(ZoneOffset.UTC).plusMonths(1).toInstant();
        handle.createUpdate("""
                        INSERT INTO subscriptions (id, merchant_id, environment, customer_id, plan_id,
                            status, started_at, cycle_start_at, cycle_end_at, created_at)
                        VALUES (:id, :merchant, :environment, :customer, :plan, 'active', :now, :now,
                            :cycleEnd, :now)""")
                .bind("id", ids.next("sub", caller.environment()))
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("customer", customerId)
                .bind("plan", planId)
                .bind("now", Timestamps.format(now))
                .bind("cycleEnd", Timestamps.format(cycleEnd))
                .execute();
    }

    /** Cancels the customer's active subscription at once, if there is one. */
    public static void cancelNow(Handle handle, String customerId, Instant now) {
        handle.createUpdate("UPDATE subscriptions SET status = 'cancelled', cancelled_at = :now"
                        + " WHERE customer_id = :customer AND status = 'active'")
                .bind("now", Timestamps.format(now))
                .bind("customer", customerId)
                .execute();
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
