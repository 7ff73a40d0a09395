package dev.tollgate.subscriptions;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Read access to credit bundles across a merchant's plans. Thread-safe. */
public final class CreditBundles {
    private final Jdbi jdbi;

    public CreditBundles(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Lists bundles of live plans, newest first, optionally of one plan.
     *
     * @throws ApiError 404 when {@code planId} names no plan of the caller
     */
    public Page<CreditBundle> list(Caller caller, Optional<String> planId, PageRequest page) {
        List<CreditBundle> rows = jdbi.withHandle(handle -> {
            if (planId.isPresent() && PlanRows.find(handle, caller, planId.get()).isEmpty()) {
                throw ApiError.notFound("plan", planId.get());
            }
            return handle.createQuery("SELECT " + PlanRows.BUNDLE_COLUMNS
                            + " FROM credit_bundles WHERE merchant_id = :merchant"
                            + " AND environment = :environment AND deleted_at IS NULL"
                            + (planId.isPresent() ? " AND plan_id = :plan" : "")
                            + " AND id < :cursor ORDER BY id DESC LIMIT :limit")
                    .bind("merchant", caller.merchantId())
                    .bind("environment", caller.environment().code())
                    .bind("plan", planId.orElse(null))
                    .bind("cursor", page.cursorBound())
                    .bind("limit", page.limit() + 1)
                    .map((rs, ctx) -> PlanRows.readBundle(rs))
                    .list();
        });
        return Page.fromOverfetch(rows, page.limit(), CreditBundle::id);
    }

    /**
     * Returns a bundle of the caller.
     *
     * @throws ApiError 404 when the caller has no such bundle
     */
    public CreditBundle get(Caller caller, String bundleId) {
        return jdbi.withHandle(handle -> find(handle, caller, bundleId))
                .orElseThrow(() -> ApiError.notFound("credit bundle", bundleId));
    }

    /** Returns a live bundle of the caller inside an open transaction. */
    public static Optional<CreditBundle> find(Handle handle, Caller caller, String bundleId) {
        return handle.createQuery("SELECT " + PlanRows.BUNDLE_COLUMNS
                                + " FROM credit_bundles WHERE id = :id AND merchant_id = :merchant"
                                + " AND environment = :environment AND deleted_at IS NULL")
                        .bind("id", bundleId)
                        .bind("merchant", caller.merchantId())
                        .bind("environment", caller.environment().code())
                        .map((rs, ctx) -> PlanRows.readBundle(rs))
                        .findOne();
    }
}
