package dev.tollgate.subscriptions;

import dev.tollgate.billing.Meters;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.core.Patch;
import dev.tollgate.money.Money;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Plans of one merchant and environment, with their meter links and credit bundles. Every
 * change runs in one transaction, so a rejected request leaves nothing behind. Thread-safe.
 */
public final class Plans {
    /** Maximum number of meters one plan may link, and of bundles it may offer. */
    public static final int MAX_LINKED_METERS = 100;
    public static final int MAX_CREDIT_BUNDLES = 20;

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;

    public Plans(Jdbi jdbi, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
    }

    /** A bundle to create with a plan. */
    public record NewBundle(String name, Money cost, Money creditAmount) {
    }

    /** A plan to create; absent options take the documented defaults. */
    public record NewPlan(String name, Money periodAmount, Optional<Money> includedCredit,
            BillingInterval billingInterval, Optional<Rollover> rollover,
            Optional<Rollover> bundleRollover, List<String> meterIds, List<NewBundle> bundles,
            Optional<Integer> defaultAutoTopUpBundleIndex) {
    }

    /**
     * One item of a plan update's {@code credit_bundles}: with an id it changes or (with
     * {@code deleted}) removes that bundle; without an id it creates one from all three fields.
     */
    public record BundleChange(Optional<String> id, Optional<String> name, Optional<Money> cost,
            Optional<Money> creditAmount, boolean deleted) {
    }

    /** A plan update; absent fields stay as they are. */
    public record PlanChanges(Optional<String> name, Optional<Rollover> rollover,
            Optional<Rollover> bundleRollover, Optional<Money> includedCredit,
            Patch<String> defaultAutoTopUpBundleId, Optional<List<String>> meterIds,
            Optional<List<BundleChange>> bundles) {
    }

    /**
     * Creates a plan with its meter links and bundles.
     *
     * @throws ApiError 400 for an unknown or repeated meter id or a bundle index out of range
     */
    public Plan create(Caller caller, NewPlan request) {
        if (request.bundles().size() > MAX_CREDIT_BUNDLES) {
            throw ApiError.invalid("credit_bundles", "Field 'credit_bundles' has "
                    + request.bundles().size() + " items; a plan may offer at most "
                    + MAX_CREDIT_BUNDLES + " credit bundles.");
        }
        request.defaultAutoTopUpBundleIndex().ifPresent(index -> {
            int size = request.bundles().size();
            if (index < 0 || index >= size) {
                String fix = size == 0 ? "give credit_bundles or leave the index out"
                        : "use 0 to " + (size - 1) + " or null";
                throw ApiError.invalid("default_auto_top_up_bundle_index",
                        "Field 'default_auto_top_up_bundle_index' is " + index + ", out of range:"
                                + " credit_bundles has " + size + " item(s), so " + fix + ".");
            }
        });
        return jdbi.inTransaction(handle -> {
            checkMeters(handle, caller, request.meterIds());
            Instant now = clock.instant();
            String planId = ids.next("pln", caller.environment());
            insertPlan(handle, caller.merchantId(), caller.environment(), planId, request, now);
            List<String> bundleIds = new ArrayList<>();
            for (NewBundle bundle : request.bundles()) {
                bundleIds.add(insertBundle(handle, caller, planId, bundle, now));
            }
            request.defaultAutoTopUpBundleIndex().ifPresent(index ->
                    setDefaultBundle(handle, planId, bundleIds.get(index)));
            linkMeters(handle, planId, request.meterIds());
            return PlanRows.find(handle, caller, planId).orElseThrow();
        });
    }

    /** Creates the Free plan of a merchant's environment inside the caller's transaction. */
    public static void insertFreePlan(Handle handle, Ids ids, String merchantId,
            Environment environment, Instant now) {
        NewPlan free = new NewPlan("Free", Money.ZERO, Optional.of(Money.ZERO),
                BillingInterval.MONTH, Optional.of(Rollover.NONE), Optional.of(Rollover.FULL),
                List.of(), List.of(), Optional.empty());
        String planId = ids.next("pln", environment);
        insertPlan(handle, merchantId, environment, planId, free, now);
        handle.createUpdate("UPDATE plans SET is_free_default = 1 WHERE id = :id")
                .bind("id", planId)
                .execute();
    }

    private static void insertPlan(Handle handle, String merchantId, Environment environment,
            String planId, NewPlan request, Instant now) {
        handle.createUpdate("""
                        INSERT INTO plans (id, merchant_id, environment, name, period_amount,
                            included_credit, billing_interval, rollover_type, bundle_rollover_type,
                            created_at)
                        VALUES (:id, :merchant, :environment, :name, :period, :included, :interval,
                            :rollover, :bundleRollover, :created)""")
                .bind("id", planId)
                .bind("merchant", merchantId)
                .bind("environment", environment.code())
                .bind("name", request.name())
                .bind("period", request.periodAmount().units())
                .bind("included", request.includedCredit().orElse(request.periodAmount()).units())
                .bind("interval", request.billingInterval().code())
                .bind("rollover", request.rollover().orElse(Rollover.NONE).code())
                .bind("bundleRollover", request.bundleRollover().orElse(Rollover.FULL).code())
                .bind("created", Timestamps.format(now))
                .execute();
    }

