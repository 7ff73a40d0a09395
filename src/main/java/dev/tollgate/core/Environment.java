package dev.tollgate.core;

/**
 * The data space a secret key works in. Sandbox and live objects of one merchant never see
 * each other: every stored object carries its environment and every query filters on it.
 */
public enum Environment {
    SANDBOX("sandbox", "aks_test_", "_test_"),
    LIVE("live", "aks_live_", "_");

    private final String code;
    private final String secretKeyPrefix;
    private final String idInfix;

    Environment(String code, String secretKeyPrefix, String idInfix) {
        this.code = code;
        this.secretKeyPrefix = secretKeyPrefix;
        this.idInfix = idInfix;
    }

    /** Returns the value stored in the `environment` column. */
    public String code() {
        return code;
    }

    /** Returns the prefix every secret key of this environment starts with. */
    public String secretKeyPrefix() {
        return secretKeyPrefix;
    }

    /** Returns the text between an id's prefix and its ULID: `_test_` in sandbox, `_` live. */
    public String idInfix() {
        return idInfix;
    }

    /** Returns the environment stored as {@code code}, or throws for an unknown value. */
    public static Environment fromCode(String code) {
        for (Environment environment : values()) {
            if (environment.code.equals(code)) {
                return environment;
            }
        }
        throw new IllegalStateException("unknown environment code: " + code);
    }
}
