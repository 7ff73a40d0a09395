package dev.tollgate.billing;

import java.time.Instant;
import java.util.List;

/** A meter: how one kind of usage is priced. Tiers are sorted by start, the first at 0. */
public record Meter(
        String id,
        String slug,
        String name,
        RateType rateType,
        TierType tierType,
        List<Tier> tiers,
        Instant createdAt) {
}
