-- Merchants, secret keys, meters, plans, credit bundles, customers and subscriptions.
-- The same SQL runs on SQLite and PostgreSQL. The text placeholder is TEXT that compares
-- byte by byte (COLLATE "C" on PostgreSQL), so ids and instants sort alike on both.
-- Money is BIGINT in 1e-10 dollar units; instants are fixed-width ISO-8601 UTC text;
-- every merchant-owned row carries its environment.

CREATE TABLE merchants (
    id ${text} PRIMARY KEY,
    name ${text} NOT NULL,
    created_at ${text} NOT NULL
);

-- One row that makes first-start bootstrap happen once, even with several nodes starting.
CREATE TABLE bootstrap (
    name ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    created_at ${text} NOT NULL
);

CREATE TABLE secret_keys (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    name ${text} NOT NULL,
    lookup_prefix ${text} NOT NULL,
    key_hash ${text} NOT NULL UNIQUE,
    hint ${text} NOT NULL,
    created_at ${text} NOT NULL,
    deleted_at ${text}
);
CREATE INDEX secret_keys_lookup ON secret_keys (lookup_prefix);
CREATE INDEX secret_keys_owner ON secret_keys (merchant_id, environment, id);

CREATE TABLE meters (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    slug ${text} NOT NULL,
    name ${text} NOT NULL,
    rate_type ${text} NOT NULL CHECK (rate_type IN ('fixed', 'percentage')),
    tier_type ${text} NOT NULL
        CHECK (tier_type IN ('tokens_1m', 'characters_1m', 'minutes', 'requests')),
    tiers ${text} NOT NULL,
    created_at ${text} NOT NULL,
    deleted_at ${text}
);
CREATE UNIQUE INDEX meters_slug ON meters (merchant_id, environment, slug)
    WHERE deleted_at IS NULL;
CREATE INDEX meters_owner ON meters (merchant_id, environment, id);

CREATE TABLE plans (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    name ${text} NOT NULL,
    is_free_default INTEGER NOT NULL DEFAULT 0,
    period_amount BIGINT NOT NULL CHECK (period_amount >= 0),
    included_credit BIGINT NOT NULL CHECK (included_credit >= 0),
    billing_interval ${text} NOT NULL CHECK (billing_interval IN ('day', 'week', 'month', 'year')),
    rollover_type ${text} NOT NULL CHECK (rollover_type IN ('full', 'none')),
    bundle_rollover_type ${text} NOT NULL CHECK (bundle_rollover_type IN ('full', 'none')),
    default_auto_top_up_bundle_id ${text},
    created_at ${text} NOT NULL,
    deleted_at ${text}
);
CREATE INDEX plans_owner ON plans (merchant_id, environment, id);
CREATE UNIQUE INDEX plans_one_free_default ON plans (merchant_id, environment)
    WHERE is_free_default = 1;

CREATE TABLE plan_meters (
    plan_id ${text} NOT NULL REFERENCES plans (id),
    meter_id ${text} NOT NULL REFERENCES meters (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (plan_id, meter_id)
);
CREATE INDEX plan_meters_meter ON plan_meters (meter_id);

CREATE TABLE credit_bundles (
    id ${text} PRIMARY KEY,
    plan_id ${text} NOT NULL REFERENCES plans (id),
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    name ${text} NOT NULL,
    cost BIGINT NOT NULL CHECK (cost >= 0),
    credit_amount BIGINT NOT NULL CHECK (credit_amount >= 0),
    created_at ${text} NOT NULL,
    deleted_at ${text}
);
CREATE INDEX credit_bundles_owner ON credit_bundles (merchant_id, environment, id);
CREATE INDEX credit_bundles_plan ON credit_bundles (plan_id);

CREATE TABLE customers (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    reference_id ${text},
    phone ${text},
    email ${text},
    first_name ${text},
    last_name ${text},
    metadata ${text},
    created_at ${text} NOT NULL,
    deleted_at ${text},
    deleted_reference_id ${text}
);
CREATE UNIQUE INDEX customers_reference ON customers (merchant_id, environment, reference_id)
    WHERE deleted_at IS NULL AND reference_id IS NOT NULL;
CREATE INDEX customers_owner ON customers (merchant_id, environment, id);

CREATE TABLE subscriptions (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    customer_id ${text} NOT NULL REFERENCES customers (id),
    plan_id ${text} NOT NULL REFERENCES plans (id),
    status ${text} NOT NULL CHECK (status IN ('active', 'cancelled')),
    auto_top_up_bundle_id ${text},
    started_at ${text} NOT NULL,
    cancelled_at ${text},
    cycle_start_at ${text},
    cycle_end_at ${text},
    created_at ${text} NOT NULL
);
CREATE UNIQUE INDEX subscriptions_one_active ON subscriptions (customer_id)
    WHERE status = 'active';
CREATE INDEX subscriptions_owner ON subscriptions (merchant_id, environment, id);
CREATE INDEX subscriptions_plan ON subscriptions (plan_id, status);
