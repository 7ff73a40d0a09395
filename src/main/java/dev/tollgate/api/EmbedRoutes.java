package dev.tollgate.api;

import dev.tollgate.checkout.EmbeddedCheckout;
import dev.tollgate.checkout.StripeJsSettings;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Environment;
import dev.tollgate.storage.Timestamps;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The hosted checkout page at {@code /embed/checkout/{secret}}, its JSON steps under that path,
 * its script and style sheet, and the browser SDK at {@code /js/checkout.js}. These routes take
 * no API key, because the session secret in the path is the credential.
 */
final class EmbedRoutes {
    private final EmbeddedCheckout checkout;
    private final CheckoutPage page;

    EmbedRoutes(EmbeddedCheckout checkout) {
        this.checkout = checkout;
        this.page = new CheckoutPage(checkout.stripeJs());
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/embed/checkout/{secret}", this::page)
                .post("/embed/checkout/{secret}/phone", Endpoints.openRequest(this::sendCode))
                .post("/embed/checkout/{secret}/code", Endpoints.openRequest(this::verifyCode))
                .post("/embed/checkout/{secret}/payment", Endpoints.openRequest(this::pay))
                .get("/embed/assets/checkout.js", (request, response) ->
                        StaticAssets.send(response, "embed/checkout.js", false))
                .get("/embed/assets/checkout.css", (request, response) ->
                        StaticAssets.send(response, "embed/checkout.css", false))
                .get("/js/checkout.js", (request, response) ->
                        StaticAssets.send(response, "js/checkout.js", true));
    }

    private void page(ServerRequest request, ServerResponse response) {
        String secret = request.path().pathParameters().get("secret");
        Optional<String> frameOrigin = checkout.frameOrigin(secret);
        CheckoutPage.Rendered rendered;
        Optional<StripeJsSettings> stripeJs = Optional.empty();
        try {
            EmbeddedCheckout.Summary summary = checkout.open(secret);
            rendered = page.render(summary);
            if (summary.opened().owner().environment() == Environment.LIVE) {
                stripeJs = checkout.stripeJs();
            }
        } catch (ApiError e) {
            rendered = page.renderError(e, frameOrigin);
        }
        response.status(rendered.status());
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        // The secret is in the URL, so no page it links to may learn it from the Referer.
        response.header("Referrer-Policy", "no-referrer");
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Content-Security-Policy", contentSecurityPolicy(frameOrigin, stripeJs));
        response.send(rendered.html());
    }

    /**
     * Allows only this server's script and styles, and framing only by the merchant's origin.
     * A live page also allows Stripe.js: its script, the card frames it creates, and its calls
     * to Stripe's API.
     */
    static String contentSecurityPolicy(Optional<String> frameOrigin,
            Optional<StripeJsSettings> stripeJs) {
        String scripts = stripeJs.map(s -> "'self' " + s.scriptOrigin()).orElse("'self'");
        String connections = stripeJs.map(s -> "'self' " + s.apiOrigin()).orElse("'self'");
        String frames = stripeJs.map(s -> " frame-src " + s.scriptOrigin() + ";").orElse("");
        return "default-src 'none'; script-src " + scripts + "; style-src 'self'; connect-src "
                + connections + ";" + frames + " img-src 'self'; form-action 'none';"
                + " base-uri 'none'; frame-ancestors " + frameOrigin.orElse("'none'");
    }

    private Reply sendCode(ServerRequest request) {
        JsonBody body = Call.readBody(request);
        Optional<String> phone = body.optionalText("phone", 40).filter(text -> !text.isBlank());
        Instant resendAt = checkout.sendCode(secret(request), phone);
        return Reply.ok(Map.of("sent", true, "resend_at", Timestamps.format(resendAt)));
    }

    private Reply verifyCode(ServerRequest request) {
        String code = Call.readBody(request).requiredText("code", 20).strip();
        EmbeddedCheckout.Verified verified = checkout.verifyCode(secret(request), code);
        return Reply.ok(Map.of("verified", true,
                "returning_customer", verified.returningCustomer(),
                "payment_due", verified.paymentDue()));
    }

    private Reply pay(ServerRequest request) {
        JsonBody body = Call.readBody(request);
        Optional<String> card = body.optionalText("card_number", 40);
        Optional<String> paymentMethodId = body.optionalText("payment_method_id", 255);
        EmbeddedCheckout.Completed completed = checkout.pay(secret(request), card,
                paymentMethodId);
        // The Lava protocol calls the customer a connection, so both ids name the same customer.
        return Reply.ok(Map.of("checkout_session_id", completed.checkoutSessionId(),
                "connection_id", completed.customerId(),
                "customer_id", completed.customerId()));
    }

    private static String secret(ServerRequest request) {
        return request.path().pathParameters().get("secret");
    }
}
