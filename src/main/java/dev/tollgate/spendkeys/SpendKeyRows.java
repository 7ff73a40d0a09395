package dev.tollgate.spendkeys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.Environment;
import dev.tollgate.core.WireEnum;
import dev.tollgate.money.Money;
import dev.tollgate.storage.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/** Reads and writes rows of {@code spend_keys}. */
final class SpendKeyRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String COLUMNS = "id, merchant_id, environment, name, status, request_shape,"
            + " allowed_models, allowed_providers, spend_limit_amount, spend_limit_cycle,"
            + " request_limit_count, request_limit_cycle, rate_limit_rpm, rate_limit_burst,"
            + " expires_at, key_preview, spend_cycle_start, cycle_spend, total_spend,"
            + " request_cycle_start, cycle_requests, total_requests, usage_version, last_used_at,"
            + " created_at";

    private SpendKeyRows() {
    }

    /** Returns the unrevoked key {@code id} of the merchant and environment. */
    static Optional<SpendKey> find(Handle handle, String merchantId, Environment environment,
            String id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM spend_keys WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND revoked_at IS NULL")
                .bind("id", id)
                .bind("merchant", merchantId)
                .bind("environment", environment.code())
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    static SpendKey read(ResultSet rs) throws SQLException {
        SpendKeySettings settings = new SpendKeySettings(
                rs.getString("name"),
                WireEnum.fromStored(SpendKeyStatus.class, rs.getString("status")),
                WireEnum.fromStored(RequestShape.class, rs.getString("request_shape")),
                strings(rs.getString("allowed_models")),
                strings(rs.getString("allowed_providers")),
                spendLimit(rs),
                requestLimit(rs),
                rateLimit(rs),
                instant(rs.getString("expires_at")));
        SpendKey.Counters counters = new SpendKey.Counters(
                instant(rs.getString("spend_cycle_start")),
                new Money(rs.getLong("cycle_spend")),
                new Money(rs.getLong("total_spend")),
                instant(rs.getString("request_cycle_start")),
                rs.getLong("cycle_requests"),
                rs.getLong("total_requests"),
                rs.getLong("usage_version"));
        return new SpendKey(rs.getString("id"), rs.getString("merchant_id"),
                Environment.fromCode(rs.getString("environment")), rs.getString("key_preview"),
                settings, counters, instant(rs.getString("last_used_at")),
                Timestamps.parse(rs.getString("created_at")));
    }

    private static Optional<SpendKeySettings.SpendLimit> spendLimit(ResultSet rs)
            throws SQLException {
        long amount = rs.getLong("spend_limit_amount");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        return Optional.of(new SpendKeySettings.SpendLimit(new Money(amount),
                WireEnum.fromStored(Cycle.class, rs.getString("spend_limit_cycle"))));
    }

    private static Optional<SpendKeySettings.RequestLimit> requestLimit(ResultSet rs)
            throws SQLException {
        long count = rs.getLong("request_limit_count");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        return Optional.of(new SpendKeySettings.RequestLimit(count,
                WireEnum.fromStored(Cycle.class, rs.getString("request_limit_cycle"))));
    }

    private static Optional<SpendKeySettings.RateLimit> rateLimit(ResultSet rs)
            throws SQLException {
        int rpm = rs.getInt("rate_limit_rpm");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        int burst = rs.getInt("rate_limit_burst");
        Optional<Integer> givenBurst = rs.wasNull() ? Optional.empty() : Optional.of(burst);
        return Optional.of(new SpendKeySettings.RateLimit(rpm, givenBurst));
    }

    private static Optional<Instant> instant(String text) {
        return Optional.ofNullable(Timestamps.parseNullable(text));
    }

    private static Optional<List<String>> strings(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, new TypeReference<List<String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("spend_keys contains a list that is not valid JSON: " + json, e);
        }
    }

    /** Binds the settings columns, named as in {@link #COLUMNS}, to {@code statement}. */
    static <S extends SqlStatement<S>> S bindSettings(S statement, SpendKeySettings settings) {
        return statement
                .bind("name", settings.name())
                .bind("status", settings.status().code())
                .bind("request_shape", settings.requestShape().code())
                .bind("allowed_models", settings.allowedModels().map(SpendKeyRows::json)
                        .orElse(null))
                .bind("allowed_providers", settings.allowedProviders().map(SpendKeyRows::json)
                        .orElse(null))
                .bind("spend_limit_amount", settings.spendLimit().map(l -> l.amount().units())
                        .orElse(null))
                .bind("spend_limit_cycle", settings.spendLimit().map(l -> l.cycle().code())
                        .orElse(null))
                .bind("request_limit_count", settings.requestLimit()
                        .map(SpendKeySettings.RequestLimit::count).orElse(null))
                .bind("request_limit_cycle", settings.requestLimit().map(l -> l.cycle().code())
                        .orElse(null))
                .bind("rate_limit_rpm", settings.rateLimit().map(SpendKeySettings.RateLimit::rpm)
                        .orElse(null))
                .bind("rate_limit_burst", settings.rateLimit().flatMap(
                        SpendKeySettings.RateLimit::burst).orElse(null))
                .bind("expires_at", settings.expiresAt().map(Timestamps::format).orElse(null));
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
