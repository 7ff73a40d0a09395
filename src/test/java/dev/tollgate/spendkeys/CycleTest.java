package dev.tollgate.spendkeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CycleTest {
    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
            "DAILY,   2026-12-04T23:59:59.999Z, 2026-12-04T00:00:00Z",
            "DAILY,   2026-12-05T00:00:00Z,     2026-12-05T00:00:00Z",
            // 2026-12-06 is a Sunday, so its week started on Monday 2026-11-30.
            "WEEKLY,  2026-12-06T12:00:00Z,     2026-11-30T00:00:00Z",
            "WEEKLY,  2026-11-30T00:00:00Z,     2026-11-30T00:00:00Z",
            "WEEKLY,  2027-01-01T08:00:00Z,     2026-12-28T00:00:00Z",
            "MONTHLY, 2026-12-31T23:59:59Z,     2026-12-01T00:00:00Z",
            "MONTHLY, 2028-02-29T10:00:00Z,     2028-02-01T00:00:00Z",
            "TOTAL,   2026-12-04T10:00:00Z,     1970-01-01T00:00:00Z"
    })
    void startFollowsUtcCalendar(Cycle cycle, String now, String expectedStart) {
        assertThat(cycle.start(Instant.parse(now))).isEqualTo(Instant.parse(expectedStart));
    }
}
