package dev.tollgate.gateway;

import dev.tollgate.storage.Timestamps;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Running totals of units per customer, meter and billing cycle. */
final class MeterTotals {
    private MeterTotals() {
    }

    static long units(Handle handle, String customerId, String meterId, Instant cycleStart) {
        return units(handle, customerId, meterId, Timestamps.format(cycleStart));
    }

    static long units(Handle handle, String customerId, String meterId, String cycleKey) {
        return handle.createQuery("SELECT units FROM meter_totals WHERE customer_id = :c"
                        + " AND meter_id = :m AND cycle_start = :cycle")
                .bind("c", customerId)
                .bind("m", meterId)
                .bind("cycle", cycleKey)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    /** Adds {@code units} to the total, creating it at zero first. */
    static void add(Handle handle, String customerId, String meterId, String cycleKey, long units) {
        handle.createUpdate("""
                        INSERT INTO meter_totals (customer_id, meter_id, cycle_start, units)
                        VALUES (:c, :m, :cycle, :units)
                        ON CONFLICT (customer_id, meter_id, cycle_start)
                        DO UPDATE SET units = meter_totals.units + excluded.units""")
                .bind("c", customerId)
                .bind("m", meterId)
                .bind("cycle", cycleKey)
                .bind("units", units)
                .execute();
    }
}
