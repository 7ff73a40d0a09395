package dev.tollgate.subscriptions;

/** The short form of a customer's current subscription shown on the customer object. */
public record SubscriptionSummary(String subscriptionId, String planId, String planName,
        String status) {
}
