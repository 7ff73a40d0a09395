package dev.tollgate.storage;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * SQL sums of 64-bit columns that stay exact at any size. A sum of many large values can pass
 * the 64-bit range, which SQLite reports as an error and PostgreSQL returns as a numeric. So
 * each value is split at 10^10 into a quotient and a remainder, SQL sums the two parts, whose
 * sums stay within 64 bits below about 900 million rows, and Java combines them exactly.
 */
public final class ExactSums {
    private static final String SPLIT = "10000000000";
    private static final BigInteger SPLIT_VALUE = new BigInteger(SPLIT);

    private ExactSums() {
    }

    /**
     * Returns the two select-list columns {@code <name>_whole} and {@code <name>_part} that sum
     * {@code expression}, for {@link #read}. Each is 0 when no row matches.
     */
    public static String columns(String expression, String name) {
        return "COALESCE(SUM((" + expression + ") / " + SPLIT + "), 0) AS " + name + "_whole,"
                + " COALESCE(SUM((" + expression + ") % " + SPLIT + "), 0) AS " + name + "_part";
    }

    /** Combines the two columns that {@link #columns} named {@code name} into the exact sum. */
    public static BigInteger read(ResultSet rs, String name) throws SQLException {
        BigInteger whole = new BigDecimal(rs.getString(name + "_whole")).toBigIntegerExact();
        BigInteger part = new BigDecimal(rs.getString(name + "_part")).toBigIntegerExact();
        return whole.multiply(SPLIT_VALUE).add(part);
    }
}
