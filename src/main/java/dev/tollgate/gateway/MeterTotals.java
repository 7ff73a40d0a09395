package dev.tollgate.gateway;

import dev.tollgate.storage.Timestamps;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Running totals of units per customer, meter and billing cycle. */
final class MeterTotals {
    private MeterTotals() {
    }

    static long units(Handle handle, String customerId, String meterId, Instant cycleStart) {
        return handle.createQuery("SELECT units FROM meter_totals WHERE customer_id = :c"
                        + " AND meter_id = :m AND cycle_start = :cycle")
                .bind("c", customerId)
                .bind("m", meterId)
                .bind("cycle", Timestamps.format(cycleStart))
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    /**
     * Adds {@code units} to the total, creating it at zero first.
     *
     * @return the total before the addition
     */
    static long add(Handle handle, String customerId, String meterId, String cycleKey, long units) {
        long after = handle.createQuery("""
                        INSERT INTO meter_totals (customer_id, meter_id, cycle_start, units)
                        VALUES (:c, :m, :cycle, :units)
                        ON CONFLICT (customer_id, meter_id, cycle_start)
                        DO UPDATE SET units = meter_totals.units + excluded.units
                        RETURNING units""")
                .bind("c", customerId)
                .bind("m", meterId)
                .bind("cycle", cycleKey)
                .bind("units", units)
                .mapTo(Long.class)
                .one();
        return after - units;
    }
}
