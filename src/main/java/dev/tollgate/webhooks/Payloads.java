package dev.tollgate.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.checkout.CheckoutSession;
import dev.tollgate.customers.Customer;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.ActiveSubscription;

/**
 * The {@code data} objects of events. A customer is written exactly as
 * {@code GET /v1/customers/{id}} returns it, so receivers can share one parser.
 */
final class Payloads {
    static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    static ObjectNode customer(Customer customer) {
        ObjectNode node = JSON.createObjectNode();
        node.put("customer_id", customer.id());
        node.put("reference_id", customer.referenceId());
        ObjectNode contact = node.putObject("contact");
        contact.put("phone", customer.phone());
        contact.put("email", customer.email());
        contact.put("first_name", customer.firstName());
        contact.put("last_name", customer.lastName());
        if (customer.subscription().isPresent()) {
            var summary = customer.subscription().get();
            ObjectNode subscription = node.putObject("subscription");
            subscription.put("subscription_id", summary.subscriptionId());
            subscription.put("plan_id", summary.planId());
            subscription.put("name", summary.planName());
            subscription.put("status", summary.status());
        } else {
            node.putNull("subscription");
        }
        node.set("metadata", customer.metadataJson() == null ? JSON.nullNode()
                : parse(customer.metadataJson()));
        node.put("created_at", Timestamps.format(customer.createdAt()));
        return node;
    }

    /** A customer with its credit, as {@code credits} in the subscription view shows it. */
    static ObjectNode customerWithCredits(Customer customer, CreditBalance balance) {
        ObjectNode node = customer(customer);
        ObjectNode credits = node.putObject("credits");
        credits.put("cycle_remaining", balance.cycle().toWire());
        credits.put("bundle_remaining", balance.bundle().toWire());
        credits.put("total_remaining", balance.total().toWire());
        return node;
    }

    /** A subscription in the fields of {@code GET /v1/subscriptions/{id}}, with its customer. */
    static ObjectNode subscription(ActiveSubscription s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("subscription_id", s.id());
        node.put("customer_id", s.customerId());
        node.put("plan_id", s.plan().id());
        node.put("status", s.status());
        node.put("auto_top_up_bundle_id", s.autoTopUpBundleId());
        node.put("started_at", Timestamps.format(s.startedAt()));
        node.put("cancelled_at", Timestamps.formatNullable(s.cancelledAt()));
        node.put("cycle_start_at", Timestamps.format(s.cycleStart()));
        node.put("cycle_end_at", Timestamps.format(s.cycleEnd()));
        ObjectNode plan = node.putObject("plan");
        plan.put("name", s.plan().name());
        plan.put("period_amount", s.plan().periodAmount().toDisplay());
        plan.put("included_credit", s.plan().includedCredit().toDisplay());
        plan.put("billing_interval", s.plan().billingInterval().code());
        if (s.pendingChange() == null || !s.status().equals("active")) {
            node.putNull("pending_change");
        } else {
            ObjectNode pending = node.putObject("pending_change");
            pending.put("type", s.pendingChange());
            pending.put("effective_at", Timestamps.format(s.cycleEnd()));
            pending.put("plan_id", s.pendingPlanId());
        }
        return node;
    }

    static ObjectNode checkoutSession(CheckoutSession s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("checkout_session_id", s.id());
        node.put("checkout_mode", s.mode());
        node.put("origin_url", s.originUrl());
        node.put("customer_id", s.customerId());
        node.put("plan_id", s.planId());
        node.put("credit_bundle_id", s.creditBundleId());
        node.put("created_at", Timestamps.format(s.createdAt()));
        node.put("completed_at", Timestamps.formatNullable(s.completedAt()));
        return node;
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored customer metadata is not valid JSON", e);
        }
    }
}
