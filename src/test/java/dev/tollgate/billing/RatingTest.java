package dev.tollgate.billing;

import static dev.tollgate.billing.TestMeters.meter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.money.Money;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RatingTest {
    private static final String VOLUME_TIERS = "0:5 1000000:3 10000000:1";

    @ParameterizedTest(name = "{0} {1} [{2}] from {3} + {4} units, cost {5} = {6}")
    @CsvSource(delimiter = '|', value = {
        // 1,000,000 x 5/1M + 4,000,000 x 3/1M = 5 + 12 = 17
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 0 | 5000000 | 0 | 17",
        // 1,000,000 x 5/1M + 9,000,000 x 3/1M + 2,000,000 x 1/1M = 5 + 27 + 2 = 34
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 0 | 12000000 | 0 | 34",
        // 500,000 x 3/1M + 500,000 x 1/1M = 1.5 + 0.5 = 2, straddling the 10M boundary
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 9500000 | 1000000 | 0 | 2",
        // All in the last tier: 3,000,000 x 1/1M = 3
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 20000000 | 3000000 | 0 | 3",
        // 700 x 2 / 1,000,000 = 0.0014
        "fixed | tokens_1m | 0:2 | 0 | 700 | 0 | 0.0014",
        // Positions 0..249 are in the free tier: 250 x 0 = 0
        "fixed | requests | 0:0 250:0.01 | 0 | 250 | 0 | 0",
        // The 250th request (position 249) is still free
        "fixed | requests | 0:0 250:0.01 | 249 | 1 | 0 | 0",
        // The 251st request (position 250) is the first charged: 1 x 0.01 = 0.01
        "fixed | requests | 0:0 250:0.01 | 250 | 1 | 0 | 0.01",
        // Positions 240..259: 10 free + 10 x 0.01 = 0.1
        "fixed | requests | 0:0 250:0.01 | 240 | 20 | 0 | 0.1",
        // 90 seconds at 0.5 per minute: 90 x 0.5 / 60 = 0.75
        "fixed | minutes | 0:0.5 | 0 | 90 | 0 | 0.75",
        // 1 second at 0.01 per minute: 0.01 / 60 = 0.000166666666... -> 0.0001666667
        "fixed | minutes | 0:0.01 | 0 | 1 | 0 | 0.0001666667",
        // 1,234 characters at 15 per million: 1,234 x 15 / 1,000,000 = 0.01851
        "fixed | characters_1m | 0:15 | 0 | 1234 | 0 | 0.01851",
        // Zero units cost 0
        "fixed | tokens_1m | 0:5 1000000:3 10000000:1 | 0 | 0 | 0 | 0",
        "fixed | requests | 0:0.01 | 7 | 0 | 0 | 0",
        // 5 x 0.00001 / 1M = 0.00000000005, a tie at the 11th digit -> even 0
        "fixed | tokens_1m | 0:0.00001 | 0 | 5 | 0 | 0",
        // 15 x 0.00001 / 1M = 0.00000000015, a tie -> even 0.0000000002
        "fixed | tokens_1m | 0:0.00001 | 0 | 15 | 0 | 0.0000000002",
        // 25 x 0.00001 / 1M = 0.00000000025, a tie -> even 0.0000000002
        "fixed | tokens_1m | 0:0.00001 | 0 | 25 | 0 | 0.0000000002",
        // 0.0581 x 10 / 100 = 0.00581
        "percentage | tokens_1m | 0:10 | 0 | 874 | 0.0581 | 0.00581",
        // 100 units at 20% and 100 at 10% of 0.03: 0.03 x (2000 + 1000) / (100 x 200) = 0.0045
        "percentage | tokens_1m | 0:20 1000:10 | 900 | 200 | 0.03 | 0.0045",
        // 1 unit at 10% and 2 at 20% of 1e-9: 1e-9 x 50 / 300 = 1.666e-10 -> 0.0000000002
        "percentage | requests | 0:10 1:20 | 0 | 3 | 0.000000001 | 0.0000000002",
        // Zero units and zero cost: 0
        "percentage | tokens_1m | 0:10 | 0 | 0 | 0 | 0",
        // Zero units with a cost: 0.02 x 10 / 100 = 0.002 at the tier of the running total
        "percentage | tokens_1m | 0:50 1000:10 | 5000 | 0 | 0.02 | 0.002",
    })
    void chargeMatchesHandComputation(String rateType, String tierType, String tiers,
            long before, long units, String providerCost, String expected) {
        Meter meter = meter(rateType, tierType, tiers);

        Charge charge = Rating.charge(meter, before, units, money(providerCost));

        assertThat(charge.amount()).isEqualTo(money(expected));
        assertThat(charge.rateType()).isEqualTo(meter.rateType());
    }

    @Test
    void straddlingRequestSplitsBreakdown() {
        Meter meter = meter("fixed", "tokens_1m", VOLUME_TIERS);

        Charge charge = Rating.charge(meter, 9_500_000, 1_000_000, Money.ZERO);

        List<Tier> tiers = meter.tiers();
        assertThat(charge.breakdown()).containsExactly(
                new TierCharge(tiers.get(1), 500_000, money("1.5")),
                new TierCharge(tiers.get(2), 500_000, money("0.5")));
    }

    @Test
    void breakdownListsEveryTierTouched() {
        Meter meter = meter("fixed", "tokens_1m", VOLUME_TIERS);

        Charge charge = Rating.charge(meter, 0, 12_000_000, Money.ZERO);

        assertThat(charge.breakdown()).extracting(TierCharge::units)
                .containsExactly(1_000_000L, 9_000_000L, 2_000_000L);
        assertThat(charge.breakdown()).extracting(TierCharge::cost)
                .containsExactly(money("5"), money("27"), money("2"));
    }

    @Test
    void breakdownMayDifferFromAmount() {
        Meter meter = meter("percentage", "requests", "0:10 1:20");

        Charge charge = Rating.charge(meter, 0, 3, money("0.000000001"));

        // Tier 0: 1e-9 x 10 x 1 / 300 = 3.3e-11 -> 0. Tier 1: 1e-9 x 20 x 2 / 300 = 1.3e-10
        // -> 1e-10. The exact total 1.67e-10 rounds to 2e-10, one unit above their sum.
        assertThat(charge.breakdown()).extracting(TierCharge::cost)
                .containsExactly(money("0"), money("0.0000000001"));
        assertThat(charge.amount()).isEqualTo(money("0.0000000002"));
    }

    @Test
    void zeroUnitsHaveNoBreakdown() {
        Meter meter = meter("fixed", "tokens_1m", VOLUME_TIERS);

        Charge charge = Rating.charge(meter, 123, 0, money("1"));

        assertThat(charge.amount()).isEqualTo(Money.ZERO);
        assertThat(charge.breakdown()).isEmpty();
    }

    @Test
    void percentageZeroUnitsUsesCurrentTier() {
        Meter meter = meter("percentage", "tokens_1m", "0:50 1000:10");

        Charge charge = Rating.charge(meter, 5000, 0, money("0.02"));

        assertThat(charge.breakdown()).containsExactly(
                new TierCharge(meter.tiers().get(1), 0, money("0.002")));
    }

    @Test
    void fixedMeterIgnoresProviderCost() {
        Meter meter = meter("fixed", "tokens_1m", "0:2");

        Charge charge = Rating.charge(meter, 0, 700, money("99"));

        assertThat(charge.amount()).isEqualTo(money("0.0014"));
    }

    @Test
    void negativeUnitsAreRejected() {
        Meter meter = meter("fixed", "tokens_1m", "0:2");

        assertThatThrownBy(() -> Rating.charge(meter, 0, -1, Money.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("units=-1");
    }

    @Test
    void negativeRunningTotalIsRejected() {
        Meter meter = meter("fixed", "tokens_1m", "0:2");

        assertThatThrownBy(() -> Rating.charge(meter, -5, 1, Money.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runningTotalBefore=-5");
    }

    @Test
    void negativeProviderCostIsRejected() {
        Meter meter = meter("percentage", "tokens_1m", "0:2");

        assertThatThrownBy(() -> Rating.charge(meter, 0, 1, money("-0.1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("providerCost=");
    }

    @Test
    void meterWithoutZeroTierIsRejected() {
        Meter meter = meter("fixed", "tokens_1m", "10:2");

        assertThatThrownBy(() -> Rating.charge(meter, 0, 1, Money.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no tier starting at 0");
    }

    @Test
    void runningTotalOverflowThrows() {
        Meter meter = meter("fixed", "requests", "0:0");

        assertThatThrownBy(() -> Rating.charge(meter, Long.MAX_VALUE, 1, Money.ZERO))
                .isInstanceOf(ArithmeticException.class);
    }

    static Money money(String text) {
        return Money.fromExact(new BigDecimal(text));
    }
}
