-- One-time codes that prove a checkout customer controls a phone number. One row per checkout
-- session: sending a new code replaces the previous one. Codes are stored as SHA-256 hashes.
CREATE TABLE phone_verifications (
    session_id ${text} PRIMARY KEY REFERENCES checkout_sessions (id),
    phone ${text} NOT NULL,
    code_hash ${text} NOT NULL,
    sent_at ${text} NOT NULL,
    expires_at ${text} NOT NULL,
    send_count INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL,
    verified_at ${text}
);
