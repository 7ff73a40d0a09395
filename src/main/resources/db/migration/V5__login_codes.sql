-- One-time codes of the browser login flow. A merchant approves an agent or command line with
-- a secret key; the code is exchanged once, within a minute, for a new secret key of the same
-- environment. Only the SHA-256 of a code is stored.
CREATE TABLE login_codes (
    id ${text} PRIMARY KEY,
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    approved_by_key_id ${text} NOT NULL REFERENCES secret_keys (id),
    code_hash ${text} NOT NULL UNIQUE,
    created_at ${text} NOT NULL,
    expires_at ${text} NOT NULL,
    used_at ${text}
);
