package dev.tollgate.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MoneyTest {
    private static final BigDecimal MAX = Money.MAX_PLAN_AMOUNT;

    @ParameterizedTest(name = "\"{0}\" with {1} digits is {2} units")
    @CsvSource({
            "0, 2, 0",
            "25, 2, 250000000000",
            "25.00, 2, 250000000000",
            "0.01, 2, 100000000",
            "0.0000000001, 10, 1",
            "1000000, 2, 10000000000000000",
            "1000000.00, 2, 10000000000000000",
            "0001.5, 2, 15000000000"})
    void parseAcceptsPlainDecimals(String text, int digits, long units) {
        assertThat(Money.parse(text, digits, MAX).units()).isEqualTo(units);
    }

    @ParameterizedTest(name = "\"{0}\" with {1} digits: {2}")
    @CsvSource(delimiter = '|', value = {
            "1000000.01 | 2  | over the maximum",
            "1000001    | 2  | over the maximum",
            "9.999      | 2  | more than 2 fractional digits",
            "0.00000000001 | 10 | more than 10 fractional digits",
            "-1         | 2  | non-negative decimal string",
            "+1         | 2  | non-negative decimal string",
            "1e3        | 2  | non-negative decimal string",
            ".5         | 2  | non-negative decimal string",
            "5.         | 2  | non-negative decimal string",
            "1,000      | 2  | non-negative decimal string",
            "NaN        | 2  | non-negative decimal string",
            "' 1'       | 2  | non-negative decimal string",
            "''         | 2  | non-negative decimal string",
            "12345678901234567 | 2 | non-negative decimal string"})
    void parseRejectsInvalidText(String text, int digits, String reason) {
        assertThatThrownBy(() -> Money.parse(text, digits, MAX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void parseRejectsDigitsAboveScale() {
        assertThatThrownBy(() -> Money.parse("1", 11, MAX))
                .isInstanceOf(IllegalStateException.class);
    }

    static Stream<Arguments> halfEvenCases() {
        return Stream.of(
                Arguments.of("0.00000000005", 0L),
                Arguments.of("0.00000000015", 2L),
                Arguments.of("0.00000000025", 2L),
                Arguments.of("0.000000000250001", 3L),
                Arguments.of("0.00000000035", 4L),
                Arguments.of("0.00000000014999", 1L),
                Arguments.of("-0.00000000015", -2L),
                Arguments.of("-0.00000000025", -2L),
                Arguments.of("0.0014", 14_000_000L),
                Arguments.of("12.34567890125", 123_456_789_012L));
    }

    @ParameterizedTest(name = "{0} rounds to {1} units")
    @MethodSource("halfEvenCases")
    void fromExactRoundsHalfEven(String exact, long units) {
        assertThat(Money.fromExact(new BigDecimal(exact)).units()).isEqualTo(units);
    }

    @Test
    void fromExactRejectsOverflow() {
        assertThatThrownBy(() -> Money.fromExact(new BigDecimal("1e9")))
                .isInstanceOf(ArithmeticException.class);
    }

    @ParameterizedTest(name = "{0} units is \"{1}\"")
    @CsvSource({
            "0, 0.0000000000",
            "1, 0.0000000001",
            "14000000, 0.0014000000",
            "250000000000, 25.0000000000",
            "-58100000, -0.0058100000"})
    void toWireHasTenDigits(long units, String wire) {
        assertThat(new Money(units).toWire()).isEqualTo(wire);
    }

    @ParameterizedTest(name = "{0} units is \"{1}\"")
    @CsvSource({
            "0, 0.00",
            "250000000000, 25.00",
            "255000000000, 25.50",
            "1250000000, 0.125",
            "1, 0.0000000001",
            "1000000000000, 100.00",
            "10000000000000000, 1000000.00"})
    void toDisplayKeepsTwoToTenDigits(long units, String display) {
        assertThat(new Money(units).toDisplay()).isEqualTo(display);
    }

    @Test
    void parsedAmountsEqualByValue() {
        Money plain = Money.parse("25", 2, MAX);
        Money padded = Money.parse("25.00", 2, MAX);

        assertThat(plain).isEqualTo(padded);
        assertThat(plain.compareTo(padded)).isZero();
        assertThat(plain.toBigDecimal()).isEqualByComparingTo("25");
    }

    @Test
    void arithmeticIsExact() {
        Money tenth = Money.parse("0.1", 10, MAX);
        Money sum = Money.ZERO;
        for (int i = 0; i < 10; i++) {
            sum = sum.plus(tenth);
        }

        assertThat(sum).isEqualTo(Money.parse("1", 10, MAX));
        assertThat(sum.minus(Money.parse("1.0000000001", 10, MAX)).isNegative()).isTrue();
        assertThat(sum.minus(sum).isZero()).isTrue();
    }

    @Test
    void overflowThrowsInsteadOfWrapping() {
        Money largest = new Money(Long.MAX_VALUE);

        assertThatThrownBy(() -> largest.plus(new Money(1)))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new Money(Long.MIN_VALUE).minus(new Money(1)))
                .isInstanceOf(ArithmeticException.class);
    }
}
