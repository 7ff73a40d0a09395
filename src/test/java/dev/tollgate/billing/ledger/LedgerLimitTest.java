package dev.tollgate.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The balance range that every ledger write keeps, on SQLite and PostgreSQL. */
class LedgerLimitTest extends BothDatabases {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final Ledger LEDGER = new Ledger(new Ids(CLOCK), CLOCK);

    private static Ledger.Account newAccount(String reference) {
        String customerId = server.post(TestServer.SANDBOX_KEY, "/v1/customers",
                "{\"reference_id\":\"" + reference + "\"}").json().get("customer_id").asText();
        String merchantId = jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT merchant_id FROM customers WHERE id = :c")
                .bind("c", customerId)
                .mapTo(String.class)
                .one());
        return new Ledger.Account(merchantId, Environment.SANDBOX, customerId, null);
    }

    private static Jdbi jdbi() {
        return server.server().database().jdbi();
    }

    private static void append(Ledger.Account account, Bucket bucket, Money amount) {
        jdbi().useTransaction(handle -> LEDGER.append(handle, account, bucket,
                EntryKind.CORRECTION, amount, null));
    }

    private static long entries(Ledger.Account account) {
        return jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM ledger_entries WHERE customer_id = :c")
                .bind("c", account.customerId())
                .mapTo(Long.class)
                .one());
    }

    private static CreditBalance balance(Ledger.Account account) {
        return jdbi().withHandle(handle -> Ledger.balance(handle, account.customerId()));
    }

    @Test
    void appendStopsAtLimit() {
        Ledger.Account account = newAccount("limit-append-" + database);
        append(account, Bucket.BUNDLE, Ledger.MAX_BALANCE);

        assertThatThrownBy(() -> append(account, Bucket.BUNDLE, new Money(1)))
                .isInstanceOf(BalanceLimitException.class);
        assertThatThrownBy(() -> append(account, Bucket.CYCLE, new Money(Long.MIN_VALUE + 1)))
                .isInstanceOf(BalanceLimitException.class);
        assertThatThrownBy(() -> append(account, Bucket.CYCLE,
                Money.ZERO.minus(Ledger.MAX_BALANCE).minus(new Money(1))))
                .isInstanceOf(BalanceLimitException.class);

        assertThat(balance(account).bundle()).isEqualTo(Ledger.MAX_BALANCE);
        assertThat(balance(account).cycle()).isEqualTo(Money.ZERO);
        assertThat(entries(account)).isEqualTo(1);
        assertThat(jdbi().withHandle(LedgerCheck::mismatches)).isEmpty();
    }

    @Test
    void firstAppendChecksLimit() {
        Ledger.Account account = newAccount("limit-first-" + database);

        assertThatThrownBy(() -> append(account, Bucket.CYCLE,
                Ledger.MAX_BALANCE.plus(new Money(1))))
                .isInstanceOf(BalanceLimitException.class);

        assertThat(balance(account)).isEqualTo(CreditBalance.EMPTY);
        assertThat(entries(account)).isZero();
    }

    @Test
    void chargeUsageStopsAtLimit() {
        Ledger.Account account = newAccount("limit-charge-" + database);
        append(account, Bucket.BUNDLE, new Money(5));
        append(account, Bucket.CYCLE, Money.ZERO.minus(Ledger.MAX_BALANCE));

        // The bundle would pay 5 units first, but the rest cannot go to the cycle balance, so
        // nothing is debited at all.
        assertThatThrownBy(() -> jdbi().useTransaction(handle -> LEDGER.chargeUsage(handle,
                account, "req_limit", new Money(6))))
                .isInstanceOf(BalanceLimitException.class);

        assertThat(balance(account).bundle()).isEqualTo(new Money(5));
        assertThat(entries(account)).isEqualTo(2);
    }

    @Test
    void holdAboveLimitNotTaken() {
        Ledger.Account account = newAccount("limit-hold-" + database);
        append(account, Bucket.BUNDLE, Ledger.MAX_BALANCE);
        append(account, Bucket.CYCLE, Ledger.MAX_BALANCE);

        boolean huge = jdbi().inTransaction(handle -> LEDGER.tryHold(handle, account, "req_huge",
                new Money(Long.MAX_VALUE)));
        boolean pastLimit = jdbi().inTransaction(handle -> LEDGER.tryHold(handle, account,
                "req_past", Ledger.MAX_BALANCE.plus(new Money(1))));
        boolean atLimit = jdbi().inTransaction(handle -> LEDGER.tryHold(handle, account,
                "req_at", Ledger.MAX_BALANCE));

        assertThat(huge).isFalse();
        assertThat(pastLimit).isFalse();
        assertThat(atLimit).isTrue();
        assertThat(balance(account).held()).isEqualTo(Ledger.MAX_BALANCE);
        assertThat(jdbi().withHandle(LedgerCheck::mismatches)).isEmpty();
    }

    @Test
    void checkReportsImpossibleBalance() {
        Ledger.Account account = newAccount("limit-float-" + database);
        append(account, Bucket.CYCLE, new Money(5));
        // On SQLite an overflowed sum, stored as a float as it was before balances were
        // range-checked. PostgreSQL cannot store that, so the test uses the smallest bigint.
        String corrupt = database == DatabaseKind.SQLITE ? "-1.799018034e19"
                : String.valueOf(Long.MIN_VALUE);
        jdbi().useHandle(handle -> handle.createUpdate("UPDATE credit_balances SET cycle_balance = "
                        + corrupt + " WHERE customer_id = :c")
                .bind("c", account.customerId())
                .execute());
        try {
            List<String> mismatches = jdbi().withHandle(LedgerCheck::mismatches);

            assertThat(mismatches).hasSize(1);
            assertThat(mismatches.get(0)).startsWith("customer " + account.customerId());
            assertThat(mismatches.get(0)).contains("entries cycle=5 ");
        } finally {
            jdbi().useHandle(handle -> handle.createUpdate(
                            "UPDATE credit_balances SET cycle_balance = 5 WHERE customer_id = :c")
                    .bind("c", account.customerId())
                    .execute());
        }
    }
}
