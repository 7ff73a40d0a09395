package dev.tollgate.spendkeys;

import dev.tollgate.accounts.KeyHashing;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Spend keys: creation, hashed storage, listing, updates, rotation, revocation and
 * authentication. A rotated or revoked key fails authentication from the next request on.
 * Thread-safe.
 */
public final class SpendKeys {
    /** The prefix of every raw spend key. */
    public static final String KEY_PREFIX = "lava_sk_";
    private static final Pattern KEY_BODY = Pattern.compile("[A-Za-z0-9]{40}");

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;

    public SpendKeys(Jdbi jdbi, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
    }

    /** A key as returned once at creation or rotation, with the raw key. */
    public record CreatedKey(SpendKey key, String secret) {
    }

    /** Returns whether {@code credential} has the form of a spend key, without checking it. */
    public static boolean looksLikeSpendKey(String credential) {
        return credential.startsWith(KEY_PREFIX);
    }

    /** Creates a key with a new random secret for the caller's merchant and environment. */
    public CreatedKey create(Caller caller, SpendKeySettings settings) {
        String secret = KeyHashing.newKey(KEY_PREFIX);
        String hash = KeyHashing.hash(secret);
        String id = ids.next("spk", caller.environment());
        jdbi.useTransaction(handle -> SpendKeyRows.bindSettings(handle.createUpdate("""
                        INSERT INTO spend_keys (id, merchant_id, environment, name, status,
                            request_shape, allowed_models, allowed_providers, spend_limit_amount,
                            spend_limit_cycle, request_limit_count, request_limit_cycle,
                            rate_limit_rpm, rate_limit_burst, expires_at, lookup_prefix, key_hash,
                            key_preview, created_at)
                        VALUES (:id, :merchant, :environment, :name, :status, :request_shape,
                            :allowed_models, :allowed_providers, :spend_limit_amount,
                            :spend_limit_cycle, :request_limit_count, :request_limit_cycle,
                            :rate_limit_rpm, :rate_limit_burst, :expires_at, :prefix, :hash,
                            :preview, :created)"""), settings)
                .bind("id", id)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("prefix", KeyHashing.lookupPrefix(hash))
                .bind("hash", hash)
                .bind("preview", preview(secret))
                .bind("created", Timestamps.format(clock.instant()))
                .execute());
        return new CreatedKey(get(caller, id), secret);
    }

    /** Returns {@code lava_sk_...} followed by the key's last four characters. */
    private static String preview(String secret) {
        return KEY_PREFIX + "..." + KeyHashing.hint(secret);
    }

