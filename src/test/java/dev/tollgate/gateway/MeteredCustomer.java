package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

/** A customer subscribed to a plan with one new meter, and its forward token. */
record MeteredCustomer(GatewayServer gateway, GatewayServer.Subscriber subscriber, String token) {
    private static final AtomicInteger COUNT = new AtomicInteger();

    /**
     * Creates a meter of {@code tierType} and {@code rateType} with tiers given as JSON, such as
     * {@code [{"start":"0","rate":"2"}]}, and a customer with {@code credit} dollars on it.
     */
    static MeteredCustomer create(GatewayServer gateway, String tierType, String rateType,
            String tiersJson, String credit) {
        int number = COUNT.incrementAndGet();
        String meter = "{\"name\":\"Audio " + number + "\",\"rate_type\":\"" + rateType
                + "\",\"tier_type\":\"" + tierType + "\",\"tiers\":" + tiersJson + "}";
        GatewayServer.Subscriber subscriber = gateway.subscriber(meter, credit, credit,
                "+1202555" + String.format("%04d", 3000 + number));
        String token = GatewayServer.forwardToken(subscriber.customerId(), subscriber.meterSlug());
        return new MeteredCustomer(gateway, subscriber, token);
    }

    /** Sends a call through the forward endpoint with this customer's token. */
    HttpResponse<byte[]> send(UpstreamCall call) {
        return call.send(gateway.api(), token);
    }

    /** Returns the request record of a forwarded response. */
    JsonNode record(HttpResponse<?> response) {
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        return gateway.api().get(TestServer.SANDBOX_KEY, "/v1/requests/" + requestId).json();
    }

    /** Returns the customer's remaining credit, such as {@code 9.9986000000}. */
    String remainingCredit() {
        return gateway.api().get(TestServer.SANDBOX_KEY, "/v1/customers/"
                        + subscriber.customerId() + "/subscription").json()
                .at("/subscription/credits/total_remaining").asText();
    }
}
