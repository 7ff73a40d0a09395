package dev.tollgate.spendkeys;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.WireEnum;
import dev.tollgate.money.Money;
import dev.tollgate.storage.BatchWriter;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The request and spend limits of spend keys, counted in the database so that every node
 * enforces the same counts. Admission counts the request and holds the request's maximum cost
 * against the spend limit in one transaction. Settlement releases the hold and adds the actual
 * cost. Concurrent admissions of one key are serialized by the row's {@code usage_version}, so
 * they cannot together pass a limit. Thread-safe.
 */
public final class SpendKeyLimits {
    /** How long a hold counts when its request never settles, such as after a node crash. */
    public static final Duration HOLD_LIFETIME = Duration.ofMinutes(30);
    /** Admission attempts when other nodes change the key's counters at the same time. */
    private static final int MAX_ATTEMPTS = 20;

    private final BatchWriter writer;
    private final Clock clock;

    public SpendKeyLimits(BatchWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * Counts one request of {@code key} and holds {@code maxCost} for request {@code requestId}.
     *
     * @throws ApiError 429 when the request limit is reached, 402 when the spend already made,
     *     the open holds and {@code maxCost} together exceed the spend limit, 401 when the key
     *     was revoked meanwhile
     */
    public void admit(SpendKey key, String requestId, Money maxCost) {
        Optional<ApiError> rejection = writer.write(handle -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Optional<Optional<ApiError>> decided = tryAdmit(handle, key, requestId, maxCost);
                if (decided.isPresent()) {
                    return decided.get();
                }
            }
            return Optional.of(ApiError.rateLimited("spend_key_contended", "Spend key '"
                    + key.id() + "' is in use by too many concurrent requests; retry shortly."));
        });
        if (rejection.isPresent()) {
            throw rejection.get();
        }
    }

    /**
     * Makes one admission attempt. Returns empty when another writer changed the counters first,
     * else the decision: no error when admitted.
     */
    private Optional<Optional<ApiError>> tryAdmit(Handle handle, SpendKey stale, String requestId,
            Money maxCost) {
        Instant now = clock.instant();
        Optional<SpendKey> found = SpendKeyRows.find(handle, stale.merchantId(),
                stale.environment(), stale.id());
        if (found.isEmpty()) {
            return Optional.of(Optional.of(ApiError.unauthenticated("Spend key '" + stale.id()
                    + "' was revoked. Create a new key with POST /v1/spend_keys.")));
        }
        SpendKey key = found.get();
        Optional<ApiError> overLimit = checkLimits(handle, key, now, maxCost);
        if (overLimit.isPresent()) {
            return Optional.of(overLimit);
        }
        int updated = handle.createUpdate("""
                        UPDATE spend_keys SET
                            cycle_requests = CASE WHEN request_cycle_start = :request_cycle
                                THEN cycle_requests + 1 ELSE 1 END,
                            request_cycle_start = :request_cycle,
                            total_requests = total_requests + 1,
                            cycle_spend = CASE WHEN spend_cycle_start = :spend_cycle
                                THEN cycle_spend ELSE 0 END,
                            spend_cycle_start = :spend_cycle,
                            usage_version = usage_version + 1,
                            last_used_at = :now
                        WHERE id = :id AND usage_version = :version AND revoked_at IS NULL""")
                .bind("request_cycle", Timestamps.format(key.requestCycle().start(now)))
                .bind("spend_cycle", Timestamps.format(key.spendCycle().start(now)))
                .bind("now", Timestamps.format(now))
                .bind("id", key.id())
                .bind("version", key.counters().version())
                .execute();
        if (updated == 0) {
            return Optional.empty();
        }
        handle.createUpdate("""
                        INSERT INTO spend_key_holds (request_id, spend_key_id, amount, created_at,
                            expires_at)
                        VALUES (:request, :key, :amount, :now, :expires)""")
                .bind("request", requestId)
                .bind("key", key.id())
                .bind("amount", maxCost.units())
                .bind("now", Timestamps.format(now))
                .bind("expires", Timestamps.format(now.plus(HOLD_LIFETIME)))
                .execute();
        return Optional.of(Optional.empty());
    }

    private static Optional<ApiError> checkLimits(Handle handle, SpendKey key, Instant now,
            Money maxCost) {
        if (key.settings().requestLimit().isPresent()) {
            SpendKeySettings.RequestLimit limit = key.settings().requestLimit().get();
            if (key.currentRequests(now) >= limit.count()) {
                return Optional.of(ApiError.rateLimited("request_limit_reached", "Spend key '"
                        + key.id() + "' reached its request limit of " + limit.count() + " per "
                        + limit.cycle().code() + " cycle. Wait for the next cycle (UTC) or raise"
                        + " request_limit with PUT /v1/spend_keys/" + key.id() + "."));
            }
        }
        if (key.settings().spendLimit().isEmpty()) {
            return Optional.empty();
        }
        SpendKeySettings.SpendLimit limit = key.settings().spendLimit().get();
        Money spent = key.currentSpend(now);
        Money inFlight = heldAmount(handle, key.id(), now);
        if (spent.plus(inFlight).plus(maxCost).compareTo(limit.amount()) <= 0) {
            return Optional.empty();
        }
        return Optional.of(ApiError.paymentRequired("spend_limit_reached", "Spend key '"
                + key.id() + "' has spent " + spent.toWire() + " of its "
                + limit.amount().toWire() + " " + limit.cycle().code() + " spend limit, "
                + inFlight.toWire() + " is held by requests in flight, and this request may"
                + " cost up to " + maxCost.toWire() + ". Lower max_tokens, wait for the next"
                + " cycle (UTC) or raise spend_limit."));
    }

    private static Money heldAmount(Handle handle, String keyId, Instant now) {
        Long sum = handle.createQuery("""
                        SELECT SUM(amount) FROM spend_key_holds
                        WHERE spend_key_id = :key AND expires_at > :now""")
                .bind("key", keyId)
                .bind("now", Timestamps.format(now))
                .mapTo(Long.class)
                .one();
        return sum == null ? Money.ZERO : new Money(sum);
    }

    /**
     * Releases the hold of request {@code requestId} and adds {@code cost} to the key's spend,
     * inside the caller's settlement transaction. The cost counts in the spend cycle that
     * contains the settlement time. A key revoked meanwhile still records the cost.
     */
    public void settle(Handle handle, String keyId, String requestId, Money cost) {
        Instant now = clock.instant();
        handle.createUpdate("DELETE FROM spend_key_holds WHERE request_id = :request")
                .bind("request", requestId)
                .execute();
        handle.createUpdate("DELETE FROM spend_key_holds WHERE spend_key_id = :key"
                        + " AND expires_at <= :now")
                .bind("key", keyId)
                .bind("now", Timestamps.format(now))
                .execute();
        // The column is null for a key without a spend limit, whose spend cycle is TOTAL.
        List<String> cycleCodes = handle.createQuery(
                        "SELECT spend_limit_cycle FROM spend_keys WHERE id = :id")
                .bind("id", keyId)
                .mapTo(String.class)
                .list();
        Cycle cycle = cycleCodes.isEmpty() || cycleCodes.get(0) == null ? Cycle.TOTAL
                : WireEnum.fromStored(Cycle.class, cycleCodes.get(0));
        handle.createUpdate("""
                        UPDATE spend_keys SET
                            cycle_spend = CASE WHEN spend_cycle_start = :spend_cycle
                                THEN cycle_spend + :cost ELSE :cost END,
                            spend_cycle_start = :spend_cycle,
                            total_spend = total_spend + :cost,
                            usage_version = usage_version + 1
                        WHERE id = :id""")
                .bind("spend_cycle", Timestamps.format(cycle.start(now)))
                .bind("cost", cost.units())
                .bind("id", keyId)
                .execute();
    }
}
