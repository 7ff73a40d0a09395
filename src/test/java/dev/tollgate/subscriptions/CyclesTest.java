package dev.tollgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CyclesTest {

    static Stream<Arguments> boundaries() {
        return Stream.of(
                // Monthly from Jan 31: Feb has no 31st, so the cycle ends on its last day, and
                // the next one returns to the 31st.
                Arguments.of("2026-01-31T10:00:00Z", BillingInterval.MONTH, 1, "2026-02-28T10:00:00Z"),
                Arguments.of("2026-01-31T10:00:00Z", BillingInterval.MONTH, 2, "2026-03-31T10:00:00Z"),
                Arguments.of("2026-01-31T10:00:00Z", BillingInterval.MONTH, 3, "2026-04-30T10:00:00Z"),
                Arguments.of("2028-01-31T00:00:00Z", BillingInterval.MONTH, 1, "2028-02-29T00:00:00Z"),
                Arguments.of("2026-12-15T08:30:00Z", BillingInterval.MONTH, 1, "2027-01-15T08:30:00Z"),
                // Yearly from Feb 29: Feb 28 in common years, Feb 29 again in the next leap year.
                Arguments.of("2028-02-29T12:00:00Z", BillingInterval.YEAR, 1, "2029-02-28T12:00:00Z"),
                Arguments.of("2028-02-29T12:00:00Z", BillingInterval.YEAR, 4, "2032-02-29T12:00:00Z"),
                // Weekly across the US daylight-saving change of 2026-03-08: UTC steps stay 7 days.
                Arguments.of("2026-03-05T15:00:00Z", BillingInterval.WEEK, 1, "2026-03-12T15:00:00Z"),
                Arguments.of("2026-10-29T15:00:00Z", BillingInterval.WEEK, 1, "2026-11-05T15:00:00Z"),
                Arguments.of("2026-12-04T00:00:00Z", BillingInterval.DAY, 1, "2026-12-05T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0} {1} x{2} = {3}")
    @MethodSource("boundaries")
    void boundaryFromAnchor(String anchor, BillingInterval interval, int n, String expected) {
        assertThat(Cycles.boundary(Instant.parse(anchor), interval, n))
                .isEqualTo(Instant.parse(expected));
    }

    @Test
    void dailyCyclesForFourHundredDays() {
        Instant anchor = Instant.parse("2027-12-31T23:30:00Z");
        for (int n = 1; n <= 400; n++) {
            Instant previous = Cycles.boundary(anchor, BillingInterval.DAY, n - 1);
            Instant next = Cycles.boundary(anchor, BillingInterval.DAY, n);
            assertThat(next.getEpochSecond() - previous.getEpochSecond()).as("cycle %d", n)
                    .isEqualTo(86_400);
        }
        // 2028 is a leap year: 400 days from Dec 31, 2027 end on Feb 3, 2029.
        assertThat(Cycles.boundary(anchor, BillingInterval.DAY, 400))
                .isEqualTo(Instant.parse("2029-02-03T23:30:00Z"));
    }

    @Test
    void weeklyIgnoresLocalDaylightSaving() {
        Instant anchor = Instant.parse("2026-03-05T15:00:00Z");
        Instant end = Cycles.boundary(anchor, BillingInterval.WEEK, 1);
        // In New York the wall-clock hour moves by one across the change; the UTC cycle does not.
        assertThat(anchor.atZone(ZoneId.of("America/New_York")).getHour()).isEqualTo(10);
        assertThat(end.atZone(ZoneId.of("America/New_York")).getHour()).isEqualTo(11);
        assertThat(end.getEpochSecond() - anchor.getEpochSecond()).isEqualTo(7 * 86_400);
    }
}
