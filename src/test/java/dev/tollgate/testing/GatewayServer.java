package dev.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A test server whose provider hosts in {@link #FAKE_HOSTS} are mapped to a {@link FakeProvider},
 * plus helpers that set up a metered customer with credit.
 */
public final class GatewayServer implements AutoCloseable {
    private final FakeProvider provider;
    private final TestServer server;

    private GatewayServer(FakeProvider provider, TestServer server) {
        this.provider = provider;
        this.server = server;
    }

    /** The provider hosts that the fake provider serves, all on one port. */
    public static final List<String> FAKE_HOSTS = List.of("api.openai.com", "api.anthropic.com",
            "generativelanguage.googleapis.com", "api.mistral.ai", "api.elevenlabs.io",
            "api.groq.com", "openrouter.ai");

    public static GatewayServer start(DatabaseKind kind) {
        return start(kind, Map.of());
    }

    /** Starts a gateway as {@link #start(DatabaseKind)} does, with more settings in {@code env}. */
    public static GatewayServer start(DatabaseKind kind, Map<String, String> env) {
        FakeProvider provider = new FakeProvider();
        try {
            String overrides = FAKE_HOSTS.stream()
                    .map(host -> host + "=" + provider.baseUrl())
                    .collect(Collectors.joining(","));
            Map<String, String> settings = new java.util.HashMap<>(env);
            settings.put("TOLLGATE_UPSTREAM_OVERRIDES", overrides);
            TestServer server = TestServer.start(kind, Clock.systemUTC(), settings);
            return new GatewayServer(provider, server);
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    public FakeProvider provider() {
        return provider;
    }

    public TestServer api() {
        return server;
    }

    /** A customer subscribed through checkout to a plan that links one new meter. */
    public record Subscriber(String customerId, String meterId, String meterSlug, String planId) {
    }

    /**
     * Creates a meter from {@code meterJson}, a plan of {@code price} that includes
     * {@code credit} and links the meter, and a customer who bought the plan with the sandbox
     * card through a checkout session.
     */
    public Subscriber subscriber(String meterJson, String price, String credit, String phone) {
        return subscribe(server, meterJson, price, credit, phone);
    }

    /** Sets up a {@link Subscriber} on any test server, as {@link #subscriber} does. */
    public static Subscriber subscribe(TestServer server, String meterJson, String price,
            String credit, String phone) {
        String key = TestServer.SANDBOX_KEY;
        JsonNode meter = ok(server.post(key, "/v1/meters", meterJson)).json();
        String planBody = "{\"name\":\"Plan " + phone + "\",\"period_amount\":\"" + price
                + "\",\"included_credit\":\"" + credit + "\",\"billing_interval\":\"month\","
                + "\"meter_ids\":[\"" + meter.get("meter_id").asText() + "\"]}";
        JsonNode plan = ok(server.post(key, "/v1/plans", planBody)).json();
        JsonNode session = ok(server.post(key, "/v1/checkout_sessions",
                "{\"checkout_mode\":\"subscription\",\"origin_url\":\"https://shop.example\","
                        + "\"plan_id\":\"" + plan.get("plan_id").asText() + "\"}")).json();
        JsonNode completed = ok(server.post(key, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\"4242424242424242\"}")).json();
        return new Subscriber(completed.get("customer_id").asText(), meter.get("meter_id").asText(),
                meter.get("meter_slug").asText(), plan.get("plan_id").asText());
    }

    /** Returns the forward token of a customer and meter for the sandbox key. */
    public static String forwardToken(String customerId, String meterSlug) {
        String json = "{\"secret_key\":\"" + TestServer.SANDBOX_KEY + "\",\"customer_id\":\""
                + customerId + "\",\"meter_slug\":\"" + meterSlug + "\"}";
        return java.util.Base64.getEncoder().encodeToString(json.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ApiResponse ok(ApiResponse response) {
        if (response.status() >= 300) {
            throw new AssertionError("setup request failed: " + response.status() + " " + response.text());
        }
        return response;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            provider.close();
        }
    }
}
