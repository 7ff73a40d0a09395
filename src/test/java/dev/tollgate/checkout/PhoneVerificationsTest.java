package dev.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Environment;
import dev.tollgate.testing.Checkouts;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PhoneVerificationsTest {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final AtomicInteger PHONES = new AtomicInteger(100);
    private static TestServer server;
    private static String planId;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<String> sentTexts = new ArrayList<>();
    private PhoneVerifications verifications;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(DatabaseKind.SQLITE);
        planId = Checkouts.plan(server, KEY, "10.00");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void createVerifications() {
        SmsSender recording = (to, text) -> sentTexts.add(text);
        verifications = new PhoneVerifications(jdbi(), clock, Optional.of(recording));
    }

    private static Jdbi jdbi() {
        return server.server().database().jdbi();
    }

    private static String newSession() {
        return Checkouts.subscription(server, KEY, planId).id();
    }

    private static String newPhone() {
        return "+1202555" + String.format("%04d", PHONES.incrementAndGet());
    }

    private static ApiError errorOf(Runnable action) {
        try {
            action.run();
        } catch (ApiError e) {
            return e;
        }
        throw new AssertionError("expected an ApiError");
    }

    @Test
    void sandboxCodeVerifiesNumber() {
        String session = newSession();
        String phone = newPhone();

        verifications.send(Environment.SANDBOX, session, phone);
        verifications.verify(session, PhoneVerifications.SANDBOX_CODE);

        assertThat(verifications.verifiedPhone(session)).contains(phone);
        assertThat(sentTexts).isEmpty();
    }

    @Test
    void codeStoredOnlyAsHash() {
        String session = newSession();
        verifications.send(Environment.SANDBOX, session, newPhone());

        String stored = jdbi().withHandle(handle -> handle.createQuery(
                "SELECT code_hash FROM phone_verifications WHERE session_id = :id")
                .bind("id", session).mapTo(String.class).one());

        assertThat(stored).doesNotContain(PhoneVerifications.SANDBOX_CODE);
        assertThat(stored).hasSize(64);
    }

    @Test
    void liveCodeIsSentAndRandom() {
        String session = newSession();
        verifications.send(Environment.LIVE, session, newPhone());

        assertThat(sentTexts).hasSize(1);
        String code = sentTexts.get(0).replaceAll("\\D", "").substring(0, 6);
        verifications.verify(session, code);
        assertThat(verifications.verifiedPhone(session)).isPresent();
    }

    @Test
    void liveWithoutSenderIsRejected() {
        PhoneVerifications unconfigured = new PhoneVerifications(jdbi(), clock, Optional.empty());

        ApiError error = errorOf(() -> unconfigured.send(Environment.LIVE, newSession(),
                newPhone()));

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.getMessage()).contains("TWILIO_ACCOUNT_SID");
    }

    @Test
    void codeExpiresAfterTenMinutes() {
        String session = newSession();
        verifications.send(Environment.SANDBOX, session, newPhone());
        clock.advance(PhoneVerifications.CODE_LIFETIME);

        ApiError error = errorOf(() -> verifications.verify(session, "000000"));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("code_expired");
        assertThat(verifications.verifiedPhone(session)).isEmpty();
    }

    @Test
    void codeValidJustBeforeExpiry() {
        String session = newSession();
        verifications.send(Environment.SANDBOX, session, newPhone());
        clock.advance(PhoneVerifications.CODE_LIFETIME.minusSeconds(1));

        verifications.verify(session, "000000");

        assertThat(verifications.verifiedPhone(session)).isPresent();
    }

    @Test
    void fiveWrongCodesLockTheCode() {
        String session = newSession();
        verifications.send(Environment.SANDBOX, session, newPhone());
        for (int i = 0; i < PhoneVerifications.MAX_FAILED_ATTEMPTS; i++) {
            ApiError wrong = errorOf(() -> verifications.verify(session, "123456"));
            assertThat(wrong.code()).isEqualTo("incorrect_code");
            assertThat(wrong.status()).isEqualTo(400);
        }

        ApiError locked = errorOf(() -> verifications.verify(session, "000000"));

        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.code()).isEqualTo("too_many_attempts");
        assertThat(verifications.verifiedPhone(session)).isEmpty();
    }

    @Test
    void newCodeResetsWrongAttempts() {
        String session = newSession();
        String phone = newPhone();
        verifications.send(Environment.SANDBOX, session, phone);
        for (int i = 0; i < PhoneVerifications.MAX_FAILED_ATTEMPTS; i++) {
            errorOf(() -> verifications.verify(session, "999999"));
        }
        clock.advance(PhoneVerifications.RESEND_INTERVAL);

        verifications.send(Environment.SANDBOX, session, phone);
        verifications.verify(session, "000000");

        assertThat(verifications.verifiedPhone(session)).contains(phone);
    }

    @Test
    void malformedCodeIsRejected() {
        String session = newSession();
        verifications.send(Environment.SANDBOX, session, newPhone());

        for (String code : new String[] {"", "12345", "1234567", "abcdef", "00 000"}) {
            ApiError error = errorOf(() -> verifications.verify(session, code));
            assertThat(error.status()).as(code).isEqualTo(400);
            assertThat(error.code()).as(code).isEqualTo("invalid_value");
        }
        int attempts = jdbi().withHandle(handle -> handle.createQuery(
                "SELECT failed_attempts FROM phone_verifications WHERE session_id = :id")
                .bind("id", session).mapTo(Integer.class).one());
        assertThat(attempts).isZero();
    }

    @Test
    void verifyWithoutSentCodeConflicts() {
        ApiError error = errorOf(() -> verifications.verify(newSession(), "000000"));

        assertThat(error.status()).isEqualTo(409);
        assertThat(error.code()).isEqualTo("no_code_sent");
    }

    @Test
    void resendWithinIntervalIsThrottled() {
        String session = newSession();
        String phone = newPhone();
        Instant resendAt = verifications.send(Environment.SANDBOX, session, phone);
        clock.advance(PhoneVerifications.RESEND_INTERVAL.minusSeconds(1));

        ApiError error = errorOf(() -> verifications.send(Environment.SANDBOX, session, phone));

        assertThat(resendAt).isEqualTo(Instant.parse("2026-03-01T10:00:30Z"));
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("resend_too_soon");
    }

    @Test
    void sessionSendsAreCapped() {
        String session = newSession();
        String phone = newPhone();
        for (int i = 0; i < PhoneVerifications.MAX_SENDS_PER_SESSION; i++) {
            verifications.send(Environment.SANDBOX, session, phone);
            clock.advance(PhoneVerifications.RESEND_INTERVAL);
        }

        ApiError error = errorOf(() -> verifications.send(Environment.SANDBOX, session, phone));

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("too_many_codes");
    }

    @Test
    void numberSendsAreCappedAcrossSessions() {
        String phone = newPhone();
        for (int i = 0; i < PhoneVerifications.MAX_SENDS_PER_NUMBER; i++) {
            verifications.send(Environment.SANDBOX, newSession(), phone);
        }

        ApiError error = errorOf(() -> verifications.send(Environment.SANDBOX, newSession(),
                phone));
        clock.advance(PhoneVerifications.NUMBER_WINDOW);
        verifications.send(Environment.SANDBOX, newSession(), phone);

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("too_many_codes");
    }

    @Test
    void rejectedSendKeepsEarlierCode() {
        String session = newSession();
        String phone = newPhone();
        verifications.send(Environment.SANDBOX, session, phone);

        assertThatThrownBy(() -> verifications.send(Environment.SANDBOX, session, phone))
                .isInstanceOf(ApiError.class);
        verifications.verify(session, "000000");

        assertThat(verifications.verifiedPhone(session)).contains(phone);
    }
}
