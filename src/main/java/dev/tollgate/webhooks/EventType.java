package dev.tollgate.webhooks;

import java.util.Optional;

/** The events a webhook endpoint can receive, by their wire names. */
public enum EventType {
    CUSTOMER_CREATED("customer.created"),
    CUSTOMER_WALLET_BALANCE_UPDATED("customer.wallet.balance.updated"),
    CUSTOMER_DELETED("customer.deleted"),
    CHECKOUT_COMPLETED("checkout.completed"),
    SUBSCRIPTION_CREATED("subscription.created"),
    SUBSCRIPTION_RENEWED("subscription.renewed"),
    SUBSCRIPTION_UPDATED("subscription.updated"),
    SUBSCRIPTION_CANCELLED("subscription.cancelled"),
    SUBSCRIPTION_PAYMENT_FAILED("subscription.payment_failed"),
    CREDITS_LOW("credits.low"),
    CREDITS_DEPLETED("credits.depleted"),
    /** Sent only by {@code POST /v1/webhooks/{id}/test}, whatever the endpoint's filter. */
    WEBHOOK_TEST("webhook.test");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name used in the envelope's {@code event} field and in filters. */
    public String wireName() {
        return wireName;
    }

    /** Returns the event with this wire name, if there is one. */
    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
