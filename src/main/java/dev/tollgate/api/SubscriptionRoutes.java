package dev.tollgate.api;

import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.ActiveSubscription;
import dev.tollgate.subscriptions.Plan;
import dev.tollgate.subscriptions.Renewals;
import dev.tollgate.subscriptions.Subscriptions;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/subscriptions}, a customer's current subscription, and the sandbox test clock that
 * moves a customer's time forward to run its renewals.
 */
final class SubscriptionRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRoutes.class);

    /**
     * Maximum single move of a test clock, and how far past the server's time a renewal run may
     * go: ten years, well within the renewal limit.
     */
    static final java.time.Duration MAX_CLOCK_STEP = java.time.Duration.ofDays(3653);

    private final Jdbi jdbi;
    private final Subscriptions subscriptions;
    private final Renewals renewals;
    private final Endpoints endpoints;
    private final Clock clock;

    SubscriptionRoutes(Jdbi jdbi, Subscriptions subscriptions, Renewals renewals,
            Endpoints endpoints, Clock clock) {
        this.jdbi = jdbi;
        this.subscriptions = subscriptions;
        this.renewals = renewals;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/subscriptions", endpoints.authenticated(this::create))
                .get("/v1/subscriptions", endpoints.authenticated(this::list))
                .patch("/v1/subscriptions/{id}", endpoints.authenticated(this::update))
                .delete("/v1/subscriptions/{id}", endpoints.authenticated(call -> {
                    subscriptions.scheduleCancellation(call.caller(), call.pathParam("id"));
                    return Reply.ok(SuccessBody.TRUE);
                }))
                .get("/v1/customers/{id}/subscription", endpoints.authenticated(call ->
                        Reply.ok(Collections.singletonMap("subscription",
                                current(call.caller(), call.pathParam("id"))))))
                .post("/v1/test_helpers/customers/{id}/advance_clock",
                        endpoints.authenticated(this::advanceClock))
                .post("/v1/test_helpers/renewals/run", endpoints.authenticated(this::runRenewals));
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        String customerRef = body.requiredText("customer_id", 255);
        String planId = body.requiredText("plan_id", 100);
        Customer customer = jdbi.withHandle(handle -> Customers.resolve(handle, call.caller(), customerRef))
                .orElseThrow(() -> ApiError.unknownReference("customer_id", "No customer with id '"
                        + customerRef + "'."));
        subscriptions.subscribeToFreePlan(call.caller(), customer.id(), planId);
        return Reply.created(Map.of("subscription", current(call.caller(), customer.id())));
    }

    private Reply list(Call call) {
        String status = call.query("status").orElse("active");
        if (!status.equals("active") && !status.equals("cancelled") && !status.equals("all")) {
            throw ApiError.invalid("status", "Unknown status '" + status + "'. Use one of:"
                    + " active, cancelled, all.");
        }
        Optional<String> customerId = call.query("customer_id").map(ref -> jdbi.withHandle(handle ->
                        Customers.resolve(handle, call.caller(), ref))
                .map(Customer::id)
                .orElse(ref));
        var page = subscriptions.list(call.caller(), status, customerId, call.page());
        return Reply.ok(ListBody.of(page.map(s -> jdbi.withHandle(handle -> listed(handle, call.caller(), s)))));
    }

    private Reply update(Call call) {
        JsonBody body = call.body();
        if (!body.has("auto_top_up_bundle_id")) {
            throw ApiError.missing("auto_top_up_bundle_id");
        }
        subscriptions.setAutoTopUp(call.caller(), call.pathParam("id"),
                body.patchText("auto_top_up_bundle_id", 100).value());
        return Reply.ok(SuccessBody.TRUE);
    }

    private Reply advanceClock(Call call) {
        Caller caller = call.caller();
        requireSandbox(caller);
        Instant to = requiredTime(call.body(), "to");
        Customer customer = jdbi.withHandle(handle -> Customers.resolve(handle, caller,
                call.pathParam("id"))).orElseThrow(() -> ApiError.notFound("customer", call.pathParam("id")));
        Instant now = jdbi.withHandle(handle -> subscriptions.customerNow(handle, customer.id()));
        if (to.isAfter(now.plus(MAX_CLOCK_STEP))) {
            throw ApiError.invalid("to", "The test clock moves at most "
                    + MAX_CLOCK_STEP.toDays() + " days at a time; it is at "
                    + Timestamps.format(now) + ".");
        }
        if (!to.isAfter(now)) {
            throw ApiError.invalid("to", "The test clock can only move forward: it is at "
                    + Timestamps.format(now) + ".");
        }
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE customers SET test_clock_at = :to WHERE id = :id")
                .bind("to", Timestamps.format(to))
                .bind("id", customer.id())
                .execute());
        int renewed = renewals.renewCustomer(caller, customer.id(), to);
        LOG.info("Test clock advanced customerId={} to={} renewals={}", customer.id(),
                Timestamps.format(to), renewed);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customer_id", customer.id());
        body.put("test_clock", Timestamps.format(to));
        body.put("renewals", renewed);
        body.put("subscription", current(caller, customer.id()));
        return Reply.ok(body);
    }

    /**
     * Renews the caller's sandbox subscriptions due at {@code at}, moving their customers' test
     * clocks forward to it, so that tests can run the renewal scheduler at a chosen time.
     */
    private Reply runRenewals(Call call) {
        Caller caller = call.caller();
        requireSandbox(caller);
        Instant at = requiredTime(call.body(), "at");
        Instant now = clock.instant();
        if (at.isAfter(now.plus(MAX_CLOCK_STEP))) {
            throw ApiError.invalid("at", "Invalid time '" + Timestamps.format(at) + "': renewals"
                    + " run at most " + MAX_CLOCK_STEP.toDays() + " days after the server's"
                    + " time, " + Timestamps.format(now) + ". Use an earlier 'at'.");
        }
        int renewed = renewals.renewDueInSandbox(caller, at);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", Timestamps.format(at));
        body.put("renewals", renewed);
        return Reply.ok(body);
    }

    private static void requireSandbox(Caller caller) {
        if (caller.environment() != Environment.SANDBOX) {
            throw ApiError.forbidden("sandbox_only", "Test clocks work only with sandbox keys"
                    + " (aks_test_...).");
        }
    }

    private static Instant requiredTime(JsonBody body, String field) {
        String text = body.requiredText(field, 64);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.invalid(field, "Invalid time '" + text + "'. Use an ISO-8601 UTC time"
                    + " such as 2027-01-01T00:00:00Z.");
        }
    }

    private SubscriptionView current(Caller caller, String customerRef) {
        return jdbi.withHandle(handle -> {
            Customer customer = Customers.resolve(handle, caller, customerRef)
                    .orElseThrow(() -> ApiError.notFound("customer", customerRef));
            return Subscriptions.active(handle, caller, customer.id())
                    .map(s -> SubscriptionView.of(handle, caller, s))
                    .orElse(null);
        });
    }

    private static ListedSubscription listed(Handle handle, Caller caller, ActiveSubscription s) {
        Customer customer = Customers.byIdIncludingDeleted(handle, caller, s.customerId()).orElseThrow();
        return new ListedSubscription(SubscriptionView.of(handle, caller, s), s.customerId(),
                new ContactView(customer.phone(), customer.email(), customer.firstName(),
                        customer.lastName()));
    }

    /** The wire form of a subscription with its plan snapshot and remaining credit. */
    record SubscriptionView(String subscriptionId, String planId, String status,
            String autoTopUpBundleId, String startedAt, String cancelledAt, String cycleStartAt,
            String cycleEndAt, PlanSnapshot plan, Credits credits, PendingChange pendingChange) {
        static SubscriptionView of(Handle handle, Caller caller, ActiveSubscription s) {
            CreditBalance balance = s.status().equals("active")
                    ? Ledger.balance(handle, s.customerId()) : CreditBalance.EMPTY;
            return new SubscriptionView(s.id(), s.plan().id(), s.status(), s.autoTopUpBundleId(),
                    Timestamps.format(s.startedAt()), Timestamps.formatNullable(s.cancelledAt()),
                    Timestamps.format(s.cycleStart()), Timestamps.format(s.cycleEnd()),
                    PlanSnapshot.of(s.plan()),
                    new Credits(balance.total().toWire(), balance.cycle().toWire(),
                            balance.bundle().toWire()),
                    PendingChange.of(handle, caller, s));
        }
    }

    record PlanSnapshot(String name, String periodAmount, String includedCredit,
            String billingInterval, String rolloverType, String bundleRolloverType) {
        static PlanSnapshot of(Plan plan) {
            return new PlanSnapshot(plan.name(), plan.periodAmount().toDisplay(),
                    plan.includedCredit().toDisplay(), plan.billingInterval().code(),
                    plan.rollover().code(), plan.bundleRollover().code());
        }
    }

    record Credits(String totalRemaining, String cycleRemaining, String bundleRemaining) {
    }

    /** A cancellation or downgrade that takes effect when the current cycle ends. */
    record PendingChange(String type, String effectiveAt, String planId, String name,
            String periodAmount, String includedCredit) {
        static PendingChange of(Handle handle, Caller caller, ActiveSubscription s) {
            if (s.pendingChange() == null || !s.status().equals("active")) {
                return null;
            }
            String effective = Timestamps.format(s.cycleEnd());
            if (s.pendingChange().equals("cancellation")) {
                return new PendingChange("cancellation", effective, null, null, null, null);
            }
            Optional<Plan> plan = dev.tollgate.subscriptions.Plans.find(handle, caller, s.pendingPlanId());
            return new PendingChange("downgrade", effective, s.pendingPlanId(),
                    plan.map(Plan::name).orElse(null),
                    plan.map(p -> p.periodAmount().toDisplay()).orElse(null),
                    plan.map(p -> p.includedCredit().toDisplay()).orElse(null));
        }
    }

    record ContactView(String phone, String email, String firstName, String lastName) {
    }

    /** A subscription as listed across customers. */
    record ListedSubscription(@com.fasterxml.jackson.annotation.JsonUnwrapped SubscriptionView view,
            String customerId, ContactView customer) {
    }
}
