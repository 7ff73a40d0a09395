package dev.tollgate.billing;

import dev.tollgate.core.WireEnum;

/** How a meter prices usage: a fixed rate per unit, or a percent of the provider's cost. */
public enum RateType implements WireEnum {
    FIXED("fixed"),
    PERCENTAGE("percentage");

    private final String code;

    RateType(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
