package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.core.ApiError;
import dev.tollgate.money.Rate;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TiersTest {
    private static List<Tier> startingAt(long... starts) {
        return LongStream.of(starts).mapToObj(start -> new Tier(start, Rate.parse("1"))).toList();
    }

    private static long[] range(int count) {
        return LongStream.range(0, count).toArray();
    }

    static Stream<Arguments> validTiers() {
        return Stream.of(
                Arguments.of("single tier at 0", startingAt(0)),
                Arguments.of("two tiers", startingAt(0, 1)),
                Arguments.of("graduated millions", startingAt(0, 1_000_000, 10_000_000)),
                Arguments.of("maximum tier count", startingAt(range(Tiers.MAX_TIERS))),
                Arguments.of("large last start", startingAt(0, Long.MAX_VALUE)));
    }

    static Stream<Arguments> invalidTiers() {
        return Stream.of(
                Arguments.of("no tiers", startingAt(), "tiers"),
                Arguments.of("over maximum count", startingAt(range(Tiers.MAX_TIERS + 1)), "tiers"),
                Arguments.of("first not at 0", startingAt(5), "tiers[0].start"),
                Arguments.of("first not at 0 of many", startingAt(1, 2, 3), "tiers[0].start"),
                Arguments.of("duplicate start", startingAt(0, 0), "tiers[1].start"),
                Arguments.of("descending start", startingAt(0, 100, 50), "tiers[2].start"),
                Arguments.of("repeated later start", startingAt(0, 10, 20, 20), "tiers[3].start"),
                Arguments.of("negative start", startingAt(0, -1), "tiers[1].start"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTiers")
    void validTiersPass(String name, List<Tier> tiers) {
        assertThatCode(() -> Tiers.validate(tiers)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTiers")
    void invalidTiersNameField(String name, List<Tier> tiers, String param) {
        ApiError error = catchThrowableOfType(ApiError.class, () -> Tiers.validate(tiers));

        assertThat(error).as("error for %s", name).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("invalid_value");
        assertThat(error.param()).contains(param);
        assertThat(error.getMessage()).contains(param);
    }
}
