-- Webhook endpoints, the event outbox, one delivery row per event and endpoint with its retry
-- state and lease, the log of delivery attempts, and the state behind coalesced balance events
-- and low-credit alerts.

CREATE TABLE webhooks (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    name ${text} NOT NULL,
    url ${text} NOT NULL,
    -- A JSON array of event names, or null for every event.
    events ${text},
    -- The signing secret. It is needed in clear to compute signatures, so it is never logged
    -- and never returned after creation.
    secret ${text} NOT NULL,
    created_at ${text} NOT NULL,
    deleted_at ${text}
);
CREATE INDEX webhooks_owner ON webhooks (merchant_id, environment, id);

-- Events, written in the same transaction as the change that caused them. `body` is the exact
-- JSON envelope sent, so every attempt sends and signs the same bytes.
CREATE TABLE webhook_events (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    event_type ${text} NOT NULL,
    body ${text} NOT NULL,
    created_at ${text} NOT NULL
);

CREATE TABLE webhook_deliveries (
    id ${text} PRIMARY KEY,
    event_id ${text} NOT NULL REFERENCES webhook_events (id),
    webhook_id ${text} NOT NULL REFERENCES webhooks (id),
    status ${text} NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_attempt_at ${text} NOT NULL,
    -- A node that claimed the delivery owns it until lease_until; lease_token names the claim.
    lease_until ${text},
    lease_token ${text},
    last_response_code INTEGER,
    last_error ${text},
    last_attempt_at ${text},
    created_at ${text} NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_attempts (
    delivery_id ${text} NOT NULL REFERENCES webhook_deliveries (id),
    attempt INTEGER NOT NULL,
    started_at ${text} NOT NULL,
    response_code INTEGER,
    error ${text},
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- At most one row per customer: a balance change inserts it when absent, and it becomes one
-- customer.wallet.balance.updated event at due_at, carrying the balance read then.
CREATE TABLE webhook_balance_pending (
    customer_id ${text} PRIMARY KEY REFERENCES customers (id),
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    due_at ${text} NOT NULL
);
CREATE INDEX webhook_balance_pending_due ON webhook_balance_pending (due_at);

-- Whether credits.low and credits.depleted were sent since the credit last rose above the
-- threshold, so each is sent once per fall.
CREATE TABLE webhook_credit_alerts (
    customer_id ${text} PRIMARY KEY REFERENCES customers (id),
    low_sent INTEGER NOT NULL DEFAULT 0,
    depleted_sent INTEGER NOT NULL DEFAULT 0
);
