package dev.tollgate.api;

/** The reply to deleting a meter, plan, webhook or secret key. */
record DeletedBody(String id, boolean deleted) {
}
