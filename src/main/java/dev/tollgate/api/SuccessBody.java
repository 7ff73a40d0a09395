package dev.tollgate.api;

/** The reply to deleting a customer or cancelling a subscription. */
record SuccessBody(boolean success) {
    static final SuccessBody TRUE = new SuccessBody(true);
}
