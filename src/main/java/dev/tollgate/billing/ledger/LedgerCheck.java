package dev.tollgate.billing.ledger;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Recomputes every cached balance from the ledger entries and reports the first customer whose
 * balance differs, and checks that open holds add up to the held balance.
 */
public final class LedgerCheck {
    private LedgerCheck() {
    }

    /** Returns a description of the first mismatch, or empty when every balance reconciles. */
    public static Optional<String> firstMismatch(Handle handle) {
        return handle.createQuery("""
                        SELECT b.customer_id, b.cycle_balance, b.bundle_balance, b.held,
                            COALESCE(SUM(CASE WHEN e.bucket = 'cycle' THEN e.amount END), 0) AS cycle_sum,
                            COALESCE(SUM(CASE WHEN e.bucket = 'bundle' THEN e.amount END), 0) AS bundle_sum,
                            COALESCE(SUM(CASE WHEN e.bucket = 'hold' THEN e.amount END), 0) AS hold_sum,
                            (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
                                WHERE h.customer_id = b.customer_id) AS open_holds
                        FROM credit_balances b
                        LEFT JOIN ledger_entries e ON e.customer_id = b.customer_id
                        GROUP BY b.customer_id, b.cycle_balance, b.bundle_balance, b.held
                        HAVING b.cycle_balance <> COALESCE(SUM(CASE WHEN e.bucket = 'cycle' THEN e.amount END), 0)
                            OR b.bundle_balance <> COALESCE(SUM(CASE WHEN e.bucket = 'bundle' THEN e.amount END), 0)
                            OR b.held <> COALESCE(SUM(CASE WHEN e.bucket = 'hold' THEN e.amount END), 0)
                            OR b.held <> (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
                                WHERE h.customer_id = b.customer_id)
                        ORDER BY b.customer_id
                        LIMIT 1""")
                .map((rs, ctx) -> "customer " + rs.getString("customer_id")
                        + ": cached cycle=" + rs.getLong("cycle_balance")
                        + " bundle=" + rs.getLong("bundle_balance") + " held=" + rs.getLong("held")
                        + ", entries cycle=" + rs.getLong("cycle_sum")
                        + " bundle=" + rs.getLong("bundle_sum") + " hold=" + rs.getLong("hold_sum")
                        + ", open holds=" + rs.getLong("open_holds") + " (units of 1e-10 USD)")
                .findOne();
    }
}
