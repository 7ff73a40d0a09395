package dev.tollgate.billing.ledger;

import dev.tollgate.storage.ExactSums;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * Recomputes every cached balance from the ledger entries and reports each customer whose
 * balance differs, and checks that open holds add up to the held balance.
 *
 * <p>The sums are exact at any size ({@link ExactSums}), so the check reports even balances
 * that overflowed instead of failing on them.
 */
public final class LedgerCheck {
    private LedgerCheck() {
    }

    /** Returns a description of the first mismatch, or empty when every balance reconciles. */
    public static Optional<String> firstMismatch(Handle handle) {
        return mismatches(handle).stream().findFirst();
    }

    /** Returns one description per customer whose balances do not reconcile, by customer id. */
    public static List<String> mismatches(Handle handle) {
        Map<String, Sums> sums = new TreeMap<>();
        handle.createQuery("SELECT customer_id, cycle_balance, bundle_balance, held"
                        + " FROM credit_balances")
                .map((rs, ctx) -> {
                    Sums row = sums.computeIfAbsent(rs.getString("customer_id"), id -> new Sums());
                    row.cachedCycle = stored(rs.getString("cycle_balance"));
                    row.cachedBundle = stored(rs.getString("bundle_balance"));
                    row.cachedHeld = stored(rs.getString("held"));
                    return row;
                })
                .list();
        handle.createQuery("SELECT customer_id, bucket, "
                        + ExactSums.columns("amount", "amount") + " FROM ledger_entries"
                        + " GROUP BY customer_id, bucket")
                .map((rs, ctx) -> {
                    Sums row = sums.computeIfAbsent(rs.getString("customer_id"), id -> new Sums());
                    BigInteger total = ExactSums.read(rs, "amount");
                    switch (rs.getString("bucket")) {
                        case "cycle" -> row.entryCycle = total;
                        case "bundle" -> row.entryBundle = total;
                        case "hold" -> row.entryHold = total;
                        default -> row.unknownBuckets.add(rs.getString("bucket"));
                    }
                    return row;
                })
                .list();
        handle.createQuery("SELECT customer_id, "
                        + ExactSums.columns("amount", "amount") + " FROM credit_holds"
                        + " GROUP BY customer_id")
                .map((rs, ctx) -> {
                    Sums row = sums.computeIfAbsent(rs.getString("customer_id"), id -> new Sums());
                    row.openHolds = ExactSums.read(rs, "amount");
                    return row;
                })
                .list();
        List<String> problems = new ArrayList<>();
        sums.forEach((customerId, row) -> {
            if (!row.reconciles()) {
                problems.add(row.describe(customerId));
            }
        });
        return problems;
    }

    /**
     * Reads a cached balance exactly. SQLite may contain a float there when an older version let
     * a balance overflow. Such a value is read as written, so it never equals the entries' sum.
     */
    private static BigDecimal stored(String text) {
        return text == null ? BigDecimal.ZERO : new BigDecimal(text);
    }

    /** The cached and recomputed sums of one customer, in units of 1e-10 USD. */
    private static final class Sums {
        BigDecimal cachedCycle = BigDecimal.ZERO;
        BigDecimal cachedBundle = BigDecimal.ZERO;
        BigDecimal cachedHeld = BigDecimal.ZERO;
        BigInteger entryCycle = BigInteger.ZERO;
        BigInteger entryBundle = BigInteger.ZERO;
        BigInteger entryHold = BigInteger.ZERO;
        BigInteger openHolds = BigInteger.ZERO;
        final List<String> unknownBuckets = new ArrayList<>();

        boolean reconciles() {
            return equal(cachedCycle, entryCycle) && equal(cachedBundle, entryBundle)
                    && equal(cachedHeld, entryHold) && equal(cachedHeld, openHolds)
                    && unknownBuckets.isEmpty();
        }

        String describe(String customerId) {
            String text = "customer " + customerId + ": cached cycle=" + cachedCycle.toPlainString()
                    + " bundle=" + cachedBundle.toPlainString() + " held=" + cachedHeld.toPlainString()
                    + ", entries cycle=" + entryCycle + " bundle=" + entryBundle + " hold=" + entryHold
                    + ", open holds=" + openHolds + " (units of 1e-10 USD)";
            return unknownBuckets.isEmpty() ? text : text + ", unknown buckets " + unknownBuckets;
        }

        private static boolean equal(BigDecimal cached, BigInteger sum) {
            return cached.compareTo(new BigDecimal(sum)) == 0;
        }
    }
}
