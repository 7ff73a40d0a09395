package dev.tollgate.api;

import dev.tollgate.checkout.CheckoutSession;
import dev.tollgate.checkout.CheckoutSessions;
import dev.tollgate.checkout.EmbeddedCheckout;
import dev.tollgate.core.ApiError;
import dev.tollgate.customers.PhoneNumbers;
import dev.tollgate.storage.Timestamps;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.util.Optional;

/** {@code POST /v1/checkout_sessions} and the sandbox helper that completes a session. */
final class CheckoutRoutes {
    private final CheckoutSessions sessions;
    private final EmbeddedCheckout embeddedCheckout;
    private final Endpoints endpoints;
    private final Optional<String> publicUrl;

    CheckoutRoutes(CheckoutSessions sessions, EmbeddedCheckout embeddedCheckout,
            Endpoints endpoints, Optional<String> publicUrl) {
        this.sessions = sessions;
        this.embeddedCheckout = embeddedCheckout;
        this.endpoints = endpoints;
        this.publicUrl = publicUrl;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/checkout_sessions", endpoints.authenticated(this::create))
                .post("/v1/test_helpers/checkout_sessions/{id}/complete",
                        endpoints.authenticated(this::complete));
    }

    private Reply create(Call call) {
        embeddedCheckout.checkLiveConfigured(call.caller());
        JsonBody body = call.body();
        String mode = body.requiredText("checkout_mode", 32);
        if (!mode.equals("subscription") && !mode.equals("credit_bundle")) {
            throw ApiError.invalid("checkout_mode", "Unknown value '" + mode + "' for"
                    + " 'checkout_mode'. Use one of: subscription, credit_bundle.");
        }
        String origin = body.requiredText("origin_url", 2048);
        checkOrigin(origin);
        CheckoutSessions.NewSession request = new CheckoutSessions.NewSession(mode, origin,
                body.optionalText("plan_id", 100), body.optionalText("customer_id", 255),
                body.optionalText("credit_bundle_id", 100));
        String base = publicUrl.orElseGet(() -> "http://" + call.header(HeaderNames.HOST.defaultCase())
                .orElse("127.0.0.1") + "/");
        return Reply.created(SessionView.of(sessions.create(call.caller(), request, base)));
    }

    private Reply complete(Call call) {
        JsonBody body = call.body();
        String phoneText = body.requiredText("phone", 40);
        String phone;
        try {
            phone = PhoneNumbers.toE164(phoneText);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("phone", "Invalid phone '" + phoneText + "': it " + e.getMessage()
                    + ". Give an international number such as +12025550100.");
        }
        // A session with nothing due charges no card, so card_number is needed only when a
        // payment is due.
        Optional<String> card = body.optionalText("card_number", 32);
        CheckoutSession session = sessions.completeForTest(call.caller(), call.pathParam("id"),
                phone, card);
        return Reply.ok(SessionView.of(session));
    }

    private static void checkOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null || !("https".equals(uri.getScheme())
                    || "http".equals(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
        } catch (Exception e) {
            throw ApiError.invalid("origin_url", "origin_url '" + origin + "' must be an http(s)"
                    + " URL of the page that opens the checkout, such as https://app.example.com.");
        }
    }

    /** The wire form of a checkout session. */
    record SessionView(String checkoutSessionId, String checkoutSessionToken, String checkoutMode,
            String originUrl, String customerId, String planId, String creditBundleId,
            String createdAt, String expiresAt, String completedAt) {
        static SessionView of(CheckoutSession s) {
            return new SessionView(s.id(), s.token(), s.mode(), s.originUrl(), s.customerId(),
                    s.planId(), s.creditBundleId(), Timestamps.format(s.createdAt()),
                    Timestamps.format(s.expiresAt()), Timestamps.formatNullable(s.completedAt()));
        }
    }
}
