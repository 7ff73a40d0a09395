package dev.tollgate.api;

import dev.tollgate.core.ApiError;
import dev.tollgate.gateway.RequestRecords;
import dev.tollgate.money.Money;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/usage}: daily totals over a window. Days are calendar days in the UTC offset
 * of {@code start}; every day of the window has an item, empty ones included.
 */
final class UsageRoutes {
    /** The maximum window of one query, in days of 24 hours. */
    static final int MAX_DAYS = 366;

    private final RequestRecords records;
    private final Endpoints endpoints;
    private final Clock clock;

    UsageRoutes(RequestRecords records, Endpoints endpoints, Clock clock) {
        this.records = records;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/usage", endpoints.authenticated(this::usage));
    }

    private Reply usage(Call call) {
        OffsetDateTime start = parse("start", call.query("start")
                .orElseThrow(() -> ApiError.missing("start")));
        ZoneOffset zone = start.getOffset();
        OffsetDateTime end = call.query("end").map(text -> parse("end", text))
                .orElse(clock.instant().atOffset(zone));
        if (!end.isAfter(start)) {
            throw ApiError.invalid("end", "end must be after start.");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw ApiError.invalid("end", "The window from start '" + start + "' to end '" + end
                    + "' is longer than " + MAX_DAYS + " days. Query a shorter range.");
        }
        RequestRecords.Filter filter = RequestRoutes.filter(call);
        List<RequestRecords.Totals> sums = new ArrayList<>();
        List<Item> items = records.jdbi().withHandle(handle -> {
            List<Item> days = new ArrayList<>();
            LocalDate day = start.toLocalDate();
            Instant from = start.toInstant();
            while (from.isBefore(end.toInstant())) {
                Instant nextMidnight = day.plusDays(1).atStartOfDay().toInstant(zone);
                Instant to = nextMidnight.isBefore(end.toInstant()) ? nextMidnight : end.toInstant();
                RequestRecords.Totals totals = records.totals(handle, call.caller(), filter, from, to);
                sums.add(totals);
                days.add(new Item(day.toString(), from.atOffset(zone).toString(),
                        to.atOffset(zone).toString(), totals.requests(), totals.tokens(),
                        toWire(totals.cost()), toWire(totals.charge())));
                from = to;
                day = day.plusDays(1);
            }
            return days;
        });
        return Reply.ok(new UsageBody(items, sum(sums)));
    }

    private static OffsetDateTime parse(String name, String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notADate) {
                throw ApiError.invalid(name, "Invalid " + name + " '" + text + "'. Use an ISO-8601"
                        + " time with an offset, such as 2026-12-01T00:00:00-05:00, or a date.");
            }
        }
    }

    private static Totals sum(List<RequestRecords.Totals> days) {
        long requests = 0;
        BigInteger tokens = BigInteger.ZERO;
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal charge = BigDecimal.ZERO;
        for (RequestRecords.Totals day : days) {
            requests += day.requests();
            tokens = tokens.add(day.tokens());
            cost = cost.add(day.cost());
            charge = charge.add(day.charge());
        }
        return new Totals(requests, tokens, toWire(cost), toWire(charge));
    }

    /** Formats an exact sum as request-level amounts are: 10 fractional digits. */
    private static String toWire(BigDecimal dollars) {
        return dollars.setScale(Money.SCALE).toPlainString();
    }

    record Item(String date, String start, String end, long totalRequests,
            BigInteger totalUsageTokens, String totalCost, String totalCharge) {
    }

    record Totals(long totalRequests, BigInteger totalUsageTokens, String totalCost,
            String totalCharge) {
    }

    record UsageBody(List<Item> items, Totals totals) {
    }
}
