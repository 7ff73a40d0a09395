-- Spend keys: scoped API keys of a merchant for the chat endpoints, with limits on models,
-- providers, spend, request count and rate. Only the SHA-256 of a key is stored. Money columns
-- are BIGINT in 1e-10 dollar units. The cycle columns hold the start of the UTC cycle that the
-- cycle_* counters belong to; a counter whose start is older than the current cycle counts as 0.
CREATE TABLE spend_keys (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    name ${text} NOT NULL,
    status ${text} NOT NULL CHECK (status IN ('active', 'paused')),
    request_shape ${text} NOT NULL CHECK (request_shape IN ('openai', 'anthropic')),
    allowed_models ${text},
    allowed_providers ${text},
    spend_limit_amount BIGINT CHECK (spend_limit_amount > 0),
    spend_limit_cycle ${text} CHECK (spend_limit_cycle IN ('daily', 'weekly', 'monthly', 'total')),
    request_limit_count BIGINT CHECK (request_limit_count > 0),
    request_limit_cycle ${text}
        CHECK (request_limit_cycle IN ('daily', 'weekly', 'monthly', 'total')),
    rate_limit_rpm INTEGER CHECK (rate_limit_rpm > 0),
    rate_limit_burst INTEGER CHECK (rate_limit_burst > 0),
    expires_at ${text},
    lookup_prefix ${text} NOT NULL,
    key_hash ${text} NOT NULL UNIQUE,
    key_preview ${text} NOT NULL,
    spend_cycle_start ${text},
    cycle_spend BIGINT NOT NULL DEFAULT 0,
    total_spend BIGINT NOT NULL DEFAULT 0,
    request_cycle_start ${text},
    cycle_requests BIGINT NOT NULL DEFAULT 0,
    total_requests BIGINT NOT NULL DEFAULT 0,
    -- Incremented by every admission, so that concurrent admissions on several nodes retry
    -- instead of both passing a limit.
    usage_version BIGINT NOT NULL DEFAULT 0,
    last_used_at ${text},
    created_at ${text} NOT NULL,
    revoked_at ${text}
);
CREATE INDEX spend_keys_lookup ON spend_keys (lookup_prefix);
CREATE INDEX spend_keys_owner ON spend_keys (merchant_id, environment, id);

-- The largest cost of each spend key request in flight, reserved against the spend limit until
-- the request settles. A hold left by a node that stopped counts until it expires.
CREATE TABLE spend_key_holds (
    request_id ${text} PRIMARY KEY,
    spend_key_id ${text} NOT NULL REFERENCES spend_keys (id),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    created_at ${text} NOT NULL,
    expires_at ${text} NOT NULL
);
CREATE INDEX spend_key_holds_key ON spend_key_holds (spend_key_id, expires_at);
