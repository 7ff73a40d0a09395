package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates plans and checkout sessions through the API for checkout tests. */
public final class Checkouts {
    public static final String ORIGIN = "https://shop.example";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private Checkouts() {
    }

    /** A created session: its id, and the secret taken from its token. */
    public record Session(String id, String secret, JsonNode body) {
    }

    /** Creates a monthly plan of {@code amount} dollars and returns its id. */
    public static String plan(TestServer server, String key, String amount) {
        ApiResponse plan = server.post(key, "/v1/plans", "{\"name\":\"Pro " + NAMES.incrementAndGet()
                + "\",\"period_amount\":\"" + amount + "\",\"billing_interval\":\"month\","
                + "\"credit_bundles\":[{\"name\":\"Boost\",\"cost\":\"5.00\","
                + "\"credit_amount\":\"5.00\"}]}");
        assertThat(plan.status()).as(plan.text()).isEqualTo(201);
        return plan.at("/plan_id");
    }

    /** Creates a subscription session for {@code planId}, opened from {@link #ORIGIN}. */
    public static Session subscription(TestServer server, String key, String planId) {
        return subscription(server, key, planId, ORIGIN + "/pricing");
    }

    /** Creates a subscription session for {@code planId}, opened from {@code originUrl}. */
    public static Session subscription(TestServer server, String key, String planId,
            String originUrl) {
        return create(server, key, "{\"checkout_mode\":\"subscription\",\"origin_url\":\""
                + originUrl + "\",\"plan_id\":\"" + planId + "\"}");
    }

    /** Creates a credit bundle session for an existing customer. */
    public static Session bundle(TestServer server, String key, String customerId,
            String bundleId) {
        return create(server, key, "{\"checkout_mode\":\"credit_bundle\",\"origin_url\":\""
                + ORIGIN + "/account\",\"customer_id\":\"" + customerId
                + "\",\"credit_bundle_id\":\"" + bundleId + "\"}");
    }

    private static Session create(TestServer server, String key, String json) {
        ApiResponse response = server.post(key, "/v1/checkout_sessions", json);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return new Session(response.at("/checkout_session_id"),
                secretOf(response.at("/checkout_session_token")), response.json());
    }

    /** Returns the {@code secret} field of a base64 JSON checkout token. */
    public static String secretOf(String token) {
        try {
            return JSON.readTree(Base64.getDecoder().decode(token)).get("secret").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
