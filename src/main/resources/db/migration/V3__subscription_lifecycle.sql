-- Subscription lifecycle: cycles anchored at the purchase time, pending cancellations and
-- downgrades, renewal retries, auto top-up failures, saved payment methods and test clocks.

ALTER TABLE subscriptions ADD COLUMN cycle_anchor ${text};
ALTER TABLE subscriptions ADD COLUMN cycle_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN pending_change_type ${text};
ALTER TABLE subscriptions ADD COLUMN pending_plan_id ${text};
ALTER TABLE subscriptions ADD COLUMN renewal_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_attempt_at ${text};
ALTER TABLE subscriptions ADD COLUMN top_up_failed_at ${text};
UPDATE subscriptions SET cycle_anchor = cycle_start_at WHERE cycle_anchor IS NULL;
CREATE INDEX subscriptions_due ON subscriptions (status, cycle_end_at);

-- The payment method renewals and top-ups charge: a processor's saved method id in live mode,
-- a sandbox test card number in sandbox (the sandbox accepts no real card numbers).
ALTER TABLE customers ADD COLUMN payment_method ${text};

-- A sandbox customer's test clock: the time its renewals and cycles run at, once moved forward.
ALTER TABLE customers ADD COLUMN test_clock_at ${text};
