package dev.tollgate.accounts;

import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Sql;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.Plans;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merchant accounts. A new merchant gets one sandbox and one live secret key and, in each
 * environment, the Free plan that new customers are placed on.
 */
public final class Merchants {
    private static final Logger LOG = LoggerFactory.getLogger(Merchants.class);
    private static final String BOOTSTRAP_ROW = "first-merchant";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;
    private final SecretKeys secretKeys;

    public Merchants(Jdbi jdbi, Ids ids, Clock clock, SecretKeys secretKeys) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
        this.secretKeys = secretKeys;
    }

    /** A new merchant with the raw secrets of its first keys, to be shown once. */
    public record NewMerchant(String merchantId, String name, String sandboxKey, String liveKey) {
    }

    /**
     * Creates a merchant with new random keys.
     */
    public NewMerchant create(String name) {
        return jdbi.inTransaction(handle -> insert(handle, name, Optional.empty(), Optional.empty()));
    }

    /**
     * Creates the first merchant when the database has none, using the given keys when present.
     * Several nodes may call this at once on one PostgreSQL database: exactly one creates it.
     *
     * @return the new merchant, or empty when one already existed
     * @throws IllegalArgumentException when a given key is not a well-formed key of its environment
     */
    public Optional<NewMerchant> bootstrapIfEmpty(Optional<String> sandboxKey,
            Optional<String> liveKey) {
        try {
            return jdbi.inTransaction(handle -> {
                boolean done = handle.createQuery("SELECT COUNT(*) FROM bootstrap")
                        .mapTo(Integer.class).one() > 0;
                boolean hasMerchants = handle.createQuery("SELECT COUNT(*) FROM merchants")
                        .mapTo(Integer.class).one() > 0;
                if (done || hasMerchants) {
                    return Optional.empty();
                }
                NewMerchant merchant = insert(handle, "Default merchant", sandboxKey, liveKey);
                handle.createUpdate("INSERT INTO bootstrap (name, merchant_id, created_at)"
                                + " VALUES (:name, :merchant, :created)")
                        .bind("name", BOOTSTRAP_ROW)
                        .bind("merchant", merchant.merchantId())
                        .bind("created", Timestamps.format(clock.instant()))
                        .execute();
                return Optional.of(merchant);
            });
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                LOG.info("First merchant was created by another node");
                return Optional.empty();
            }
            throw e;
        }
    }

    private NewMerchant insert(Handle handle, String name, Optional<String> sandboxKey,
            Optional<String> liveKey) {
        Instant now = clock.instant();
        String merchantId = ids.next("mer", Environment.LIVE);
        handle.createUpdate("INSERT INTO merchants (id, name, created_at) VALUES (:id, :name, :created)")
                .bind("id", merchantId)
                .bind("name", name)
                .bind("created", Timestamps.format(now))
                .execute();
        String sandbox = sandboxKey.orElseGet(
                () -> KeyHashing.newKey(Environment.SANDBOX.secretKeyPrefix()));
        String live = liveKey.orElseGet(() -> KeyHashing.newKey(Environment.LIVE.secretKeyPrefix()));
        secretKeys.insert(handle, merchantId, Environment.SANDBOX, "Default sandbox key", sandbox);
        secretKeys.insert(handle, merchantId, Environment.LIVE, "Default live key", live);
        for (Environment environment : Environment.values()) {
            Plans.insertFreePlan(handle, ids, merchantId, environment, now);
        }
        LOG.info("Merchant created merchantId={}", merchantId);
        return new NewMerchant(merchantId, name, sandbox, live);
    }
}
