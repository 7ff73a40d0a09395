package dev.tollgate.billing;

import static dev.tollgate.billing.RatingTest.money;
import static dev.tollgate.billing.TestMeters.meter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.money.Money;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RatingUpperBoundTest {
    private static final long SEED = 20261204L;
    private static final int CASES_PER_METER = 2000;

    @ParameterizedTest(name = "{0} {1} [{2}] from {3} + {4} units, cost {5} <= {6}")
    @CsvSource(delimiter = '|', value = {
        // From 0 the highest rate ahead is 5: 5,000,000 x 5 / 1M = 25
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 0 | 5000000 | 0 | 25",
        // From 2M the tiers ahead are 3 and 1: 5,000,000 x 3 / 1M = 15
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 2000000 | 5000000 | 0 | 15",
        // A rising price: the free tier is passed over, 20 x 0.01 = 0.2
        "fixed | requests | 0:0 250:0.01 | 0 | 20 | 0 | 0.2",
        // 90 seconds at the max 0.5 per minute: 90 x 0.5 / 60 = 0.75
        "fixed | minutes | 0:0.5 60:0.25 | 0 | 90 | 0 | 0.75",
        // Percentage: 0.0581 x 20 / 100 = 0.01162 from the tier at 0 onward
        "percentage | tokens_1m | 0:10 1000:20 | 0 | 10 | 0.0581 | 0.01162",
        // Zero units on a fixed meter: 0
        "fixed | tokens_1m | 0:5 | 0 | 0 | 0 | 0",
    })
    void boundMatchesHandComputation(String rateType, String tierType, String tiers,
            long before, long units, String providerCost, String expected) {
        Meter meter = meter(rateType, tierType, tiers);

        Money bound = Rating.upperBound(meter, before, units, money(providerCost));

        assertThat(bound).isEqualTo(money(expected));
    }

    @Test
    void boundCoversFixedChargesAhead() {
        List<Meter> meters = List.of(
                meter("fixed", "tokens_1m", "0:5 1000000:3 10000000:1"),
                meter("fixed", "tokens_1m", "0:0 250:0.0000000003 900:0.0000000001"),
                meter("fixed", "requests", "0:0 250:0.01 300:0.02 400:0.015"),
                meter("fixed", "minutes", "0:0.0000000007 61:0.0000000013"),
                meter("fixed", "characters_1m", "0:15 1000:30"));
        Random random = new Random(SEED);
        for (Meter meter : meters) {
            for (int i = 0; i < CASES_PER_METER; i++) {
                assertBoundCovers(meter, random, Money.ZERO, Money.ZERO);
            }
        }
    }

    @Test
    void boundCoversPercentageChargesAhead() {
        List<Meter> meters = List.of(
                meter("percentage", "tokens_1m", "0:10 1000:20 5000:5"),
                meter("percentage", "requests", "0:10 1:20 2:7"));
        Random random = new Random(SEED);
        for (Meter meter : meters) {
            for (int i = 0; i < CASES_PER_METER; i++) {
                Money actualCost = new Money(random.nextLong(1_000_000_000L));
                Money costBound = actualCost.plus(new Money(random.nextLong(1000)));
                assertBoundCovers(meter, random, actualCost, costBound);
            }
        }
    }

    /**
     * Checks one random request: the bound taken at a running total must cover the charge at
     * that total or at any later one, with a provider cost at most the bound's.
     */
    private static void assertBoundCovers(Meter meter, Random random, Money actualCost,
            Money costBound) {
        long before = random.nextLong(20_000);
        long units = random.nextLong(2_000_000);
        long later = before + random.nextLong(20_000);

        Money bound = Rating.upperBound(meter, before, units, costBound);
        Charge charge = Rating.charge(meter, later, units, actualCost);

        assertThat(bound)
                .as("bound from %d vs charge from %d for %d units on %s", before, later, units,
                        meter.tiers())
                .isGreaterThanOrEqualTo(charge.amount());
    }
}
