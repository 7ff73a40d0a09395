package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.money.Money;
import java.time.Instant;
import java.util.Map;

/**
 * One metered request: who it was for, what it used, what the provider charged and what the
 * customer was charged. {@code id} orders records (it is the request id for gateway traffic);
 * {@code requestId} is the id shown to clients, the caller's own id for usage recorded with
 * {@code POST /v1/requests}. {@code breakdownJson} is the charge breakdown in wire form;
 * {@code fingerprint} identifies the body of usage recorded through the API, else null.
 */
public record RequestRecord(
        String id,
        String requestId,
        String status,
        String customerId,
        String meterId,
        String provider,
        String providerKeyType,
        String model,
        String endpoint,
        String responseId,
        int upstreamStatus,
        TokenUsage tokens,
        long inputCharacters,
        long outputCharacters,
        long inputSeconds,
        long outputSeconds,
        Money inputCost,
        Money outputCost,
        Money cost,
        Money charge,
        String rateType,
        String breakdownJson,
        Map<String, String> metadata,
        boolean estimated,
        boolean simulated,
        Instant createdAt,
        Instant completedAt,
        String fingerprint) {
}
