package dev.tollgate.billing;

import dev.tollgate.money.Rate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds meters for rating tests from a compact tier list such as "0:5 1000000:3". */
final class TestMeters {
    private TestMeters() {
    }

    static Meter meter(String rateType, String tierType, String tiers) {
        return new Meter("prd_test", "test", "Test", rateType(rateType), tierType(tierType),
                tiers(tiers), Instant.EPOCH);
    }

    static List<Tier> tiers(String text) {
        List<Tier> tiers = new ArrayList<>();
        for (String tier : text.trim().split("\\s+")) {
            String[] startAndRate = tier.split(":");
            tiers.add(new Tier(Long.parseLong(startAndRate[0]), Rate.parse(startAndRate[1])));
        }
        return tiers;
    }

    private static RateType rateType(String code) {
        return RateType.valueOf(code.toUpperCase(Locale.ROOT));
    }

    private static TierType tierType(String code) {
        return TierType.valueOf(code.toUpperCase(Locale.ROOT));
    }
}
