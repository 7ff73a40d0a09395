package dev.tollgate.checkout;

import dev.tollgate.core.ApiError;
import dev.tollgate.storage.Timestamps;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims on the payment of checkout sessions, stored in {@code checkout_payment_claims}, so that
 * at most one attempt per session charges a card at a time, across threads and across nodes
 * that share the database. An attempt takes the claim before any card processor request. It
 * releases the claim when the card is declined or the processor fails, so that the customer can
 * try again, and keeps it after a successful charge. A claim that was neither released nor
 * completed, because its node stopped mid-charge, may be taken over after {@link #TIMEOUT}.
 * Thread-safe.
 */
final class PaymentClaims {
    /**
     * How long a claim blocks other attempts. A live attempt makes two Stripe requests. With the
     * stripe-java 33.3.0 defaults (30 s connect and 80 s read timeout, two retries) each may take
     * about 6 minutes, an estimate of three tries of 110 s plus backoff. This timeout keeps a
     * takeover from overlapping an attempt that is still running.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(PaymentClaims.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Clock clock;

    PaymentClaims(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A claim held by one payment attempt. */
    record Claim(String sessionId, String claimId) {
    }

    private record Row(String claimId, String paymentHash, Instant claimedAt, Instant expiresAt) {
    }

    /**
     * Takes the claim on the session's payment for an attempt that charges {@code payment}.
     *
     * @throws ApiError 409 {@code session_completed} when the session is completed, and 409
     *     {@code payment_in_progress} while another attempt holds an unexpired claim
     */
    Claim take(String sessionId, String payment) {
        String claimId = randomId();
        String paymentHash = CheckoutSessions.hash(payment);
        return jdbi.inTransaction(handle -> {
            checkNotCompleted(handle, sessionId);
            Instant now = clock.instant();
            int inserted = handle.createUpdate("""
                            INSERT INTO checkout_payment_claims (session_id, claim_id, payment_hash,
                                claimed_at, expires_at)
                            VALUES (:session, :claim, :payment, :now, :expires)
                            ON CONFLICT (session_id) DO NOTHING""")
                    .bind("session", sessionId)
                    .bind("claim", claimId)
                    .bind("payment", paymentHash)
                    .bind("now", Timestamps.format(now))
                    .bind("expires", Timestamps.format(now.plus(TIMEOUT)))
                    .execute();
            if (inserted == 1) {
                return new Claim(sessionId, claimId);
            }
            Optional<Row> existing = find(handle, sessionId);
            if (existing.isEmpty() || now.isBefore(existing.get().expiresAt())) {
                throw inProgress();
            }
            takeOver(handle, sessionId, existing.get(), claimId, paymentHash, now);
            return new Claim(sessionId, claimId);
        });
    }

    /** Replaces an expired claim. Matching on its claim id lets only one attempt do so. */
    private static void takeOver(Handle handle, String sessionId, Row stale, String claimId,
            String paymentHash, Instant now) {
        int updated = handle.createUpdate("""
                        UPDATE checkout_payment_claims SET claim_id = :claim,
                            payment_hash = :payment, claimed_at = :now, expires_at = :expires
                        WHERE session_id = :session AND claim_id = :staleClaim""")
                .bind("claim", claimId)
                .bind("payment", paymentHash)
                .bind("now", Timestamps.format(now))
                .bind("expires", Timestamps.format(now.plus(TIMEOUT)))
                .bind("session", sessionId)
                .bind("staleClaim", stale.claimId())
                .execute();
        if (updated == 0) {
            throw inProgress();
        }
        // The earlier attempt may have charged its card. The same card reuses its idempotency
        // key and gets the first outcome, but another card is a new charge.
        // TODO: replay the earlier attempt's charge before charging another card.
        LOG.warn("Took over an expired checkout payment claim session={} claimedAt={}"
                + " sameCard={}", sessionId, Timestamps.format(stale.claimedAt()),
                stale.paymentHash().equals(paymentHash));
    }

    /** Releases the claim after a failed charge, unless another attempt has taken it over. */
    void release(Claim claim) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        DELETE FROM checkout_payment_claims
                        WHERE session_id = :session AND claim_id = :claim""")
                .bind("session", claim.sessionId())
                .bind("claim", claim.claimId())
                .execute());
    }

    private static void checkNotCompleted(Handle handle, String sessionId) {
        boolean completed = handle.createQuery("""
                        SELECT COUNT(*) FROM checkout_sessions
                        WHERE id = :id AND completed_at IS NOT NULL""")
                .bind("id", sessionId)
                .mapTo(Integer.class)
                .one() > 0;
        if (completed) {
            throw ApiError.conflict("session_completed", null, "Checkout session '" + sessionId
                    + "' is already completed.");
        }
    }

    private static Optional<Row> find(Handle handle, String sessionId) {
        return handle.createQuery("""
                        SELECT claim_id, payment_hash, claimed_at, expires_at
                        FROM checkout_payment_claims WHERE session_id = :session""")
                .bind("session", sessionId)
                .map((rs, ctx) -> new Row(rs.getString("claim_id"), rs.getString("payment_hash"),
                        Timestamps.parse(rs.getString("claimed_at")),
                        Timestamps.parse(rs.getString("expires_at"))))
                .findOne();
    }

    private static ApiError inProgress() {
        return ApiError.conflict("payment_in_progress", null, "A payment for this checkout is"
                + " already being processed. Wait for its result. If it fails, try again.");
    }

    private static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