    /** Lists the caller's unrevoked keys, newest first. */
    public Page<SpendKey> list(Caller caller, PageRequest page) {
        List<SpendKey> rows = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + SpendKeyRows.COLUMNS + " FROM spend_keys"
                                + " WHERE merchant_id = :merchant AND environment = :environment"
                                + " AND revoked_at IS NULL AND id < :cursor"
                                + " ORDER BY id DESC LIMIT :limit")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", page.cursorBound())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> SpendKeyRows.read(rs))
                .list());
        return Page.fromOverfetch(rows, page.limit(), SpendKey::id);
    }

    /**
     * Returns the caller's key {@code id}.
     *
     * @throws ApiError 404 when the caller's merchant and environment have no such unrevoked key
     */
    public SpendKey get(Caller caller, String id) {
        return jdbi.withHandle(handle -> find(handle, caller, id));
    }

    private static SpendKey find(Handle handle, Caller caller, String id) {
        return SpendKeyRows.find(handle, caller.merchantId(), caller.environment(), id)
                .orElseThrow(() -> ApiError.notFound("spend key", id));
    }

    /**
     * Applies {@code change} to the key's settings and stores the result in one transaction.
     *
     * @throws ApiError 404 for an unknown or revoked key
     */
    public SpendKey update(Caller caller, String id, UnaryOperator<SpendKeySettings> change) {
        return jdbi.inTransaction(handle -> {
            SpendKey current = find(handle, caller, id);
            SpendKeySettings changed = change.apply(current.settings());
            SpendKeyRows.bindSettings(handle.createUpdate("""
                            UPDATE spend_keys SET name = :name, status = :status,
                                request_shape = :request_shape, allowed_models = :allowed_models,
                                allowed_providers = :allowed_providers,
                                spend_limit_amount = :spend_limit_amount,
                                spend_limit_cycle = :spend_limit_cycle,
                                request_limit_count = :request_limit_count,
                                request_limit_cycle = :request_limit_cycle,
                                rate_limit_rpm = :rate_limit_rpm,
                                rate_limit_burst = :rate_limit_burst, expires_at = :expires_at
                            WHERE id = :id AND revoked_at IS NULL"""), changed)
                    .bind("id", id)
                    .execute();
            return find(handle, caller, id);
        });
    }

    /**
     * Replaces the key's secret; the old secret fails from the next request on.
     *
     * @throws ApiError 404 for an unknown or revoked key
     */
    public CreatedKey rotate(Caller caller, String id) {
        String secret = KeyHashing.newKey(KEY_PREFIX);
        String hash = KeyHashing.hash(secret);
        SpendKey rotated = jdbi.inTransaction(handle -> {
            find(handle, caller, id);
            handle.createUpdate("""
                            UPDATE spend_keys SET lookup_prefix = :prefix, key_hash = :hash,
                                key_preview = :preview
                            WHERE id = :id AND revoked_at IS NULL""")
                    .bind("prefix", KeyHashing.lookupPrefix(hash))
                    .bind("hash", hash)
                    .bind("preview", preview(secret))
                    .bind("id", id)
                    .execute();
            return find(handle, caller, id);
        });
        return new CreatedKey(rotated, secret);
    }

    /**
     * Revokes the key; it fails from the next request on and no longer appears in lists.
     *
     * @throws ApiError 404 for an unknown or already revoked key
     */
    public void revoke(Caller caller, String id) {
        int revoked = jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE spend_keys SET revoked_at = :now
                        WHERE id = :id AND merchant_id = :merchant AND environment = :environment
                          AND revoked_at IS NULL""")
                .bind("now", Timestamps.format(clock.instant()))
                .bind("id", id)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .execute());
        if (revoked == 0) {
            throw ApiError.notFound("spend key", id);
        }
    }

    /**
     * Returns the unrevoked key whose secret is {@code rawKey}. The caller checks its status,
     * expiry and limits.
     *
     * @throws ApiError 401 when the key is malformed, unknown, rotated or revoked
     */
    public SpendKey authenticate(String rawKey) {
        if (!looksLikeSpendKey(rawKey)
                || !KEY_BODY.matcher(rawKey.substring(KEY_PREFIX.length())).matches()) {
            throw ApiError.unauthenticated("Invalid spend key. Send 'Authorization: Bearer"
                    + " lava_sk_...' with a key from POST /v1/spend_keys.");
        }
        String hash = KeyHashing.hash(rawKey);
        List<Candidate> candidates = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT key_hash, " + SpendKeyRows.COLUMNS + " FROM spend_keys"
                                + " WHERE lookup_prefix = :prefix AND revoked_at IS NULL")
                .bind("prefix", KeyHashing.lookupPrefix(hash))
                .map((rs, ctx) -> new Candidate(rs.getString("key_hash"), SpendKeyRows.read(rs)))
                .list());
        for (Candidate candidate : candidates) {
            if (KeyHashing.hashesEqual(candidate.hash(), hash)) {
                return candidate.key();
            }
        }
        throw ApiError.unauthenticated("Unknown, rotated or revoked spend key. Use the key"
                + " returned by the latest create or rotate call.");
    }

    private record Candidate(String hash, SpendKey key) {
    }
}
