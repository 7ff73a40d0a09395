-- The merchant's low-credit threshold per environment, as a percentage of the cycle grant.
CREATE TABLE credit_alert_settings (
    merchant_id ${text} NOT NULL REFERENCES merchants (id),
    environment ${text} NOT NULL CHECK (environment IN ('sandbox', 'live')),
    credits_low_percent INTEGER NOT NULL CHECK (credits_low_percent BETWEEN 1 AND 100),
    PRIMARY KEY (merchant_id, environment)
);
