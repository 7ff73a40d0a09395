package dev.tollgate.checkout;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Environment;
import dev.tollgate.storage.Timestamps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * One-time codes that prove a checkout customer controls a phone number. A code has
 * {@value #CODE_LENGTH} digits, is stored hashed, is valid for {@link #CODE_LIFETIME} and
 * allows {@value #MAX_FAILED_ATTEMPTS} wrong entries. A session may send
 * {@value #MAX_SENDS_PER_SESSION} codes, at least {@link #RESEND_INTERVAL} apart, and one
 * number receives at most {@value #MAX_SENDS_PER_NUMBER} codes per {@link #NUMBER_WINDOW}.
 * Sandbox sessions send no message and their code is always {@value #SANDBOX_CODE}.
 * Thread-safe.
 */
public final class PhoneVerifications {
    private static final Logger LOG = LoggerFactory.getLogger(PhoneVerifications.class);
    public static final int CODE_LENGTH = 6;
    public static final String SANDBOX_CODE = "000000";
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    public static final int MAX_FAILED_ATTEMPTS = 5;
    public static final Duration RESEND_INTERVAL = Duration.ofSeconds(30);
    public static final int MAX_SENDS_PER_SESSION = 5;
    public static final int MAX_SENDS_PER_NUMBER = 10;
    public static final Duration NUMBER_WINDOW = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Clock clock;
    private final Optional<SmsSender> liveSender;
    private final PhoneSendLimiter numberLimiter;

    /** @param liveSender the sender for live sessions. Without one, live sends fail with 503. */
    public PhoneVerifications(Jdbi jdbi, Clock clock, Optional<SmsSender> liveSender) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.liveSender = liveSender;
        this.numberLimiter = new PhoneSendLimiter(MAX_SENDS_PER_NUMBER, NUMBER_WINDOW, clock);
    }

    /**
     * Sends a new code to {@code phoneE164} for the session, replacing any earlier code, and
     * returns the earliest time another code may be sent.
     *
     * @throws ApiError 429 when the session or the number has used its allowance, 503 when live
     *     mode has no SMS sender, 502 when the SMS provider rejects the message
     */
    public Instant send(Environment environment, String sessionId, String phoneE164) {
        if (environment == Environment.LIVE && liveSender.isEmpty()) {
            throw ApiError.notConfigured("sms_not_configured", "Live checkout cannot send codes:"
                    + " set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM on the server.");
        }
        String code = environment == Environment.SANDBOX ? SANDBOX_CODE : randomCode();
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> store(handle, sessionId, phoneE164, hash(sessionId, code), now));
        if (environment == Environment.LIVE) {
            deliver(sessionId, phoneE164, code);
        }
        return now.plus(RESEND_INTERVAL);
    }

    private void store(Handle handle, String sessionId, String phone, String codeHash,
            Instant now) {
        Optional<Row> existing = find(handle, sessionId);
        existing.ifPresent(row -> checkSessionAllowance(row, now));
        if (!numberLimiter.tryAcquire(phone)) {
            throw ApiError.rateLimited("too_many_codes", "Too many codes were sent to this number."
                    + " Wait an hour, then try again.");
        }
        if (existing.isEmpty()) {
            handle.createUpdate("""
                            INSERT INTO phone_verifications (session_id, phone, code_hash, sent_at,
                                expires_at, send_count, failed_attempts)
                            VALUES (:session, :phone, :hash, :now, :expires, 1, 0)""")
                    .bind("session", sessionId)
                    .bind("phone", phone)
                    .bind("hash", codeHash)
                    .bind("now", Timestamps.format(now))
                    .bind("expires", Timestamps.format(now.plus(CODE_LIFETIME)))
                    .execute();
            return;
        }
        Row row = existing.get();
        // The send count and time in the WHERE clause make two concurrent sends claim in turn.
        int updated = handle.createUpdate("""
                        UPDATE phone_verifications SET phone = :phone, code_hash = :hash,
                            sent_at = :now, expires_at = :expires, send_count = send_count + 1,
                            failed_attempts = 0, verified_at = NULL
                        WHERE session_id = :session AND send_count = :count AND sent_at = :sentAt""")
                .bind("phone", phone)
                .bind("hash", codeHash)
                .bind("now", Timestamps.format(now))
                .bind("expires", Timestamps.format(now.plus(CODE_LIFETIME)))
                .bind("session", sessionId)
                .bind("count", row.sendCount())
                .bind("sentAt", Timestamps.format(row.sentAt()))
                .execute();
        if (updated == 0) {
            throw ApiError.rateLimited("resend_too_soon", "A code was sent moments ago. Wait "
                    + RESEND_INTERVAL.toSeconds() + " seconds before asking for another.");
        }
    }

    private static void checkSessionAllowance(Row row, Instant now) {
        if (row.sendCount() >= MAX_SENDS_PER_SESSION) {
            throw ApiError.rateLimited("too_many_codes", "This checkout has sent "
                    + MAX_SENDS_PER_SESSION + " codes, the maximum. Start a new checkout.");
        }
        Instant resendAt = row.sentAt().plus(RESEND_INTERVAL);
        if (now.isBefore(resendAt)) {
            long waitSeconds = Duration.between(now, resendAt).toSeconds() + 1;
            throw ApiError.rateLimited("resend_too_soon", "A code was sent moments ago. Wait "
                    + waitSeconds + " seconds before asking for another.");
        }
    }

    private void deliver(String sessionId, String phone, String code) {
        try {
            liveSender.orElseThrow().send(phone, "Your checkout code is " + code
                    + ". It expires in " + CODE_LIFETIME.toMinutes() + " minutes.");
        } catch (SmsDeliveryException e) {
            LOG.warn("Sending a checkout code failed session={} reason={}", sessionId,
                    e.getMessage());
            throw ApiError.upstream(502, "sms_failed", "The text message could not be sent."
                    + " Check the number, then ask for a new code.");
        }
    }

    /**
     * Checks a code entered for the session and, when it matches, marks the number verified.
     * A wrong code is rejected and counted also after the number was verified, although the
     * verification stays.
     *
     * @throws ApiError 400 for a malformed, wrong or expired code, 409 when no code was sent,
     *     429 after {@value #MAX_FAILED_ATTEMPTS} wrong codes
     */
    public void verify(String sessionId, String code) {
        if (code == null || !code.matches("[0-9]{" + CODE_LENGTH + "}")) {
            throw ApiError.invalid("code", "The code must be " + CODE_LENGTH + " digits.");
        }
        // A wrong code is reported after the commit, so that its counted attempt is kept.
        int triesLeft = jdbi.inTransaction(handle -> check(handle, sessionId, code));
        if (triesLeft >= 0) {
            throw ApiError.badRequest("incorrect_code", "code", "The code is not correct. "
                    + triesLeft + (triesLeft == 1 ? " try" : " tries") + " left.");
        }
    }

    /** Returns -1 when the code matched, or the tries left after a wrong code. */
    private int check(Handle handle, String sessionId, String code) {
        Row row = find(handle, sessionId).orElseThrow(() -> ApiError.conflict("no_code_sent",
                "code", "No code was sent for this checkout. Enter your phone number first."));
        // A verified number stays verified after its code expires.
        if (row.verifiedAt() == null && !clock.instant().isBefore(row.expiresAt())) {
            throw ApiError.badRequest("code_expired", "code", "The code expired. Ask for a new"
                    + " one.");
        }
        // Taking the attempt before comparing keeps concurrent guesses within the maximum.
        int claimed = handle.createUpdate("""
                        UPDATE phone_verifications SET failed_attempts = failed_attempts + 1
                        WHERE session_id = :session AND failed_attempts < :max""")
                .bind("session", sessionId)
                .bind("max", MAX_FAILED_ATTEMPTS)
                .execute();
        if (claimed == 0) {
            throw ApiError.rateLimited("too_many_attempts", "Too many wrong codes. Ask for a new"
                    + " code.");
        }
        if (!MessageDigest.isEqual(row.codeHash().getBytes(StandardCharsets.US_ASCII),
                hash(sessionId, code).getBytes(StandardCharsets.US_ASCII))) {
            return MAX_FAILED_ATTEMPTS - row.failedAttempts() - 1;
        }
        handle.createUpdate("""
                        UPDATE phone_verifications SET verified_at = COALESCE(verified_at, :now),
                            failed_attempts = failed_attempts - 1
                        WHERE session_id = :session""")
                .bind("now", Timestamps.format(clock.instant()))
                .bind("session", sessionId)
                .execute();
        return -1;
    }

    /** Returns the number verified for the session, if its code was entered correctly. */
    public Optional<String> verifiedPhone(String sessionId) {
        return jdbi.withHandle(handle -> find(handle, sessionId))
                .filter(row -> row.verifiedAt() != null)
                .map(Row::phone);
    }

    private record Row(String phone, String codeHash, Instant sentAt, Instant expiresAt,
            int sendCount, int failedAttempts, Instant verifiedAt) {
    }

    private static Optional<Row> find(Handle handle, String sessionId) {
        return handle.createQuery("""
                        SELECT phone, code_hash, sent_at, expires_at, send_count, failed_attempts,
                            verified_at
                        FROM phone_verifications WHERE session_id = :session""")
                .bind("session", sessionId)
                .map((rs, ctx) -> new Row(rs.getString("phone"), rs.getString("code_hash"),
                        Timestamps.parse(rs.getString("sent_at")),
                        Timestamps.parse(rs.getString("expires_at")), rs.getInt("send_count"),
                        rs.getInt("failed_attempts"),
                        Timestamps.parseNullable(rs.getString("verified_at"))))
                .findOne();
    }

    private static String randomCode() {
        return String.format("%0" + CODE_LENGTH + "d", RANDOM.nextInt(1_000_000));
    }

    /**
     * Hashes a code with its session id. NOTE: a million possible codes make the hash easy to
     * reverse for someone holding the database, so it only keeps codes out of plain sight for
     * their ten-minute life.
     */
    static String hash(String sessionId, String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((sessionId + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
