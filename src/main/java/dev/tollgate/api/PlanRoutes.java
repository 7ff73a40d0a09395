package dev.tollgate.api;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Patch;
import dev.tollgate.money.Money;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.BillingInterval;
import dev.tollgate.subscriptions.CreditBundle;
import dev.tollgate.subscriptions.CreditBundles;
import dev.tollgate.subscriptions.Plan;
import dev.tollgate.subscriptions.Plans;
import dev.tollgate.subscriptions.Rollover;
import io.helidon.webserver.http.HttpRouting;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/plans} and {@code /v1/credit_bundles}. Fees and bundle costs are charged to
 * cards, so they take at most 2 fractional digits; credit amounts take up to 10.
 */
final class PlanRoutes {
    private static final int MAX_NAME_LENGTH = 200;
    private static final int CHARGE_DIGITS = 2;
    private static final int CREDIT_DIGITS = Money.SCALE;

    private final Plans plans;
    private final CreditBundles bundles;
    private final Endpoints endpoints;

    PlanRoutes(Plans plans, CreditBundles bundles, Endpoints endpoints) {
        this.plans = plans;
        this.bundles = bundles;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/plans", endpoints.authenticated(this::create))
                .get("/v1/plans", endpoints.authenticated(call ->
                        Reply.ok(ListBody.of(plans.list(call.caller(), call.page()).map(PlanView::of)))))
                .get("/v1/plans/{id}", endpoints.authenticated(call ->
                        Reply.ok(PlanView.of(plans.get(call.caller(), call.pathParam("id"))))))
                .patch("/v1/plans/{id}", endpoints.authenticated(this::update))
                .delete("/v1/plans/{id}", endpoints.authenticated(call -> {
                    String id = call.pathParam("id");
                    plans.delete(call.caller(), id);
                    return Reply.ok(new DeletedBody(id, true));
                }))
                .get("/v1/credit_bundles", endpoints.authenticated(call -> Reply.ok(ListBody.of(
                        bundles.list(call.caller(), call.query("plan_id"), call.page())
                                .map(BundleView::of)))))
                .get("/v1/credit_bundles/{id}", endpoints.authenticated(call ->
                        Reply.ok(BundleView.of(bundles.get(call.caller(), call.pathParam("id"))))));
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        List<Plans.NewBundle> newBundles = body.optionalObjects("credit_bundles", Plans.MAX_CREDIT_BUNDLES)
                .orElse(List.of())
                .stream()
                .map(item -> new Plans.NewBundle(item.requiredText("name", MAX_NAME_LENGTH),
                        item.requiredMoney("cost", CHARGE_DIGITS),
                        item.requiredMoney("credit_amount", CREDIT_DIGITS)))
                .toList();
        Plans.NewPlan request = new Plans.NewPlan(
                body.requiredText("name", MAX_NAME_LENGTH),
                body.requiredMoney("period_amount", CHARGE_DIGITS),
                body.optionalMoney("included_credit", CREDIT_DIGITS),
                body.requiredChoice("billing_interval", BillingInterval.class),
                body.optionalChoice("rollover_type", Rollover.class),
                body.optionalChoice("bundle_rollover_type", Rollover.class),
                body.optionalStrings("meter_ids", Plans.MAX_LINKED_METERS, 100).orElse(List.of()),
                newBundles,
                body.optionalInteger("default_auto_top_up_bundle_index"));
        return Reply.created(PlanView.of(plans.create(call.caller(), request)));
    }

    private Reply update(Call call) {
        JsonBody body = call.body();
        String fixed = "cannot be changed on an existing plan; create a new plan and move"
                + " subscribers to it instead.";
        body.reject("period_amount", fixed);
        body.reject("billing_interval", fixed);
        Optional<List<Plans.BundleChange>> bundleChanges = body
                .optionalObjects("credit_bundles", Plans.MAX_CREDIT_BUNDLES * 2)
                .map(items -> items.stream().map(PlanRoutes::readBundleChange).toList());
        Plans.PlanChanges changes = new Plans.PlanChanges(
                body.optionalText("name", MAX_NAME_LENGTH),
                body.optionalChoice("rollover_type", Rollover.class),
                body.optionalChoice("bundle_rollover_type", Rollover.class),
                body.optionalMoney("included_credit", CREDIT_DIGITS),
                body.patchText("default_auto_top_up_bundle_id", 100),
                body.optionalStrings("meter_ids", Plans.MAX_LINKED_METERS, 100),
                bundleChanges);
        return Reply.ok(PlanView.of(plans.update(call.caller(), call.pathParam("id"), changes)));
    }

    private static Plans.BundleChange readBundleChange(JsonBody item) {
        Optional<String> id = item.optionalText("credit_bundle_id", 100);
        boolean deleted = item.optionalBoolean("is_deleted");
        if (id.isEmpty() && deleted) {
            throw ApiError.missing(item.path("credit_bundle_id"));
        }
        if (id.isEmpty()) {
            return new Plans.BundleChange(id,
                    Optional.of(item.requiredText("name", MAX_NAME_LENGTH)),
                    Optional.of(item.requiredMoney("cost", CHARGE_DIGITS)),
                    Optional.of(item.requiredMoney("credit_amount", CREDIT_DIGITS)), false);
        }
        return new Plans.BundleChange(id, item.optionalText("name", MAX_NAME_LENGTH),
                item.optionalMoney("cost", CHARGE_DIGITS),
                item.optionalMoney("credit_amount", CREDIT_DIGITS), deleted);
    }

    /** The wire form of a plan. */
    record PlanView(String planId, String merchantId, String name, String periodAmount,
            String includedCredit, String billingInterval, String rolloverType,
            String bundleRolloverType, String defaultAutoTopUpBundleId,
            List<LinkedMeterView> linkedMeters, List<PlanBundleView> creditBundles,
            String createdAt) {
        static PlanView of(Plan plan) {
            return new PlanView(plan.id(), plan.merchantId(), plan.name(),
                    plan.periodAmount().toDisplay(), plan.includedCredit().toDisplay(),
                    plan.billingInterval().code(), plan.rollover().code(),
                    plan.bundleRollover().code(), plan.defaultAutoTopUpBundleId(),
                    plan.linkedMeters().stream()
                            .map(m -> new LinkedMeterView(m.meterId(), m.name()))
                            .toList(),
                    plan.creditBundles().stream().map(PlanBundleView::of).toList(),
                    Timestamps.format(plan.createdAt()));
        }
    }

    record LinkedMeterView(String meterId, String name) {
    }

    /** A bundle as listed inside its plan. */
    record PlanBundleView(String creditBundleId, String name, String cost, String creditAmount) {
        static PlanBundleView of(CreditBundle bundle) {
            return new PlanBundleView(bundle.id(), bundle.name(), bundle.cost().toDisplay(),
                    bundle.creditAmount().toDisplay());
        }
    }

    /** The wire form of a credit bundle on its own. */
    record BundleView(String creditBundleId, String planId, String name, String cost,
            String creditAmount, String createdAt) {
        static BundleView of(CreditBundle bundle) {
            return new BundleView(bundle.id(), bundle.planId(), bundle.name(),
                    bundle.cost().toDisplay(), bundle.creditAmount().toDisplay(),
                    Timestamps.format(bundle.createdAt()));
        }
    }
}
