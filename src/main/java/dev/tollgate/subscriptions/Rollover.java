package dev.tollgate.subscriptions;

import dev.tollgate.core.WireEnum;

/** Whether unused credit carries into the next cycle. */
public enum Rollover implements WireEnum {
    FULL("full"),
    NONE("none");

    private final String code;

    Rollover(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
