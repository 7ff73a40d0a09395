-- Credit balances, the append-only ledger, open holds, usage totals per billing cycle, request
-- records, checkout sessions and payments. Money columns are BIGINT in 1e-10 dollar units.

-- Cached balances of one customer, always equal to the sums of that customer's ledger entries
-- per bucket; `held` is credit reserved by requests still in flight.
CREATE TABLE credit_balances (
    customer_id ${text} PRIMARY KEY REFERENCES customers (id),
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    cycle_balance BIGINT NOT NULL DEFAULT 0,
    bundle_balance BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    updated_at ${text} NOT NULL
);

CREATE TABLE ledger_entries (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    customer_id ${text} NOT NULL REFERENCES customers (id),
    subscription_id ${text},
    bucket ${text} NOT NULL CHECK (bucket IN ('cycle', 'bundle', 'hold')),
    kind ${text} NOT NULL CHECK (kind IN ('grant', 'usage', 'hold', 'release', 'bundle_purchase',
        'rollover', 'expiry', 'refund', 'correction')),
    amount BIGINT NOT NULL,
    request_id ${text},
    created_at ${text} NOT NULL
);
CREATE INDEX ledger_entries_customer ON ledger_entries (customer_id, id);
CREATE INDEX ledger_entries_request ON ledger_entries (request_id);

CREATE TABLE credit_holds (
    request_id ${text} PRIMARY KEY,
    customer_id ${text} NOT NULL REFERENCES customers (id),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    created_at ${text} NOT NULL,
    expires_at ${text} NOT NULL
);
CREATE INDEX credit_holds_expiry ON credit_holds (expires_at);

-- Units used per customer and meter in one billing cycle: the running total that graduated
-- tiers are applied to.
CREATE TABLE meter_totals (
    customer_id ${text} NOT NULL REFERENCES customers (id),
    meter_id ${text} NOT NULL REFERENCES meters (id),
    cycle_start ${text} NOT NULL,
    units BIGINT NOT NULL,
    PRIMARY KEY (customer_id, meter_id, cycle_start)
);

CREATE TABLE requests (
    id ${text} PRIMARY KEY,
    request_id ${text} NOT NULL,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    status ${text} NOT NULL CHECK (status IN ('pending', 'completed', 'error')),
    customer_id ${text},
    meter_id ${text},
    provider ${text} NOT NULL,
    provider_key_type ${text} NOT NULL,
    model ${text},
    endpoint ${text} NOT NULL,
    response_id ${text},
    upstream_status INTEGER,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cache_read_tokens BIGINT NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    input_characters BIGINT NOT NULL DEFAULT 0,
    output_characters BIGINT NOT NULL DEFAULT 0,
    input_seconds BIGINT NOT NULL DEFAULT 0,
    output_seconds BIGINT NOT NULL DEFAULT 0,
    input_cost BIGINT NOT NULL DEFAULT 0,
    output_cost BIGINT NOT NULL DEFAULT 0,
    cost BIGINT NOT NULL DEFAULT 0,
    charge BIGINT NOT NULL DEFAULT 0,
    rate_type ${text},
    breakdown ${text},
    metadata ${text},
    metadata_hash ${text},
    estimated INTEGER NOT NULL DEFAULT 0,
    simulated INTEGER NOT NULL DEFAULT 0,
    body_hash ${text},
    created_at ${text} NOT NULL,
    completed_at ${text}
);
CREATE UNIQUE INDEX requests_request_id ON requests (merchant_id, environment, request_id);
CREATE INDEX requests_owner ON requests (merchant_id, environment, id);
CREATE INDEX requests_customer ON requests (merchant_id, environment, customer_id, id);
CREATE INDEX requests_meter ON requests (merchant_id, environment, meter_id, id);
CREATE INDEX requests_created ON requests (merchant_id, environment, created_at);

CREATE TABLE checkout_sessions (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    secret_hash ${text} NOT NULL UNIQUE,
    checkout_mode ${text} NOT NULL CHECK (checkout_mode IN ('subscription', 'credit_bundle')),
    origin_url ${text} NOT NULL,
    plan_id ${text},
    customer_id ${text},
    credit_bundle_id ${text},
    created_at ${text} NOT NULL,
    expires_at ${text} NOT NULL,
    completed_at ${text}
);
CREATE INDEX checkout_sessions_owner ON checkout_sessions (merchant_id, environment, id);

CREATE TABLE payments (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    customer_id ${text} REFERENCES customers (id),
    purpose ${text} NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    status ${text} NOT NULL CHECK (status IN ('succeeded', 'failed')),
    failure_code ${text},
    card_last4 ${text},
    idempotency_key ${text} NOT NULL UNIQUE,
    created_at ${text} NOT NULL
);

-- Metadata pairs of a request, one row each, so that filters on several pairs are exact
-- lookups on both databases.
CREATE TABLE request_metadata (
    request_pk ${text} NOT NULL REFERENCES requests (id),
    meta_key ${text} NOT NULL,
    meta_value ${text} NOT NULL,
    PRIMARY KEY (request_pk, meta_key)
);
CREATE INDEX request_metadata_pair ON request_metadata (meta_key, meta_value);
