package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.GatewayServer.Subscriber;
import dev.tollgate.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that drops a streaming response after three events is billed for what was generated
 * up to then, and its credit hold is released. The provider's stream pauses after three events
 * until the client is gone, then sends a long tail, so the gateway notices the disconnect while
 * relaying the tail and before the provider's final usage.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class ClientDisconnectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String TOKENS_METER = "{\"name\":\"Disconnect %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    /** Enough tail events that the gateway writes to the closed connection many times. */
    private static final int TAIL_EVENTS = 2000;
    private static final String FIRST_TEXT = "The quick brown fox jumps over the lazy dog.";
    private static final String TAIL_TEXT = " And then it ran back again.";
    private static final Duration MAX_SETTLE_WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger PHONES = new AtomicInteger(700);

    private static GatewayServer gateway;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        gateway = GatewayServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            assertThat(gateway.api().ledgerMismatch()).isEmpty();
        } finally {
            gateway.close();
        }
    }

    @Test
    void openAiStreamBilledFromRelayedText() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        gateway.provider().on("/v1/chat/completions", Reply.stream(openAiEvents()).gatedAfter(3, gate));
        Subscriber customer = newSubscriber("openai");
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell a story\"}]}";

        String requestId = dropAfterThreeEvents(customer,
                "https://api.openai.com/v1/chat/completions", body, gate);

        JsonNode record = awaitRecord(requestId);
        long minOutput = TokenCounter.countText("gpt-4o-mini", FIRST_TEXT);
        long maxOutput = TokenCounter.countText("gpt-4o-mini", FIRST_TEXT
                + TAIL_TEXT.repeat(TAIL_EVENTS));
        long input = TokenCounter.countRequestInput("gpt-4o-mini", JSON.readTree(body));
        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(input);
        assertThat(record.at("/model_usage/output_tokens").asLong())
                .isBetween(minOutput, maxOutput - 1);
        assertChargedAndReleased(customer, record);
    }

    @Test
    void anthropicStreamBilledFromRelayedText() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        gateway.provider().on("/v1/messages", Reply.stream(anthropicEvents()).gatedAfter(3, gate));
        Subscriber customer = newSubscriber("anthropic");
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell a story\"}]}";

        String requestId = dropAfterThreeEvents(customer, "https://api.anthropic.com/v1/messages",
                body, gate);

        JsonNode record = awaitRecord(requestId);
        long minOutput = TokenCounter.countText("claude-sonnet-4-5", FIRST_TEXT);
        long maxOutput = TokenCounter.countText("claude-sonnet-4-5", FIRST_TEXT
                + TAIL_TEXT.repeat(TAIL_EVENTS));
        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        // The input count comes from message_start, which the client received.
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(25);
        assertThat(record.at("/model_usage/output_tokens").asLong())
                .isBetween(minOutput, maxOutput - 1);
        assertChargedAndReleased(customer, record);
    }

    private static List<String> openAiEvents() {
        List<String> events = new ArrayList<>();
        events.add(openAiChunk("{\"role\":\"assistant\",\"content\":\"\"}"));
        events.add(openAiChunk("{\"content\":\"" + FIRST_TEXT.substring(0, 19) + "\"}"));
        events.add(openAiChunk("{\"content\":\"" + FIRST_TEXT.substring(19) + "\"}"));
        for (int i = 0; i < TAIL_EVENTS; i++) {
            events.add(openAiChunk("{\"content\":\"" + TAIL_TEXT + "\"}"));
        }
        events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":99999,"
                + "\"total_tokens\":100010}}\n\n");
        events.add("data: [DONE]\n\n");
        return events;
    }

    private static String openAiChunk(String delta) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}\n\n";
    }

    private static List<String> anthropicEvents() {
        List<String> events = new ArrayList<>();
        events.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
                + "\"id\":\"msg_d\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                + "\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n");
        events.add("event: content_block_start\ndata: {\"type\":\"content_block_start\","
                + "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        events.add(anthropicDelta(FIRST_TEXT));
        for (int i = 0; i < TAIL_EVENTS; i++) {
            events.add(anthropicDelta(TAIL_TEXT));
        }
        events.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\","
                + "\"index\":0}\n\n");
        events.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{"
                + "\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":99999}}\n\n");
        events.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return events;
    }

    private static String anthropicDelta(String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
    }

    /**
     * Sends a streaming request on a raw connection, reads until three events arrived, resets
     * the connection, then lets the provider send the rest. Returns the request id.
     */
    private static String dropAfterThreeEvents(Subscriber customer, String upstreamUrl,
            String body, CountDownLatch gate) throws IOException {
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/forward?u=" + upstreamUrl + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + gateway.api().port() + "\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + json.length + "\r\n\r\n";
        String received;
        try (Socket socket = new Socket("127.0.0.1", gateway.api().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            received = readUntilEvents(socket.getInputStream(), 3);
            // Linger 0 makes close() reset the connection, as a killed client does.
            socket.setSoLinger(true, 0);
        } finally {
            gate.countDown();
        }
        assertThat(received).startsWith("HTTP/1.1 200");
        assertThat(received).doesNotContain("99999");
        Matcher requestId = Pattern.compile("(?im)^x-request-id: *(\\S+)").matcher(received);
        assertThat(requestId.find()).as(received).isTrue();
        return requestId.group(1);
    }

    private static String readUntilEvents(InputStream in, int events) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (count(seen.toString(StandardCharsets.UTF_8), "data: ") < events) {
            int read = in.read(buffer);
            if (read == -1) {
                break;
            }
            seen.write(buffer, 0, read);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    private static int count(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            found++;
        }
        return found;
    }

    private static JsonNode awaitRecord(String requestId) throws InterruptedException {
        Instant deadline = Instant.now().plus(MAX_SETTLE_WAIT);
        ApiResponse record = gateway.api().get(SANDBOX, "/v1/requests/" + requestId);
        while (record.status() == 404 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            record = gateway.api().get(SANDBOX, "/v1/requests/" + requestId);
        }
        assertThat(record.status()).as(record.text()).isEqualTo(200);
        return record.json();
    }

    private static void assertChargedAndReleased(Subscriber customer, JsonNode record) {
        long tokens = record.at("/model_usage/total_tokens").asLong();
        BigDecimal charge = new BigDecimal("2").multiply(BigDecimal.valueOf(tokens))
                .divide(BigDecimal.valueOf(1_000_000)).setScale(10);
        assertThat(record.at("/charge/amount").asText()).isEqualTo(charge.toPlainString());
        JsonNode credits = gateway.api().get(SANDBOX, "/v1/customers/" + customer.customerId()
                + "/subscription").json().at("/subscription/credits");
        assertThat(credits.at("/total_remaining").asText())
                .isEqualTo(new BigDecimal("10").setScale(10).subtract(charge).toPlainString());
        long openHolds = gateway.api().server().database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM credit_holds WHERE customer_id = :c")
                .bind("c", customer.customerId())
                .mapTo(Long.class)
                .one());
        assertThat(openHolds).isZero();
        assertThat(gateway.api().ledgerMismatch()).isEmpty();
    }

    private static Subscriber newSubscriber(String name) {
        return gateway.subscriber(TOKENS_METER.formatted(name + " " + PHONES.incrementAndGet()),
                "10.00", "10.00", "+1202555" + String.format(Locale.ROOT, "%04d",
                        PHONES.incrementAndGet()));
    }
}
