package dev.tollgate.subscriptions;

import dev.tollgate.core.WireEnum;

/** The length of a plan's billing cycle. */
public enum BillingInterval implements WireEnum {
    DAY("day"),
    WEEK("week"),
    MONTH("month"),
    YEAR("year");

    private final String code;

    BillingInterval(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
