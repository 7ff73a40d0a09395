package dev.tollgate.billing.ledger;

import dev.tollgate.core.WireEnum;

/** Why a ledger entry was written. */
public enum EntryKind implements WireEnum {
    GRANT("grant"),
    USAGE("usage"),
    HOLD("hold"),
    RELEASE("release"),
    BUNDLE_PURCHASE("bundle_purchase"),
    ROLLOVER("rollover"),
    EXPIRY("expiry"),
    REFUND("refund"),
    CORRECTION("correction");

    private final String code;

    EntryKind(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
