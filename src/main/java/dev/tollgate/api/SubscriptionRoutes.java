package dev.tollgate.api;

import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.ActiveSubscription;
import dev.tollgate.subscriptions.Plan;
import dev.tollgate.subscriptions.Subscriptions;
import io.helidon.webserver.http.HttpRouting;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@code POST /v1/subscriptions} (free plans) and a customer's current subscription. */
final class SubscriptionRoutes {
    private final Jdbi jdbi;
    private final Subscriptions subscriptions;
    private final Endpoints endpoints;

    SubscriptionRoutes(Jdbi jdbi, Subscriptions subscriptions, Endpoints endpoints) {
        this.jdbi = jdbi;
        this.subscriptions = subscriptions;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/subscriptions", endpoints.authenticated(this::create))
                .get("/v1/customers/{id}/subscription", endpoints.authenticated(call ->
                        Reply.ok(Collections.singletonMap("subscription",
                                current(call, call.pathParam("id"))))));
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        String customerRef = body.requiredText("customer_id", 255);
        String planId = body.requiredText("plan_id", 100);
        Customer customer = jdbi.withHandle(handle -> Customers.resolve(handle, call.caller(), customerRef))
                .orElseThrow(() -> ApiError.unknownReference("customer_id", "No customer with id '"
                        + customerRef + "'."));
        subscriptions.subscribeToFreePlan(call.caller(), customer.id(), planId);
        return Reply.created(Map.of("subscription", current(call, customer.id())));
    }

    private SubscriptionView current(Call call, String customerRef) {
        return jdbi.withHandle(handle -> {
            Customer customer = Customers.resolve(handle, call.caller(), customerRef)
                    .orElseThrow(() -> ApiError.notFound("customer", customerRef));
            Optional<ActiveSubscription> active = Subscriptions.active(handle, call.caller(),
                    customer.id());
            return active.map(s -> SubscriptionView.of(s, Ledger.balance(handle, customer.id())))
                    .orElse(null);
        });
    }

    /** The wire form of a subscription with its plan snapshot and remaining credit. */
    record SubscriptionView(String subscriptionId, String planId, String status,
            String autoTopUpBundleId, String startedAt, String cancelledAt, String cycleStartAt,
            String cycleEndAt, PlanSnapshot plan, Credits credits, Object pendingChange) {
        static SubscriptionView of(ActiveSubscription s, CreditBalance balance) {
            Plan plan = s.plan();
            return new SubscriptionView(s.id(), plan.id(), "active", s.autoTopUpBundleId(),
                    Timestamps.format(s.startedAt()), null, Timestamps.format(s.cycleStart()),
                    Timestamps.format(s.cycleEnd()),
                    new PlanSnapshot(plan.name(), plan.periodAmount().toDisplay(),
                            plan.includedCredit().toDisplay(), plan.billingInterval().code(),
                            plan.rollover().code(), plan.bundleRollover().code()),
                    new Credits(balance.total().toWire(), balance.cycle().toWire(),
                            balance.bundle().toWire()),
                    null);
        }
    }

    record PlanSnapshot(String name, String periodAmount, String includedCredit,
            String billingInterval, String rolloverType, String bundleRolloverType) {
    }

    record Credits(String totalRemaining, String cycleRemaining, String bundleRemaining) {
    }
}
