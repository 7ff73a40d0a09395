package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.money.Money;
import dev.tollgate.storage.ExactSums;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Storage of request records and their metadata. Thread-safe. */
public final class RequestRecords {
    /** The divisor at which large sums are split: 10^10, one dollar in units. */

    private static final String COLUMNS = "id, request_id, status, customer_id, meter_id, provider,"
            + " provider_key_type, model, endpoint, response_id, upstream_status, input_tokens,"
            + " output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,"
            + " input_characters, output_characters, input_seconds, output_seconds, input_cost,"
            + " output_cost, cost, charge, rate_type, breakdown, estimated, simulated, created_at,"
            + " completed_at, body_hash";

    private final Jdbi jdbi;

    public RequestRecords(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Filters of a request list or usage query; empty fields do not filter. */
    public record Filter(Optional<String> customerId, Optional<String> meterId,
            Map<String, String> metadata) {
        public static final Filter NONE = new Filter(Optional.empty(), Optional.empty(), Map.of());
    }

    /** Inserts a record with its metadata inside the caller's transaction. */
    public static void insert(Handle handle, Caller caller, RequestRecord r) {
        TokenUsage t = r.tokens();
        handle.createUpdate("INSERT INTO requests (" + COLUMNS + ", merchant_id, environment)"
                        + " VALUES (:id, :requestId, :status, :customer, :meter, :provider, :keyType,"
                        + " :model, :endpoint, :responseId, :upstreamStatus, :inputTokens, :outputTokens,"
                        + " :cacheRead, :cacheWrite, :reasoning, :inputChars, :outputChars, :inputSeconds,"
                        + " :outputSeconds, :inputCost, :outputCost, :cost, :charge, :rateType,"
                        + " :breakdown, :estimated, :simulated, :created, :completed, :fingerprint, :merchant,"
                        + " :environment)")
                .bind("id", r.id())
                .bind("requestId", r.requestId())
                .bind("status", r.status())
                .bind("customer", r.customerId())
                .bind("meter", r.meterId())
                .bind("provider", r.provider())
                .bind("keyType", r.providerKeyType())
                .bind("model", r.model())
                .bind("endpoint", r.endpoint())
                .bind("responseId", r.responseId())
                .bind("upstreamStatus", r.upstreamStatus())
                .bind("inputTokens", t.inputTotal())
                .bind("outputTokens", t.output())
                .bind("cacheRead", t.cacheRead())
                .bind("cacheWrite", t.cacheWrite())
                .bind("reasoning", t.reasoning())
                .bind("inputChars", r.inputCharacters())
                .bind("outputChars", r.outputCharacters())
                .bind("inputSeconds", r.inputSeconds())
                .bind("outputSeconds", r.outputSeconds())
                .bind("inputCost", r.inputCost().units())
                .bind("outputCost", r.outputCost().units())
                .bind("cost", r.cost().units())
                .bind("charge", r.charge().units())
                .bind("rateType", r.rateType())
                .bind("breakdown", r.breakdownJson())
                .bind("estimated", r.estimated() ? 1 : 0)
                .bind("simulated", r.simulated() ? 1 : 0)
                .bind("created", Timestamps.format(r.createdAt()))
                .bind("completed", Timestamps.formatNullable(r.completedAt()))
                .bind("fingerprint", r.fingerprint())
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .execute();
        for (Map.Entry<String, String> pair : r.metadata().entrySet()) {
            handle.createUpdate("INSERT INTO request_metadata (request_pk, meta_key, meta_value)"
                            + " VALUES (:pk, :key, :value)")
                    .bind("pk", r.id())
                    .bind("key", pair.getKey())
                    .bind("value", pair.getValue())
                    .execute();
        }
    }

    /** Returns the caller's record with this request id, inside a transaction. */
    public static Optional<RequestRecord> findByRequestId(Handle handle, Caller caller,
            String requestId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM requests WHERE request_id = :r"
                        + " AND merchant_id = :merchant AND environment = :environment")
                .bind("r", requestId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne()
                .map(record -> withMetadata(handle, record));
    }

    /**
     * Returns a record of the caller by its request id.
     *
     * @throws ApiError 404 when there is none
     */
    public RequestRecord get(Caller caller, String requestId) {
        return jdbi.withHandle(handle -> findByRequestId(handle, caller, requestId))
                .orElseThrow(() -> ApiError.notFound("request", requestId));
    }

    public Page<RequestRecord> list(Caller caller, Filter filter, PageRequest page) {
        List<RequestRecord> rows = jdbi.withHandle(handle -> {
            Query query = handle.createQuery("SELECT " + COLUMNS + " FROM requests r"
                    + " WHERE merchant_id = :merchant AND environment = :environment"
                    + filterSql(filter) + " AND id < :cursor ORDER BY id DESC LIMIT :limit");
            bindFilter(query, caller, filter);
            return query.bind("cursor", page.cursorBound())
                    .bind("limit", page.limit() + 1)
                    .map((rs, ctx) -> read(rs))
                    .list()
                    .stream()
                    .map(record -> withMetadata(handle, record))
                    .toList();
        });
        return Page.fromOverfetch(rows, page.limit(), RequestRecord::id);
    }

    /**
     * Sums of the caller's records created in [from, to) that match the filter, exact at any
     * size: tokens as a count, cost and charge in dollars.
     */
    public record Totals(long requests, BigInteger tokens, BigDecimal cost, BigDecimal charge) {
    }

    /** Sums the records exactly, with {@link ExactSums}. */
    public Totals totals(Handle handle, Caller caller, Filter filter, Instant from, Instant to) {
        Query query = handle.createQuery("SELECT COUNT(*) AS n, "
                + ExactSums.columns("input_tokens + output_tokens", "tokens") + ", "
                + ExactSums.columns("cost", "cost") + ", " + ExactSums.columns("charge", "charge")
                + " FROM requests r WHERE merchant_id = :merchant AND environment = :environment"
                + filterSql(filter) + " AND created_at >= :from AND created_at < :to");
        bindFilter(query, caller, filter);
        return query.bind("from", Timestamps.format(from))
                .bind("to", Timestamps.format(to))
                .map((rs, ctx) -> new Totals(rs.getLong("n"), ExactSums.read(rs, "tokens"),
                        new BigDecimal(ExactSums.read(rs, "cost"), Money.SCALE),
                        new BigDecimal(ExactSums.read(rs, "charge"), Money.SCALE)))
                .one();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    private static String filterSql(Filter filter) {
        StringBuilder sql = new StringBuilder();
        filter.customerId().ifPresent(id -> sql.append(" AND customer_id = :customer"));
        filter.meterId().ifPresent(id -> sql.append(" AND meter_id = :meter"));
        for (int i = 0; i < filter.metadata().size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM request_metadata m WHERE m.request_pk = r.id")
                    .append(" AND m.meta_key = :key").append(i)
                    .append(" AND m.meta_value = :value").append(i).append(")");
        }
        return sql.toString();
    }

    private static void bindFilter(Query query, Caller caller, Filter filter) {
        query.bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("customer", filter.customerId().orElse(null))
                .bind("meter", filter.meterId().orElse(null));
        int i = 0;
        for (Map.Entry<String, String> pair : filter.metadata().entrySet()) {
            query.bind("key" + i, pair.getKey()).bind("value" + i, pair.getValue());
            i++;
        }
    }

    private static RequestRecord withMetadata(Handle handle, RequestRecord record) {
        Map<String, String> metadata = new LinkedHashMap<>();
        handle.createQuery("SELECT meta_key, meta_value FROM request_metadata"
                        + " WHERE request_pk = :pk ORDER BY meta_key")
                .bind("pk", record.id())
                .map((rs, ctx) -> Map.entry(rs.getString("meta_key"), rs.getString("meta_value")))
                .forEach(pair -> metadata.put(pair.getKey(), pair.getValue()));
        return new RequestRecord(record.id(), record.requestId(), record.status(),
                record.customerId(), record.meterId(), record.provider(), record.providerKeyType(),
                record.model(), record.endpoint(), record.responseId(), record.upstreamStatus(),
                record.tokens(), record.inputCharacters(), record.outputCharacters(),
                record.inputSeconds(), record.outputSeconds(), record.inputCost(),
                record.outputCost(), record.cost(), record.charge(), record.rateType(),
                record.breakdownJson(), metadata, record.estimated(), record.simulated(),
                record.createdAt(), record.completedAt(), record.fingerprint());
    }

    private static RequestRecord read(ResultSet rs) throws SQLException {
        long cacheRead = rs.getLong("cache_read_tokens");
        long cacheWrite = rs.getLong("cache_write_tokens");
        TokenUsage tokens = new TokenUsage(rs.getLong("input_tokens") - cacheRead - cacheWrite,
                cacheRead, cacheWrite, rs.getLong("output_tokens"), rs.getLong("reasoning_tokens"), -1);
        return new RequestRecord(rs.getString("id"), rs.getString("request_id"),
                rs.getString("status"), rs.getString("customer_id"), rs.getString("meter_id"),
                rs.getString("provider"), rs.getString("provider_key_type"), rs.getString("model"),
                rs.getString("endpoint"), rs.getString("response_id"), rs.getInt("upstream_status"),
                tokens, rs.getLong("input_characters"), rs.getLong("output_characters"),
                rs.getLong("input_seconds"), rs.getLong("output_seconds"),
                new Money(rs.getLong("input_cost")), new Money(rs.getLong("output_cost")),
                new Money(rs.getLong("cost")), new Money(rs.getLong("charge")),
                rs.getString("rate_type"), rs.getString("breakdown"), Map.of(),
                rs.getInt("estimated") == 1, rs.getInt("simulated") == 1,
                Timestamps.parse(rs.getString("created_at")),
                Timestamps.parseNullable(rs.getString("completed_at")), rs.getString("body_hash"));
    }
}
