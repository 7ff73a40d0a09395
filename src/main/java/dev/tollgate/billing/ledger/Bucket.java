package dev.tollgate.billing.ledger;

import dev.tollgate.core.WireEnum;

/** The balance a ledger entry changes. */
public enum Bucket implements WireEnum {
    /** Credit granted for the current cycle, spent first. */
    CYCLE("cycle", "cycle_balance"),
    /** Credit from bought bundles, spent after cycle credit. */
    BUNDLE("bundle", "bundle_balance"),
    /** Credit reserved by requests in flight. */
    HOLD("hold", "held");

    private final String code;
    private final String column;

    Bucket(String code, String column) {
        this.code = code;
        this.column = column;
    }

    @Override
    public String code() {
        return code;
    }

    /** The column of {@code credit_balances} that caches this bucket's sum. */
    String column() {
        return column;
    }
}
