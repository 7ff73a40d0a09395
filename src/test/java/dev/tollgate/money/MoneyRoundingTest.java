package dev.tollgate.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyRoundingTest {
    @ParameterizedTest(name = "{0} rounds to {1}")
    @CsvSource({
        // A tie at the 11th digit goes to the even 10th digit.
        "0.00000000005, 0.0000000000",
        "0.00000000015, 0.0000000002",
        "0.00000000025, 0.0000000002",
        "0.00000000035, 0.0000000004",
        // Anything past the tie breaks it, however far out.
        "0.000000000250000001, 0.0000000003",
        "0.000000000249999999, 0.0000000002",
        // Already 10 digits: unchanged.
        "17, 17.0000000000",
    })
    void exactRoundsHalfEven(String exact, String expected) {
        Money money = Money.fromExact(new BigDecimal(exact));

        assertThat(money.toWire()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} / {1} rounds to {2}")
    @CsvSource({
        // 1 / 60 = 0.0166666666666... rounds up at the 10th digit.
        "1, 60, 0.0166666667",
        // 2 / 3 = 0.66666666666... rounds up.
        "2, 3, 0.6666666667",
        // 1 / 3 = 0.33333333333... rounds down.
        "1, 3, 0.3333333333",
        // 5e-10 / 2 = 2.5e-10, a tie, goes to the even 2e-10.
        "0.0000000005, 2, 0.0000000002",
        // 7e-10 / 2 = 3.5e-10, a tie, goes to the even 4e-10.
        "0.0000000007, 2, 0.0000000004",
        // 90 seconds at 0.5 per minute: 45 / 60 = 0.75 exactly.
        "45, 60, 0.7500000000",
    })
    void quotientRoundsOnceHalfEven(String dividend, String divisor, String expected) {
        Money money = Money.fromExactQuotient(new BigDecimal(dividend), new BigDecimal(divisor));

        assertThat(money.toWire()).isEqualTo(expected);
    }

    @Test
    void quotientByZeroThrows() {
        assertThatThrownBy(() -> Money.fromExactQuotient(BigDecimal.ONE, BigDecimal.ZERO))
                .isInstanceOf(ArithmeticException.class);
    }
}
