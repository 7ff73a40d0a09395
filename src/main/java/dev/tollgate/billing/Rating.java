package dev.tollgate.billing;

import dev.tollgate.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Rates usage on a meter. A request's units are split across the graduated tiers that the
 * customer's running total crosses, and each part is priced at its tier's rate. Pure and
 * stateless, so thread-safe.
 *
 * <p>Units are those of the meter: tokens for {@code tokens_1m}, characters for
 * {@code characters_1m}, seconds for {@code minutes} and requests for {@code requests}. A tier's
 * {@code start} is the 0-based position in the running total where it begins: with tiers
 * [0 → free, 250 → rate], 250 units from a total of 0 are free and the 251st is charged.
 */
public final class Rating {
    /**
     * The largest charge of one request: one million dollars, the largest plan fee or grant.
     * With balances limited to {@link dev.tollgate.billing.ledger.Ledger#MAX_BALANCE}, a
     * customer's balance can reach that limit only after 250 such charges.
     */
    public static final Money MAX_CHARGE = Money.fromExact(Money.MAX_PLAN_AMOUNT);

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);
    private static final BigDecimal HUNDRED_PERCENT = BigDecimal.valueOf(100);

    private Rating() {
    }

    /**
     * Charges {@code units} of usage on {@code meter} for a customer whose total on this meter in
     * the current cycle was {@code runningTotalBefore} before this request.
     *
     * <p>On a fixed meter, a tier's rate is dollars per 1,000,000 tokens or characters, per
     * minute (the seconds divided by 60) or per request, and {@code providerCost} is ignored. On
     * a percentage meter, a tier's rate is a percent of {@code providerCost}, and the cost is
     * apportioned to the tiers by their share of the units. Zero units cost zero, except on a
     * percentage meter with a provider cost: that cost was incurred, so it is charged at the rate
     * of the tier that contains {@code runningTotalBefore}.
     *
     * @throws IllegalStateException when a count or the provider cost is negative, or when the
     *     meter has no tier starting at 0
     * @throws ChargeLimitException when the charge is above {@link #MAX_CHARGE}
     * @throws ArithmeticException when the running total plus the units overflows a long
     */
    public static Charge charge(Meter meter, long runningTotalBefore, long units,
            Money providerCost) {
        checkUsage(meter, runningTotalBefore, units, providerCost);
        List<Tier> tiers = meter.tiers();
        if (meter.rateType() == RateType.FIXED) {
            List<Part> parts = split(tiers, runningTotalBefore, units);
            return price(RateType.FIXED, parts, Rating::rateTimesUnits, perUnits(meter));
        }
        if (units == 0 && providerCost.isZero()) {
            return new Charge(Money.ZERO, RateType.PERCENTAGE, List.of());
        }
        BigDecimal cost = providerCost.toBigDecimal();
        if (units == 0) {
            Part part = new Part(tierAt(tiers, runningTotalBefore), 0);
            return price(RateType.PERCENTAGE, List.of(part),
                    p -> cost.multiply(p.tier().rate().toBigDecimal()), HUNDRED_PERCENT);
        }
        List<Part> parts = split(tiers, runningTotalBefore, units);
        BigDecimal divisor = HUNDRED_PERCENT.multiply(BigDecimal.valueOf(units));
        return price(RateType.PERCENTAGE, parts, p -> cost.multiply(rateTimesUnits(p)), divisor);
    }

    /**
     * Returns an amount never less than {@link #charge} for the same meter and units, at any
     * running total at or above {@code runningTotalBefore} and any provider cost up to
     * {@code providerCostUpperBound}. The gateway reserves it before forwarding, while the final
     * running total and provider cost are unknown. Every unit is priced at the highest rate among
     * the tier that contains {@code runningTotalBefore} and the tiers after it. The bound is at
     * most {@link #MAX_CHARGE}, because no request is charged more.
     *
     * @throws IllegalStateException as {@link #charge} does
     */
    public static Money upperBound(Meter meter, long runningTotalBefore, long units,
            Money providerCostUpperBound) {
        checkUsage(meter, runningTotalBefore, units, providerCostUpperBound);
        BigDecimal maxRate = maxRateFrom(meter.tiers(), runningTotalBefore);
        BigDecimal exact;
        BigDecimal divisor;
        if (meter.rateType() == RateType.FIXED) {
            exact = maxRate.multiply(BigDecimal.valueOf(units));
            divisor = perUnits(meter);
        } else {
            exact = providerCostUpperBound.toBigDecimal().multiply(maxRate);
            divisor = HUNDRED_PERCENT;
        }
        if (isAboveMaxCharge(exact, divisor)) {
            return MAX_CHARGE;
        }
        return Money.fromExactQuotient(exact, divisor);
    }

    /**
     * Prices the parts: each part's exact cost is {@code numerator / divisor}. The amount is the
     * exact sum rounded once, and each breakdown cost is rounded on its own for display.
     */
    private static Charge price(RateType rateType, List<Part> parts,
            Function<Part, BigDecimal> numerator, BigDecimal divisor) {
        List<BigDecimal> exactParts = parts.stream().map(numerator).toList();
        BigDecimal total = exactParts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        // Checked before any rounding, so that no part can overflow a Money either: every part
        // is non-negative and at most the total.
        if (isAboveMaxCharge(total, divisor)) {
            throw new ChargeLimitException(total.divide(divisor, Money.SCALE, RoundingMode.UP));
        }
        List<TierCharge> breakdown = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Money cost = Money.fromExactQuotient(exactParts.get(i), divisor);
            breakdown.add(new TierCharge(parts.get(i).tier(), parts.get(i).units(), cost));
        }
        return new Charge(Money.fromExactQuotient(total, divisor), rateType, breakdown);
    }

    /** Returns whether {@code exact / divisor} is above {@link #MAX_CHARGE}, without dividing. */
    private static boolean isAboveMaxCharge(BigDecimal exact, BigDecimal divisor) {
        return exact.compareTo(MAX_CHARGE.toBigDecimal().multiply(divisor)) > 0;
    }

    private static BigDecimal rateTimesUnits(Part part) {
        return part.tier().rate().toBigDecimal().multiply(BigDecimal.valueOf(part.units()));
    }

    /** Returns the units of each tier that positions [before, before + units) fall in. */
    private static List<Part> split(List<Tier> tiers, long before, long units) {
        long end = Math.addExact(before, units);
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < tiers.size(); i++) {
            long tierEnd = i + 1 < tiers.size() ? tiers.get(i + 1).start() : Long.MAX_VALUE;
            long from = Math.max(before, tiers.get(i).start());
            long to = Math.min(end, tierEnd);
            if (to > from) {
                parts.add(new Part(tiers.get(i), to - from));
            }
        }
        return parts;
    }

    private static Tier tierAt(List<Tier> tiers, long position) {
        return tiers.get(tierIndexAt(tiers, position));
    }

    private static int tierIndexAt(List<Tier> tiers, long position) {
        int index = 0;
        while (index + 1 < tiers.size() && tiers.get(index + 1).start() <= position) {
            index++;
        }
        return index;
    }

    private static BigDecimal maxRateFrom(List<Tier> tiers, long position) {
        long maxUnits = 0;
        for (int i = tierIndexAt(tiers, position); i < tiers.size(); i++) {
            maxUnits = Math.max(maxUnits, tiers.get(i).rate().units());
        }
        return BigDecimal.valueOf(maxUnits, Money.SCALE);
    }

    private static BigDecimal perUnits(Meter meter) {
        return switch (meter.tierType()) {
            case TOKENS_1M, CHARACTERS_1M -> MILLION;
            case MINUTES -> SECONDS_PER_MINUTE;
            case REQUESTS -> BigDecimal.ONE;
        };
    }

    /** The units of one request that fall in one tier. */
    private record Part(Tier tier, long units) {
    }

    private static void checkUsage(Meter meter, long runningTotalBefore, long units, Money cost) {
        if (runningTotalBefore < 0 || units < 0 || cost.isNegative()) {
            throw new IllegalStateException("negative usage on meter " + meter.id()
                    + ": runningTotalBefore=" + runningTotalBefore + " units=" + units
                    + " providerCost=" + cost);
        }
        if (meter.tiers().isEmpty() || meter.tiers().get(0).start() != 0) {
            throw new IllegalStateException("meter " + meter.id()
                    + " has no tier starting at 0: tiers=" + meter.tiers());
        }
    }
}
