package dev.tollgate.spendkeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.core.Environment;
import dev.tollgate.money.Money;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpendKeyTest {
    private static final Instant DAY_START = Instant.parse("2026-12-04T00:00:00Z");
    private static final Money SPENT = new Money(123);

    private static SpendKey key(Optional<SpendKeySettings.SpendLimit> spendLimit,
            Optional<SpendKeySettings.RequestLimit> requestLimit, Instant countedFrom) {
        SpendKeySettings settings = new SpendKeySettings("Key", SpendKeyStatus.ACTIVE,
                RequestShape.OPENAI, Optional.empty(), Optional.empty(), spendLimit,
                requestLimit, Optional.empty(), Optional.of(DAY_START.plusSeconds(3600)));
        SpendKey.Counters counters = new SpendKey.Counters(Optional.of(countedFrom), SPENT,
                new Money(999), Optional.of(countedFrom), 7, 9, 0);
        return new SpendKey("spk_test_1", "mer_1", Environment.SANDBOX, "lava_sk_...abcd",
                settings, counters, Optional.empty(), DAY_START);
    }

    @Test
    void countsWithinCurrentCycle() {
        SpendKey key = key(Optional.of(new SpendKeySettings.SpendLimit(new Money(1000),
                Cycle.DAILY)), Optional.of(new SpendKeySettings.RequestLimit(10, Cycle.DAILY)),
                DAY_START);

        assertThat(key.currentSpend(DAY_START.plusSeconds(60))).isEqualTo(SPENT);
        assertThat(key.currentRequests(DAY_START.plusSeconds(60))).isEqualTo(7);
    }

    @Test
    void countsResetInNextCycle() {
        SpendKey key = key(Optional.of(new SpendKeySettings.SpendLimit(new Money(1000),
                Cycle.DAILY)), Optional.of(new SpendKeySettings.RequestLimit(10, Cycle.DAILY)),
                DAY_START);
        Instant nextDay = DAY_START.plusSeconds(86_400);

        assertThat(key.currentSpend(nextDay)).isEqualTo(Money.ZERO);
        assertThat(key.currentRequests(nextDay)).isZero();
    }

    @Test
    void noLimitCountsOverTotal() {
        SpendKey key = key(Optional.empty(), Optional.empty(), Instant.EPOCH);

        assertThat(key.spendCycle()).isEqualTo(Cycle.TOTAL);
        assertThat(key.currentSpend(DAY_START)).isEqualTo(new Money(999));
        assertThat(key.currentRequests(DAY_START)).isEqualTo(9);
    }

    @Test
    void removedDailyLimitsCountEverythingAgain() {
        // The counters still hold a daily cycle's counts from before the limits were removed.
        SpendKey key = key(Optional.empty(), Optional.empty(), DAY_START);

        assertThat(key.currentSpend(DAY_START.plusSeconds(60))).isEqualTo(new Money(999));
        assertThat(key.currentRequests(DAY_START.plusSeconds(60))).isEqualTo(9);
    }

    @Test
    void totalLimitIncludesSpendFromBeforeIt() {
        SpendKey key = key(Optional.of(new SpendKeySettings.SpendLimit(new Money(1000),
                Cycle.TOTAL)), Optional.empty(), DAY_START);

        assertThat(key.currentSpend(DAY_START.plusSeconds(60))).isEqualTo(new Money(999));
    }

    @Test
    void expiresAtItsExpiry() {
        SpendKey key = key(Optional.empty(), Optional.empty(), Instant.EPOCH);

        assertThat(key.isExpired(DAY_START.plusSeconds(3599))).isFalse();
        assertThat(key.isExpired(DAY_START.plusSeconds(3600))).isTrue();
    }
}
