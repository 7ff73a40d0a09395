package dev.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Instant NOW = Instant.parse("2026-12-04T16:30:41.123Z");
    private static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Decodes the 48-bit millisecond time in the first 10 characters of a ULID. */
    private static long millisOf(String ulid) {
        long millis = 0;
        for (int i = 0; i < 10; i++) {
            millis = millis * 32 + CROCKFORD.indexOf(ulid.charAt(i));
        }
        return millis;
    }

    private static String ulidOf(String id) {
        return id.substring(id.length() - 26);
    }

    @Test
    void sandboxIdsHaveTestInfix() {
        String id = new Ids(FIXED).next("con", Environment.SANDBOX);

        assertThat(id).matches("con_test_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(Ids.looksLikeId(id)).isTrue();
    }

    @Test
    void liveIdsHaveNoInfix() {
        String id = new Ids(FIXED).next("prd", Environment.LIVE);

        assertThat(id).matches("prd_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(id).doesNotContain("_test_");
        assertThat(Ids.looksLikeId(id)).isTrue();
    }

    @Test
    void looksLikeIdRejectsOtherText() {
        assertThat(Ids.looksLikeId("con_test_01J000000000000000000000")).isFalse();
        assertThat(Ids.looksLikeId("con_01J0000000000000000000000I")).isFalse();
        assertThat(Ids.looksLikeId("Con_01J00000000000000000000000")).isFalse();
        assertThat(Ids.looksLikeId("my-customer-42")).isFalse();
    }

    @Test
    void timePartEncodesClock() {
        String ulid = new Ids(FIXED).nextUlid();

        assertThat(millisOf(ulid)).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void epochStartsWithZeros() {
        String ulid = new Ids(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).nextUlid();

        assertThat(ulid).startsWith("0000000000");
    }

    @Test
    void fixedClockIdsStrictlyIncrease() {
        Ids ids = new Ids(FIXED);
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            generated.add(ids.next("req", Environment.SANDBOX));
        }

        assertThat(generated).isSorted();
        assertThat(generated).doesNotHaveDuplicates();
        assertThat(millisOf(ulidOf(generated.get(generated.size() - 1)))).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void clockGoingBackKeepsOrder() {
        MutableClock clock = new MutableClock(NOW);
        Ids ids = new Ids(clock);
        String before = ids.nextUlid();

        clock.now = NOW.minusSeconds(5);
        String after = ids.nextUlid();

        assertThat(after).isGreaterThan(before);
        assertThat(millisOf(after)).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void laterMillisecondSortsAfter() {
        MutableClock clock = new MutableClock(NOW);
        Ids ids = new Ids(clock);
        String first = ids.nextUlid();

        clock.now = NOW.plusMillis(1);
        String second = ids.nextUlid();

        assertThat(second).isGreaterThan(first);
        assertThat(millisOf(second)).isEqualTo(NOW.toEpochMilli() + 1);
    }

    /** A clock that tests move by hand. */
    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