    private String insertBundle(Handle handle, Caller caller, String planId, NewBundle bundle,
            Instant now) {
        String bundleId = ids.next("cb", caller.environment());
        handle.createUpdate("""
                        INSERT INTO credit_bundles (id, plan_id, merchant_id, environment, name, cost,
                            credit_amount, created_at)
                        VALUES (:id, :plan, :merchant, :environment, :name, :cost, :credit, :created)""")
                .bind("id", bundleId)
                .bind("plan", planId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("name", bundle.name())
                .bind("cost", bundle.cost().units())
                .bind("credit", bundle.creditAmount().units())
                .bind("created", Timestamps.format(now))
                .execute();
        return bundleId;
    }

    private static void setDefaultBundle(Handle handle, String planId, String bundleId) {
        handle.createUpdate("UPDATE plans SET default_auto_top_up_bundle_id = :bundle WHERE id = :id")
                .bind("bundle", bundleId)
                .bind("id", planId)
                .execute();
    }

    private static void checkMeters(Handle handle, Caller caller, List<String> meterIds) {
        if (meterIds.size() > MAX_LINKED_METERS) {
            throw ApiError.invalid("meter_ids", "Field 'meter_ids' has " + meterIds.size()
                    + " items; a plan may link at most " + MAX_LINKED_METERS + " meters.");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < meterIds.size(); i++) {
            String meterId = meterIds.get(i);
            String param = "meter_ids[" + i + "]";
            if (!seen.add(meterId)) {
                throw ApiError.invalid(param, "Field '" + param + "' repeats meter '" + meterId
                        + "'. List each meter once.");
            }
            if (Meters.find(handle, caller, meterId).isEmpty()) {
                throw ApiError.unknownReference(param, "Field '" + param + "': meter '" + meterId
                        + "' not found. List meters with GET /v1/meters.");
            }
        }
    }

    private static void linkMeters(Handle handle, String planId, List<String> meterIds) {
        handle.createUpdate("DELETE FROM plan_meters WHERE plan_id = :plan")
                .bind("plan", planId)
                .execute();
        for (int i = 0; i < meterIds.size(); i++) {
            handle.createUpdate("INSERT INTO plan_meters (plan_id, meter_id, position)"
                            + " VALUES (:plan, :meter, :position)")
                    .bind("plan", planId)
                    .bind("meter", meterIds.get(i))
                    .bind("position", i)
                    .execute();
        }
    }

    /** Returns a live plan of the caller inside an open transaction. */
    public static Optional<Plan> find(Handle handle, Caller caller, String planId) {
        return PlanRows.find(handle, caller, planId);
    }

    public Page<Plan> list(Caller caller, PageRequest page) {
        List<Plan> rows = jdbi.withHandle(handle -> PlanRows.list(handle, caller, page));
        return Page.fromOverfetch(rows, page.limit(), Plan::id);
    }

    /**
     * Returns a plan of the caller.
     *
     * @throws ApiError 404 when the caller has no such plan
     */
    public Plan get(Caller caller, String planId) {
        return jdbi.withHandle(handle -> PlanRows.find(handle, caller, planId))
                .orElseThrow(() -> ApiError.notFound("plan", planId));
    }

    /**
     * Applies {@code changes}: fields, full replacement of meter links, and bundle
     * reconciliation (update by id, remove with {@code is_deleted}, create without id).
     *
     * @throws ApiError 404 for an unknown plan, 400 for unknown meters or bundles
     */
    public Plan update(Caller caller, String planId, PlanChanges changes) {
        return jdbi.inTransaction(handle -> {
            Plan current = PlanRows.find(handle, caller, planId)
                    .orElseThrow(() -> ApiError.notFound("plan", planId));
            handle.createUpdate("""
                            UPDATE plans SET name = :name, rollover_type = :rollover,
                                bundle_rollover_type = :bundleRollover, included_credit = :included
                            WHERE id = :id""")
                    .bind("name", changes.name().orElse(current.name()))
                    .bind("rollover", changes.rollover().orElse(current.rollover()).code())
                    .bind("bundleRollover",
                            changes.bundleRollover().orElse(current.bundleRollover()).code())
                    .bind("included", changes.includedCredit().orElse(current.includedCredit()).units())
                    .bind("id", planId)
                    .execute();
            if (changes.meterIds().isPresent()) {
                checkMeters(handle, caller, changes.meterIds().get());
                linkMeters(handle, planId, changes.meterIds().get());
            }
            if (changes.bundles().isPresent()) {
                reconcileBundles(handle, caller, current, changes.bundles().get());
            }
            applyDefaultBundle(handle, caller, planId, current, changes.defaultAutoTopUpBundleId());
            return PlanRows.find(handle, caller, planId).orElseThrow();
        });
    }

    private void reconcileBundles(Handle handle, Caller caller, Plan plan,
            List<BundleChange> changes) {
        Instant now = clock.instant();
        Set<String> touched = new HashSet<>();
        for (int i = 0; i < changes.size(); i++) {
            BundleChange change = changes.get(i);
            String param = "credit_bundles[" + i + "]";
            if (change.id().isEmpty()) {
                insertBundle(handle, caller, plan.id(), new NewBundle(change.name().orElseThrow(),
                        change.cost().orElseThrow(), change.creditAmount().orElseThrow()), now);
                continue;
            }
            String bundleId = change.id().get();
            CreditBundle bundle = plan.creditBundles().stream()
                    .filter(b -> b.id().equals(bundleId))
                    .findFirst()
                    .orElseThrow(() -> ApiError.unknownReference(param + ".credit_bundle_id",
                            "Field '" + param + ".credit_bundle_id': credit bundle '" + bundleId
                                    + "' not found on plan '" + plan.id() + "'. Use an id from"
                                    + " the plan's credit_bundles, or leave it out to create a"
                                    + " bundle."));
            if (!touched.add(bundleId)) {
                throw ApiError.invalid(param + ".credit_bundle_id", "Field '" + param
                        + ".credit_bundle_id' repeats credit bundle '" + bundleId
                        + "'. Change each bundle once.");
            }
            if (change.deleted()) {
                handle.createUpdate("UPDATE credit_bundles SET deleted_at = :now WHERE id = :id")
                        .bind("now", Timestamps.format(now))
                        .bind("id", bundleId)
                        .execute();
                continue;
            }
            handle.createUpdate("UPDATE credit_bundles SET name = :name, cost = :cost,"
                            + " credit_amount = :credit WHERE id = :id")
                    .bind("name", change.name().orElse(bundle.name()))
                    .bind("cost", change.cost().orElse(bundle.cost()).units())
                    .bind("credit", change.creditAmount().orElse(bundle.creditAmount()).units())
                    .bind("id", bundleId)
                    .execute();
        }
        int remaining = handle.createQuery("SELECT COUNT(*) FROM credit_bundles"
                        + " WHERE plan_id = :plan AND deleted_at IS NULL")
                .bind("plan", plan.id())
                .mapTo(Integer.class)
                .one();
        if (remaining > MAX_CREDIT_BUNDLES) {
            throw ApiError.invalid("credit_bundles", "Field 'credit_bundles' would leave "
                    + remaining + " bundles on the plan; a plan may offer at most "
                    + MAX_CREDIT_BUNDLES + ".");
        }
    }

    private static void applyDefaultBundle(Handle handle, Caller caller, String planId, Plan before,
            Patch<String> requested) {
        Plan after = PlanRows.find(handle, caller, planId).orElseThrow();
        String wanted = requested.orElse(before.defaultAutoTopUpBundleId());
        boolean offered = wanted != null
                && after.creditBundles().stream().anyMatch(b -> b.id().equals(wanted));
        if (requested.isPresent() && wanted != null && !offered) {
            throw ApiError.unknownReference("default_auto_top_up_bundle_id",
                    "Field 'default_auto_top_up_bundle_id': credit bundle '" + wanted
                            + "' not found on plan '" + planId + "'. Use one of its"
                            + " credit_bundles ids or null.");
        }
        // A default bundle that this update removed is cleared rather than left dangling.
        setDefaultBundle(handle, planId, offered ? wanted : null);
    }

    /**
     * Deletes a plan and its bundles.
     *
     * @throws ApiError 404 for an unknown plan, 409 for the Free plan or a plan with active
     *     subscriptions
     */
    public void delete(Caller caller, String planId) {
        jdbi.useTransaction(handle -> {
            Plan plan = PlanRows.find(handle, caller, planId)
                    .orElseThrow(() -> ApiError.notFound("plan", planId));
            if (plan.freeDefault()) {
                throw ApiError.conflict("plan_is_default", null, "Plan '" + planId
                        + "' is the Free plan that new customers start on; it cannot be deleted.");
            }
            int subscribers = handle.createQuery("SELECT COUNT(*) FROM subscriptions"
                            + " WHERE plan_id = :plan AND status = 'active'")
                    .bind("plan", planId)
                    .mapTo(Integer.class)
                    .one();
            if (subscribers > 0) {
                throw ApiError.conflict("plan_in_use", null, "Plan '" + planId + "' has "
                        + subscribers + " active subscription(s). Cancel them before deleting it.");
            }
            String now = Timestamps.format(clock.instant());
            handle.createUpdate("UPDATE credit_bundles SET deleted_at = :now"
                            + " WHERE plan_id = :plan AND deleted_at IS NULL")
                    .bind("now", now)
                    .bind("plan", planId)
                    .execute();
            handle.createUpdate("UPDATE plans SET deleted_at = :now WHERE id = :id")
                    .bind("now", now)
                    .bind("id", planId)
                    .execute();
        });
    }
}
