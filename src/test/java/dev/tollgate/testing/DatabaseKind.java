package dev.tollgate.testing;

/** The databases every storage and API test runs against. */
public enum DatabaseKind {
    SQLITE,
    POSTGRESQL;

    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
