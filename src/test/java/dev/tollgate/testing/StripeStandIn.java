package dev.tollgate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-ins for Stripe on 127.0.0.1, on two origins as the real services are: the API
 * ({@code POST /v1/customers} and {@code POST /v1/payment_intents}) and Stripe.js, served from
 * {@code src/test/resources/stripe-standin/stripe.js} at {@code /v3/}. Every API request is
 * kept for assertions, and a repeated {@code Idempotency-Key} returns the first response.
 *
 * <p>The stand-in Stripe.js creates payment method ids of the form
 * {@code pm_standin_<card digits>_<n>}, and the card digits choose the outcome, after Stripe's
 * test cards: {@link #CARD_DECLINED_ON_SAVE} is declined when the customer is created,
 * {@link #CARD_DECLINED_ON_CHARGE} is saved and then declined, {@link #CARD_NEEDS_AUTHENTICATION}
 * is declined as needing authentication, and any other card succeeds. Two numbers of this
 * stand-in only make Stripe itself fail with 500: {@link #CARD_API_ERROR_ON_SAVE} and
 * {@link #CARD_API_ERROR_ON_CHARGE}. Thread-safe.
 */
public final class StripeStandIn implements AutoCloseable {
    public static final String SECRET_KEY = "sk_test_standin" + "0".repeat(16);
    public static final String PUBLISHABLE_KEY = "pk_test_standin" + "0".repeat(16);
    public static final String CARD_SUCCEEDS = "4242424242424242";
    public static final String CARD_DECLINED_ON_SAVE = "4000000000000002";
    public static final String CARD_DECLINED_ON_CHARGE = "4000000000000341";
    public static final String CARD_NEEDS_AUTHENTICATION = "4000002760003184";
    public static final String CARD_API_ERROR_ON_SAVE = "4000000000000500";
    public static final String CARD_API_ERROR_ON_CHARGE = "4000000000000501";
    private static final Pattern STANDIN_METHOD = Pattern.compile("pm_standin_([0-9]+)_[0-9]+");

    /** An API request: the path, its headers of interest, its form fields and the status sent. */
    public record Received(String path, String authorization, String idempotencyKey,
            Map<String, String> form, int status) {
    }

    private record Response(int status, String json) {
    }

    private final HttpServer api;
    private final HttpServer js;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Response> byIdempotencyKey = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private StripeStandIn(HttpServer api, HttpServer js) {
        this.api = api;
        this.js = js;
    }

    public static StripeStandIn start() {
        try {
            HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            HttpServer js = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StripeStandIn standIn = new StripeStandIn(api, js);
            api.createContext("/", standIn::handleApi);
            js.createContext("/", StripeStandIn::handleScript);
            api.start();
            js.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the settings that point a Tollgate server's Stripe clients at this stand-in. */
    public Map<String, String> settings() {
        return Map.of("STRIPE_SECRET_KEY", SECRET_KEY,
                "STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY,
                "STRIPE_API_BASE", apiBase(),
                "STRIPE_JS_URL", scriptUrl());
    }

    public String apiBase() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    public String scriptUrl() {
        return "http://127.0.0.1:" + js.getAddress().getPort() + "/v3/";
    }

    /** Returns the API requests received so far, oldest first. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Returns the API requests to {@code path}, such as {@code /v1/payment_intents}. */
    public List<Received> received(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    private void handleApi(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> form = FormBodies.parse(new String(
                exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        Response response = key == null ? respond(path, form)
                : byIdempotencyKey.computeIfAbsent(path + " " + key, k -> respond(path, form));
        received.add(new Received(path, exchange.getRequestHeaders().getFirst("Authorization"),
                key, form, response.status()));
        byte[] bytes = response.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Request-Id", "req_standin_" + received.size());
        exchange.sendResponseHeaders(response.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Response respond(String path, Map<String, String> form) {
        return switch (path) {
            case "/v1/customers" -> createCustomer(form);
            case "/v1/payment_intents" -> createPaymentIntent(form);
            default -> new Response(404, error("invalid_request_error", "resource_missing", null,
                    "Unrecognized request URL (POST: " + path + ")."));
        };
    }

    private Response createCustomer(Map<String, String> form) {
        String card = cardDigits(form.get("payment_method"));
        if (CARD_DECLINED_ON_SAVE.equals(card)) {
            return new Response(402, error("card_error", "card_declined", "generic_decline",
                    "Your card was declined."));
        }
        if (CARD_API_ERROR_ON_SAVE.equals(card)) {
            return apiError();
        }
        return new Response(200, "{\"id\":\"cus_standin" + ids.incrementAndGet()
                + "\",\"object\":\"customer\"}");
    }

    private Response createPaymentIntent(Map<String, String> form) {
        String card = cardDigits(form.get("payment_method"));
        if (CARD_DECLINED_ON_CHARGE.equals(card)) {
            return new Response(402, error("card_error", "card_declined", "generic_decline",
                    "Your card was declined."));
        }
        if (CARD_API_ERROR_ON_CHARGE.equals(card)) {
            return apiError();
        }
        if (CARD_NEEDS_AUTHENTICATION.equals(card)) {
            return new Response(402, error("card_error", "authentication_required",
                    "authentication_required", "Your card was declined. This transaction"
                            + " requires authentication."));
        }
        return new Response(200, "{\"id\":\"pi_standin" + ids.incrementAndGet()
                + "\",\"object\":\"payment_intent\",\"status\":\"succeeded\",\"amount\":"
                + form.get("amount") + ",\"currency\":\"usd\"}");
    }

    private static Response apiError() {
        return new Response(500, error("api_error", "internal_error", null,
                "An unknown error occurred."));
    }

    /** Returns the card digits in a stand-in payment method id, or "" for any other id. */
    private static String cardDigits(String paymentMethodId) {
        Matcher matcher = STANDIN_METHOD.matcher(paymentMethodId == null ? "" : paymentMethodId);
        return matcher.matches() ? matcher.group(1) : "";
    }

    private static String error(String type, String code, String declineCode, String message) {
        return "{\"error\":{\"type\":\"" + type + "\",\"code\":\"" + code + "\","
                + (declineCode == null ? "" : "\"decline_code\":\"" + declineCode + "\",")
                + "\"message\":\"" + message + "\"}}";
    }

    private static void handleScript(HttpExchange exchange) throws IOException {
        byte[] script;
        try (InputStream in = StripeStandIn.class.getResourceAsStream("/stripe-standin/stripe.js")) {
            script = in.readAllBytes();
        }
        boolean found = exchange.getRequestURI().getPath().equals("/v3/");
        exchange.getResponseHeaders().add("Content-Type", "text/javascript; charset=utf-8");
        exchange.sendResponseHeaders(found ? 200 : 404, found ? script.length : -1);
        if (found) {
            exchange.getResponseBody().write(script);
        }
        exchange.close();
    }

    @Override
    public void close() {
        api.stop(0);
        js.stop(0);
    }
}
