package dev.tollgate.accounts;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Secret keys: creation, hashed storage, authentication, listing and revocation. A revoked
 * key fails authentication from the next request on. Thread-safe.
 */
public final class SecretKeys {
    private static final Pattern KEY_BODY = Pattern.compile("[A-Za-z0-9_-]{24,128}");
    private static final String COLUMNS = "id, name, hint, created_at";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;

    public SecretKeys(Jdbi jdbi, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
    }

    /** A key as returned once at creation. */
    public record CreatedKey(SecretKey key, String secret) {
    }

    /**
     * Returns the caller that {@code rawKey} authenticates.
     *
     * @throws ApiError 401 when the key is malformed, unknown or revoked
     */
    public Caller authenticate(String rawKey) {
        Environment environment = environmentOf(rawKey)
                .orElseThrow(() -> ApiError.unauthenticated(
                        "Invalid secret key. Send 'Authorization: Bearer aks_test_...' or "
                                + "'aks_live_...' with a key from /v1/secret_keys."));
        String hash = KeyHashing.hash(rawKey);
        List<StoredKey> candidates = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, merchant_id, environment, key_hash FROM secret_keys
                        WHERE lookup_prefix = :prefix AND deleted_at IS NULL""")
                .bind("prefix", KeyHashing.lookupPrefix(hash))
                .map((rs, ctx) -> new StoredKey(rs.getString("id"), rs.getString("merchant_id"),
                        rs.getString("environment"), rs.getString("key_hash")))
                .list());
        for (StoredKey candidate : candidates) {
            if (KeyHashing.hashesEqual(candidate.hash(), hash)
                    && candidate.environment().equals(environment.code())) {
                return new Caller(candidate.merchantId(), environment, candidate.id());
            }
        }
        throw ApiError.unauthenticated(
                "Unknown or revoked secret key. Create a new key with POST /v1/secret_keys.");
    }

    private record StoredKey(String id, String merchantId, String environment, String hash) {
    }

    /** Returns the environment a key's prefix selects, when the key is well formed. */
    public static Optional<Environment> environmentOf(String rawKey) {
        for (Environment environment : Environment.values()) {
            String prefix = environment.secretKeyPrefix();
            if (rawKey.startsWith(prefix)
                    && KEY_BODY.matcher(rawKey.substring(prefix.length())).matches()) {
                return Optional.of(environment);
            }
        }
        return Optional.empty();
    }

    /** Creates a key with a new random secret for the caller's merchant and environment. */
    public CreatedKey create(Caller caller, String name) {
        return jdbi.inTransaction(handle -> insert(handle, caller.merchantId(),
                caller.environment(), name, KeyHashing.newKey(caller.environment().secretKeyPrefix())));
    }

    /**
     * Stores {@code secret} as a key of the merchant, inside the caller's transaction. The
     * secret must be a well-formed key of {@code environment}.
     */
    CreatedKey insert(Handle handle, String merchantId, Environment environment, String name,
            String secret) {
        if (environmentOf(secret).orElse(null) != environment) {
            throw new IllegalArgumentException("not a valid " + environment.code()
                    + " secret key: it must be " + environment.secretKeyPrefix()
                    + " followed by 24 to 128 letters, digits, '_' or '-'");
        }
        String hash = KeyHashing.hash(secret);
        SecretKey key = new SecretKey(ids.next("sk", environment), name, KeyHashing.hint(secret),
                clock.instant());
        handle.createUpdate("""
                        INSERT INTO secret_keys (id, merchant_id, environment, name, lookup_prefix,
                            key_hash, hint, created_at)
                        VALUES (:id, :merchant, :environment, :name, :prefix, :hash, :hint, :created)""")
                .bind("id", key.id())
                .bind("merchant", merchantId)
                .bind("environment", environment.code())
                .bind("name", name)
                .bind("prefix", KeyHashing.lookupPrefix(hash))
                .bind("hash", hash)
                .bind("hint", key.hint())
                .bind("created", Timestamps.format(key.createdAt()))
                .execute();
        return new CreatedKey(key, secret);
    }

    public Page<SecretKey> list(Caller caller, PageRequest page) {
        List<SecretKey> rows = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + COLUMNS + " FROM secret_keys WHERE merchant_id = :merchant"
                                + " AND environment = :environment AND deleted_at IS NULL"
                                + " AND id < :cursor ORDER BY id DESC LIMIT :limit")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", page.cursorBound())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> new SecretKey(rs.getString("id"), rs.getString("name"),
                        rs.getString("hint"), Timestamps.parse(rs.getString("created_at"))))
                .list());
        return Page.fromOverfetch(rows, page.limit(), SecretKey::id);
    }

    /**
     * Revokes a key of the caller's merchant and environment.
     *
     * @throws ApiError 404 for an unknown key, 409 for the key making the request
     */
    public void delete(Caller caller, String keyId) {
        if (keyId.equals(caller.secretKeyId())) {
            throw ApiError.conflict("key_in_use", null, "Secret key '" + keyId
                    + "' is the key making this request. Delete it with another key.");
        }
        int deleted = jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE secret_keys SET deleted_at = :now
                        WHERE id = :id AND merchant_id = :merchant AND environment = :environment
                          AND deleted_at IS NULL""")
                .bind("now", Timestamps.format(clock.instant()))
                .bind("id", keyId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .execute());
        if (deleted == 0) {
            throw ApiError.notFound("secret key", keyId);
        }
    }
}
