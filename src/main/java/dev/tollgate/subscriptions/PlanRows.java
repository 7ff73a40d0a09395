package dev.tollgate.subscriptions;

import dev.tollgate.core.Caller;
import dev.tollgate.core.WireEnum;
import dev.tollgate.money.Money;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL reads of plans with their linked meters and credit bundles. */
final class PlanRows {
    private static final String PLAN_COLUMNS = "id, merchant_id, name, is_free_default,"
            + " period_amount, included_credit, billing_interval, rollover_type,"
            + " bundle_rollover_type, default_auto_top_up_bundle_id, created_at";
    static final String BUNDLE_COLUMNS = "id, plan_id, name, cost, credit_amount, created_at";

    private PlanRows() {
    }

    static Optional<Plan> find(Handle handle, Caller caller, String planId) {
        return handle.createQuery("SELECT " + PLAN_COLUMNS + " FROM plans WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL")
                .bind("id", planId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> readPlan(rs))
                .findOne()
                .map(plan -> withChildren(handle, plan));
    }

    /** Finds a plan even after it was deleted, for subscriptions that still refer to it. */
    static Optional<Plan> findIncludingDeleted(Handle handle, Caller caller, String planId) {
        return handle.createQuery("SELECT " + PLAN_COLUMNS + " FROM plans WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment")
                .bind("id", planId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> readPlan(rs))
                .findOne()
                .map(plan -> withChildren(handle, plan));
    }

    static List<Plan> list(Handle handle, Caller caller, PageRequest page) {
        return handle.createQuery("SELECT " + PLAN_COLUMNS + " FROM plans"
                        + " WHERE merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL AND id < :cursor ORDER BY id DESC LIMIT :limit")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", page.cursorBound())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> readPlan(rs))
                .list()
                .stream()
                .map(plan -> withChildren(handle, plan))
                .toList();
    }

    private static Plan withChildren(Handle handle, Plan plan) {
        List<Plan.LinkedMeter> meters = handle.createQuery("""
                        SELECT m.id, m.name FROM plan_meters pm JOIN meters m ON m.id = pm.meter_id
                        WHERE pm.plan_id = :plan ORDER BY pm.position""")
                .bind("plan", plan.id())
                .map((rs, ctx) -> new Plan.LinkedMeter(rs.getString("id"), rs.getString("name")))
                .list();
        List<CreditBundle> bundles = handle.createQuery("SELECT " + BUNDLE_COLUMNS
                        + " FROM credit_bundles WHERE plan_id = :plan AND deleted_at IS NULL"
                        + " ORDER BY id")
                .bind("plan", plan.id())
                .map((rs, ctx) -> readBundle(rs))
                .list();
        return new Plan(plan.id(), plan.merchantId(), plan.name(), plan.freeDefault(),
                plan.periodAmount(), plan.includedCredit(), plan.billingInterval(),
                plan.rollover(), plan.bundleRollover(), plan.defaultAutoTopUpBundleId(),
                meters, bundles, plan.createdAt());
    }

    private static Plan readPlan(ResultSet rs) throws SQLException {
        return new Plan(
                rs.getString("id"),
                rs.getString("merchant_id"),
                rs.getString("name"),
                rs.getInt("is_free_default") == 1,
                new Money(rs.getLong("period_amount")),
                new Money(rs.getLong("included_credit")),
                WireEnum.fromStored(BillingInterval.class, rs.getString("billing_interval")),
                WireEnum.fromStored(Rollover.class, rs.getString("rollover_type")),
                WireEnum.fromStored(Rollover.class, rs.getString("bundle_rollover_type")),
                rs.getString("default_auto_top_up_bundle_id"),
                List.of(),
                List.of(),
                Timestamps.parse(rs.getString("created_at")));
    }

    static CreditBundle readBundle(ResultSet rs) throws SQLException {
        return new CreditBundle(
                rs.getString("id"),
                rs.getString("plan_id"),
                rs.getString("name"),
                new Money(rs.getLong("cost")),
                new Money(rs.getLong("credit_amount")),
                Timestamps.parse(rs.getString("created_at")));
    }
}
