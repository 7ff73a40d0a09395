package dev.tollgate.spendkeys;

import dev.tollgate.core.WireEnum;

/** Whether a spend key is accepted: a paused key is kept but rejected with 403. */
public enum SpendKeyStatus implements WireEnum {
    ACTIVE("active"),
    PAUSED("paused");

    private final String code;

    SpendKeyStatus(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
