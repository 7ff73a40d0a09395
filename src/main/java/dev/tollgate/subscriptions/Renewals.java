package dev.tollgate.subscriptions;

import dev.tollgate.billing.ledger.Bucket;
import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.billing.ledger.EntryKind;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.payments.PaymentProcessor;
import dev.tollgate.payments.PaymentProcessors;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.webhooks.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews subscriptions whose cycle ended: applies a pending cancellation or downgrade, charges
 * the fee, expires or rolls over credit, and grants the next cycle's credit. Each cycle is
 * renewed once, even with several nodes on one database: the renewal commits only if the
 * subscription's cycle end is still the one it started from, and the charge uses an idempotency
 * key per cycle. A node that was down catches up cycle by cycle. A failed charge is retried
 * after {@link #RETRY_DELAYS}; after the last retry fails the subscription is cancelled and the
 * customer returns to the Free plan. Thread-safe.
 */
public final class Renewals {
    private static final Logger LOG = LoggerFactory.getLogger(Renewals.class);
    /** Waits before each retry of a failed renewal charge: 1, 3 and 5 days. */
    public static final List<Duration> RETRY_DELAYS =
            List.of(Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(5));
    private static final int MAX_DUE_PER_RUN = 500;
    private static final int MAX_CYCLES_PER_SUBSCRIPTION = 1000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Ledger ledger;
    private final Subscriptions subscriptions;
    private final Payments payments;

    public Renewals(Jdbi jdbi, Ids ids, Clock clock, Ledger ledger, Subscriptions subscriptions,
            PaymentProcessors processors) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ledger = ledger;
        this.subscriptions = subscriptions;
        this.payments = new Payments(jdbi, ids, processors);
    }

    /** Renews every subscription due at the server's time; returns how many cycles renewed. */
    public int renewDue() {
        Instant now = clock.instant();
        int renewed = 0;
        for (Due due : findDue(now, "", null)) {
            Caller caller = new Caller(due.merchantId(), due.environment(), null);
            try {
                renewed += renewCustomer(caller, due.customerId(), now);
            } catch (RuntimeException e) {
                // One subscription that cannot renew must not hold up the others; the next run
                // tries it again.
                LOG.error("Renewal failed customerId={} merchantId={}", due.customerId(),
                        due.merchantId(), e);
            }
        }
        if (renewed > 0) {
            LOG.info("Scheduled renewal run renewals={}", renewed);
        }
        return renewed;
    }

    /**
     * Renews the caller's sandbox subscriptions that are due at {@code at}, as the scheduler
     * would at that time, after moving each due customer's test clock forward to {@code at}.
     * Live subscriptions and other merchants' subscriptions are never selected, so this cannot
     * renew or move the clock of a real customer.
     *
     * @return how many cycles renewed
     */
    public int renewDueInSandbox(Caller caller, Instant at) {
        int renewed = 0;
        List<Due> due = findDue(at, " AND merchant_id = :merchant AND environment = 'sandbox'",
                caller.merchantId());
        for (Due subscription : due) {
            moveTestClockForward(subscription.customerId(), at);
            renewed += renewCustomer(new Caller(subscription.merchantId(), Environment.SANDBOX,
                    null), subscription.customerId(), at);
        }
        LOG.info("Sandbox renewal run merchantId={} at={} subscriptions={} renewals={}",
                caller.merchantId(), Timestamps.format(at), due.size(), renewed);
        return renewed;
    }

    private record Due(String customerId, String merchantId, Environment environment) {
    }

    private List<Due> findDue(Instant now, String ownerCondition, String merchantId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT customer_id, merchant_id,"
                        + " environment FROM subscriptions WHERE status = 'active'"
                        + " AND cycle_end_at <= :now"
                        + " AND (next_attempt_at IS NULL OR next_attempt_at <= :now)"
                        + ownerCondition + " ORDER BY cycle_end_at LIMIT :max")
                .bind("now", Timestamps.format(now))
                .bind("merchant", merchantId)
                .bind("max", MAX_DUE_PER_RUN)
                .map((rs, ctx) -> new Due(rs.getString("customer_id"), rs.getString("merchant_id"),
                        Environment.fromCode(rs.getString("environment"))))
                .list());
    }

    private void moveTestClockForward(String customerId, Instant to) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE customers SET test_clock_at = :to"
                        + " WHERE id = :id AND (test_clock_at IS NULL OR test_clock_at < :to)")
                .bind("to", Timestamps.format(to))
                .bind("id", customerId)
                .execute());
    }

    /** Renews the customer's subscription up to {@code now}, as a test clock move does. */
    public int renewCustomer(Caller caller, String customerId, Instant now) {
        int renewed = 0;
        for (int i = 0; i < MAX_CYCLES_PER_SUBSCRIPTION; i++) {
            var active = jdbi.withHandle(h -> Subscriptions.active(h, caller, customerId));
            if (active.isEmpty() || active.get().cycleEnd().isAfter(now) || isWaiting(active.get(), now)) {
                return renewed;
            }
            if (!renewOnce(caller, active.get(), now)) {
                return renewed;
            }
            renewed++;
        }
        return renewed;
    }

    private static boolean isWaiting(ActiveSubscription subscription, Instant now) {
        return subscription.nextAttemptAt() != null && subscription.nextAttemptAt().isAfter(now);
    }

    /** Renews one cycle; returns false when nothing changed (failed charge, or another node). */
    private boolean renewOnce(Caller caller, ActiveSubscription subscription, Instant now) {
        if ("cancellation".equals(subscription.pendingChange())) {
            return jdbi.inTransaction(h -> cancelAtCycleEnd(h, caller, subscription));
        }
        Plan next = "downgrade".equals(subscription.pendingChange())
                ? jdbi.withHandle(h -> PlanRows.findIncludingDeleted(h, caller,
                        subscription.pendingPlanId())).orElse(subscription.plan())
                : subscription.plan();
        long cycle = subscription.cycleNumber() + 1;
        // One key per cycle and attempt: a retry after a failure is a new charge, while two
        // nodes renewing the same attempt share one.
        String key = "renewal:" + subscription.id() + ":" + cycle + ":" + subscription.renewalFailures();
        PaymentProcessor.ChargeResult result = next.periodAmount().isZero()
                ? PaymentProcessor.ChargeResult.success(null)
                : payments.charge(subscription.customerId(), next.periodAmount(), key,
                        "Renewal of " + next.name());
        if (!result.succeeded()) {
            jdbi.useTransaction(h -> recordFailure(h, caller, subscription, next, result, now));
            return false;
        }
        return jdbi.inTransaction(h -> next.id().equals(subscription.plan().id())
                ? renew(h, caller, subscription, next, result, key)
                : switchPlan(h, caller, subscription, next, result, key));
    }

    private boolean renew(Handle handle, Caller caller, ActiveSubscription subscription, Plan plan,
            PaymentProcessor.ChargeResult result, String key) {
        long cycle = subscription.cycleNumber() + 1;
        Instant start = subscription.cycleEnd();
        Instant end = Cycles.boundary(subscription.cycleAnchor(), plan.billingInterval(), cycle + 1);
        int claimed = handle.createUpdate("""
                        UPDATE subscriptions SET cycle_number = :cycle, cycle_start_at = :start,
                            cycle_end_at = :end, renewal_failures = 0, next_attempt_at = NULL,
                            top_up_failed_at = NULL
                        WHERE id = :id AND status = 'active' AND cycle_end_at = :expected""")
                .bind("cycle", cycle)
                .bind("start", Timestamps.format(start))
                .bind("end", Timestamps.format(end))
                .bind("id", subscription.id())
                .bind("expected", Timestamps.format(subscription.cycleEnd()))
                .execute();
        if (claimed == 0) {
            return false;
        }
        recordCharge(handle, caller, subscription, plan, result, key, start);
        Events.in(handle).subscriptionRenewed(caller, subscription.id());
        Ledger.Account account = Subscriptions.account(caller, subscription.customerId(),
                subscription.id());
        rollOver(handle, account, plan);
        if (!plan.includedCredit().isZero()) {
            ledger.append(handle, account, Bucket.CYCLE, EntryKind.GRANT, plan.includedCredit(), null);
        }
        if (caller.environment() == Environment.SANDBOX) {
            // A test clock can renew thousands of sandbox cycles in one call, so every caller of
            // renewCustomer logs one summary line instead.
            LOG.debug("Subscription renewed subscriptionId={} cycle={}", subscription.id(), cycle);
        } else {
            LOG.info("Subscription renewed subscriptionId={} cycle={}", subscription.id(), cycle);
        }
        return true;
    }

    /** Expires the credit that does not roll over: cycle credit unless full, bundle likewise. */
    private void rollOver(Handle handle, Ledger.Account account, Plan plan) {
        CreditBalance balance = Ledger.lockedBalance(handle, account.customerId());
        if (plan.rollover() == Rollover.NONE && balance.cycle().compareTo(Money.ZERO) > 0) {
            ledger.append(handle, account, Bucket.CYCLE, EntryKind.EXPIRY,
                    Money.ZERO.minus(balance.cycle()), null);
        }
        if (plan.bundleRollover() == Rollover.NONE && balance.bundle().compareTo(Money.ZERO) > 0) {
            ledger.append(handle, account, Bucket.BUNDLE, EntryKind.EXPIRY,
                    Money.ZERO.minus(balance.bundle()), null);
        }
    }

    private boolean switchPlan(Handle handle, Caller caller, ActiveSubscription subscription,
            Plan next, PaymentProcessor.ChargeResult result, String key) {
        if (!claimEnd(handle, subscription)) {
            return false;
        }
        subscriptions.end(handle, caller, subscription, subscription.cycleEnd());
        recordCharge(handle, caller, subscription, next, result, key, subscription.cycleEnd());
        subscriptions.insert(handle, caller, subscription.customerId(), next, subscription.cycleEnd());
        LOG.info("Subscription downgraded subscriptionId={} planId={}", subscription.id(), next.id());
        return true;
    }

    private boolean cancelAtCycleEnd(Handle handle, Caller caller, ActiveSubscription subscription) {
        if (!claimEnd(handle, subscription)) {
            return false;
        }
        subscriptions.end(handle, caller, subscription, subscription.cycleEnd());
        subscriptions.insert(handle, caller, subscription.customerId(),
                Subscriptions.freePlan(handle, caller), subscription.cycleEnd());
        LOG.info("Subscription cancelled at cycle end subscriptionId={}", subscription.id());
        return true;
    }

    /** Takes the right to end this cycle; false when another node already did. */
    private static boolean claimEnd(Handle handle, ActiveSubscription subscription) {
        return handle.createUpdate("UPDATE subscriptions SET next_attempt_at = NULL WHERE id = :id"
                        + " AND status = 'active' AND cycle_end_at = :expected")
                .bind("id", subscription.id())
                .bind("expected", Timestamps.format(subscription.cycleEnd()))
                .execute() == 1;
    }

    private void recordCharge(Handle handle, Caller caller, ActiveSubscription subscription,
            Plan plan, PaymentProcessor.ChargeResult result, String key, Instant at) {
        if (!plan.periodAmount().isZero()) {
            payments.record(handle, caller, subscription.customerId(), "renewal",
                    plan.periodAmount(), result, key, at);
        }
    }

    private void recordFailure(Handle handle, Caller caller, ActiveSubscription subscription,
            Plan plan, PaymentProcessor.ChargeResult result, Instant now) {
        int failures = subscription.renewalFailures() + 1;
        if (!claimAttempt(handle, subscription, failures, now)) {
            return;
        }
        payments.record(handle, caller, subscription.customerId(), "renewal", plan.periodAmount(),
                result, "renewal:" + subscription.id() + ":" + (subscription.cycleNumber() + 1)
                        + ":failed:" + failures, now);
        Events.in(handle).subscriptionPaymentFailed(caller, subscription.id(), "renewal",
                result.failureCode());
        if (failures > RETRY_DELAYS.size()) {
            LOG.warn("Renewal failed for the last time, cancelling subscriptionId={} code={}",
                    subscription.id(), result.failureCode());
            subscriptions.end(handle, caller, subscription, now);
            subscriptions.insert(handle, caller, subscription.customerId(),
                    Subscriptions.freePlan(handle, caller), now);
            return;
        }
        LOG.warn("Renewal charge failed subscriptionId={} attempt={} code={}", subscription.id(),
                failures, result.failureCode());
    }

    /**
     * Counts the failed attempt and schedules the next one. Returns false when another node that
     * failed the same attempt counted it first, so that each attempt gets one payment row.
     */
    private static boolean claimAttempt(Handle handle, ActiveSubscription subscription,
            int failures, Instant now) {
        Instant next = failures > RETRY_DELAYS.size() ? null
                : now.plus(RETRY_DELAYS.get(failures - 1));
        return handle.createUpdate("""
                        UPDATE subscriptions
                        SET renewal_failures = :failures, next_attempt_at = :next
                        WHERE id = :id AND status = 'active' AND cycle_end_at = :expected
                          AND renewal_failures = :previous""")
                .bind("failures", failures)
                .bind("next", Timestamps.formatNullable(next))
                .bind("id", subscription.id())
                .bind("expected", Timestamps.format(subscription.cycleEnd()))
                .bind("previous", subscription.renewalFailures())
                .execute() == 1;
    }
}
