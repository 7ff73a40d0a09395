-- The payment attempt in flight for a checkout session, at most one per session. An attempt
-- inserts its row before any request to the card processor, so that a concurrent attempt on
-- any node finds the row and charges nothing. A declined or failed charge deletes the row, and
-- a successful one keeps it. A row whose expires_at has passed was left by a node that stopped
-- mid-charge, and another attempt may take it over.
CREATE TABLE checkout_payment_claims (
    session_id ${text} PRIMARY KEY REFERENCES checkout_sessions (id),
    -- Random id of the attempt that holds the claim; release and takeover match on it.
    claim_id ${text} NOT NULL,
    -- SHA-256 of the card or payment method being charged, to log whether a takeover uses
    -- the same card.
    payment_hash ${text} NOT NULL,
    claimed_at ${text} NOT NULL,
    expires_at ${text} NOT NULL
);
