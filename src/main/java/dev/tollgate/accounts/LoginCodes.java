package dev.tollgate.accounts;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time codes of the browser login flow. A merchant approves an agent or command line with
 * one of its secret keys, which issues a code; the agent exchanges the code once, within
 * {@link #CODE_LIFETIME}, for a new secret key of the approving key's environment. Codes are
 * stored as SHA-256 hashes. Thread-safe.
 */
public final class LoginCodes {
    private static final Logger LOG = LoggerFactory.getLogger(LoginCodes.class);
    /** How long a code can be exchanged after approval. */
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    /** The name of the secret key created by an exchange. */
    public static final String LOGIN_KEY_NAME = "CLI login";
    private static final String CODE_PREFIX = "tlc_";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;
    private final SecretKeys secretKeys;

    public LoginCodes(Jdbi jdbi, Ids ids, Clock clock, SecretKeys secretKeys) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
        this.secretKeys = secretKeys;
    }

    /**
     * The credentials an exchange returns. Tollgate keeps one wallet and one account per
     * merchant, so {@code walletId} and {@code accountId} are derived from the merchant id.
     */
    public record Credentials(String walletId, String secretKeyId, String secretKey,
            String merchantId, String accountId) {
    }

    /** Issues a code for the merchant and environment of {@code approver}; returns the raw code. */
    public String issue(Caller approver) {
        String code = KeyHashing.newKey(CODE_PREFIX);
        Instant now = clock.instant();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO login_codes (id, merchant_id, environment, approved_by_key_id,
                            code_hash, created_at, expires_at)
                        VALUES (:id, :merchant, :environment, :key, :hash, :created, :expires)""")
                .bind("id", ids.next("lgc", approver.environment()))
                .bind("merchant", approver.merchantId())
                .bind("environment", approver.environment().code())
                .bind("key", approver.secretKeyId())
                .bind("hash", KeyHashing.hash(code))
                .bind("created", Timestamps.format(now))
                .bind("expires", Timestamps.format(now.plus(CODE_LIFETIME)))
                .execute());
        LOG.info("Login approved merchantId={} secretKeyId={}", approver.merchantId(),
                approver.secretKeyId());
        return code;
    }

    /**
     * Exchanges a code for a new secret key named {@value #LOGIN_KEY_NAME}.
     *
     * @throws ApiError 400 for an unknown code, 409 for a code already exchanged, 410 for an
     *     expired code, 401 when the approving key was revoked since
     */
    public Credentials exchange(String code) {
        return jdbi.inTransaction(handle -> {
            StoredCode stored = find(handle, code).orElseThrow(() -> ApiError.invalid("code",
                    "Unknown login code. Start the login again to get a new code."));
            Instant now = clock.instant();
            if (stored.usedAt().isPresent()) {
                throw ApiError.conflict("login_code_used", "code", "This login code was already"
                        + " exchanged. Codes work once; start the login again.");
            }
            if (!now.isBefore(stored.expiresAt())) {
                throw ApiError.gone("login_code_expired", "This login code expired "
                        + CODE_LIFETIME.toSeconds() + " seconds after approval. Start the login"
                        + " again.");
            }
            if (!markUsed(handle, stored.id(), now)) {
                throw ApiError.conflict("login_code_used", "code", "This login code was already"
                        + " exchanged. Codes work once; start the login again.");
            }
            if (stored.approverRevoked()) {
                throw ApiError.unauthenticated("The secret key that approved this login was"
                        + " revoked. Approve the login again with a valid key.");
            }
            Environment environment = Environment.fromCode(stored.environment());
            SecretKeys.CreatedKey created = secretKeys.insert(handle, stored.merchantId(),
                    environment, LOGIN_KEY_NAME,
                    KeyHashing.newKey(environment.secretKeyPrefix()));
            LOG.info("Login code exchanged merchantId={} secretKeyId={}", stored.merchantId(),
                    created.key().id());
            return new Credentials(Wallets.walletId(stored.merchantId()), created.key().id(),
                    created.secret(), stored.merchantId(), Wallets.accountId(stored.merchantId()));
        });
    }

    private record StoredCode(String id, String merchantId, String environment,
            Instant expiresAt, Optional<Instant> usedAt, boolean approverRevoked) {
    }

    private static Optional<StoredCode> find(Handle handle, String code) {
        return handle.createQuery("""
                        SELECT c.id, c.merchant_id, c.environment, c.expires_at, c.used_at,
                            k.deleted_at AS key_deleted_at
                        FROM login_codes c JOIN secret_keys k ON k.id = c.approved_by_key_id
                        WHERE c.code_hash = :hash""")
                .bind("hash", KeyHashing.hash(code))
                .map((rs, ctx) -> new StoredCode(rs.getString("id"), rs.getString("merchant_id"),
                        rs.getString("environment"), Timestamps.parse(rs.getString("expires_at")),
                        Optional.ofNullable(Timestamps.parseNullable(rs.getString("used_at"))),
                        rs.getString("key_deleted_at") != null))
                .findOne();
    }

    /** Marks the code used; returns false when a concurrent exchange marked it first. */
    private static boolean markUsed(Handle handle, String id, Instant now) {
        return handle.createUpdate(
                        "UPDATE login_codes SET used_at = :now WHERE id = :id AND used_at IS NULL")
                .bind("now", Timestamps.format(now))
                .bind("id", id)
                .execute() == 1;
    }
}
