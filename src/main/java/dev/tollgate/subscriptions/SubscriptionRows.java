package dev.tollgate.subscriptions;

import dev.tollgate.core.Caller;
import dev.tollgate.storage.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL reads of subscriptions with their plans. */
final class SubscriptionRows {
    static final String COLUMNS = "id, customer_id, plan_id, status, started_at, cancelled_at,"
            + " cycle_anchor, cycle_number, cycle_start_at, cycle_end_at, auto_top_up_bundle_id,"
            + " pending_change_type, pending_plan_id, renewal_failures, next_attempt_at,"
            + " top_up_failed_at";

    private SubscriptionRows() {
    }

    private record Row(String id, String customerId, String planId, String status,
            String startedAt, String cancelledAt, String anchor, long number, String cycleStart,
            String cycleEnd, String topUp, String pending, String pendingPlan, int failures,
            String nextAttempt, String topUpFailed) {
    }

    static Optional<ActiveSubscription> activeOf(Handle handle, Caller caller, String customerId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM subscriptions"
                        + " WHERE customer_id = :customer AND status = 'active'")
                .bind("customer", customerId)
                .map((rs, ctx) -> read(rs))
                .findOne()
                .map(row -> withPlan(handle, caller, row));
    }

    static Optional<ActiveSubscription> byId(Handle handle, Caller caller, String subscriptionId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment")
                .bind("id", subscriptionId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne()
                .map(row -> withPlan(handle, caller, row));
    }

    static List<ActiveSubscription> list(Handle handle, Caller caller, String where,
            java.util.Map<String, Object> binds, String cursor, int limit) {
        var query = handle.createQuery("SELECT " + COLUMNS + " FROM subscriptions"
                + " WHERE merchant_id = :merchant AND environment = :environment" + where
                + " AND id < :cursor ORDER BY id DESC LIMIT :limit");
        binds.forEach(query::bind);
        return query.bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", cursor)
                .bind("limit", limit)
                .map((rs, ctx) -> read(rs))
                .list()
                .stream()
                .map(row -> withPlan(handle, caller, row))
                .toList();
    }

    private static Row read(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("customer_id"), rs.getString("plan_id"),
                rs.getString("status"), rs.getString("started_at"), rs.getString("cancelled_at"),
                rs.getString("cycle_anchor"), rs.getLong("cycle_number"),
                rs.getString("cycle_start_at"), rs.getString("cycle_end_at"),
                rs.getString("auto_top_up_bundle_id"), rs.getString("pending_change_type"),
                rs.getString("pending_plan_id"), rs.getInt("renewal_failures"),
                rs.getString("next_attempt_at"), rs.getString("top_up_failed_at"));
    }

    private static ActiveSubscription withPlan(Handle handle, Caller caller, Row row) {
        Plan plan = PlanRows.findIncludingDeleted(handle, caller, row.planId()).orElseThrow();
        return new ActiveSubscription(row.id(), row.customerId(), plan, row.status(),
                Timestamps.parse(row.startedAt()), Timestamps.parseNullable(row.cancelledAt()),
                Timestamps.parse(row.anchor() == null ? row.cycleStart() : row.anchor()),
                row.number(), Timestamps.parse(row.cycleStart()), Timestamps.parse(row.cycleEnd()),
                row.topUp(), row.pending(), row.pendingPlan(), row.failures(),
                Timestamps.parseNullable(row.nextAttempt()), Timestamps.parseNullable(row.topUpFailed()));
    }
}
