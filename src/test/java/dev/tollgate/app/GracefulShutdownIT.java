package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.storage.Database;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestDatabase;
import dev.tollgate.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the packaged server ({@code target/tollgate.jar}) as a separate process, sends it SIGTERM
 * while a gateway stream is in flight, and checks that the stream still completes, that new
 * gateway requests get 503 meanwhile, and that after a restart on the same data the request is
 * recorded and charged. Runs in the integration-test phase, after {@code package}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class GracefulShutdownIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final Duration MAX_START_WAIT = Duration.ofSeconds(60);
    /** Longer than the server's own 30-second wait for requests in flight. */
    private static final Duration MAX_EXIT_WAIT = Duration.ofSeconds(45);
    private static final Pattern LISTENING = Pattern.compile("Tollgate listening .*port=(\\d+)");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Parameter
    DatabaseKind database;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void streamInFlightSurvivesShutdown() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (FakeProvider provider = new FakeProvider();
                TestDatabase data = TestDatabase.create(database)) {
            provider.on("/v1/chat/completions", Reply.stream(List.of(
                    chunk("{\"content\":\"Hel\"}"),
                    chunk("{\"content\":\"lo\"},\"finish_reason\":\"stop\""),
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
                            + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{"
                            + "\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12}}\n\n",
                    "data: [DONE]\n\n")).gatedAfterFirst(gate));
            provider.on("/v1/embeddings", Reply.json(200, "{\"object\":\"list\",\"data\":[],"
                    + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":1,"
                    + "\"total_tokens\":1}}"));

            ServerProcess first = ServerProcess.start(data, provider, "first");
            String customerId;
            String requestId;
            String streamed;
            try {
                customerId = subscribe(first.port());
                String token = GatewayServer.forwardToken(customerId, "shutdown-chat");
                HttpResponse<InputStream> stream = CLIENT.send(forward(first.port(), token,
                                "chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                        HttpResponse.BodyHandlers.ofInputStream());
                requestId = stream.headers().firstValue("x-request-id").orElseThrow();
                BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(),
                        StandardCharsets.UTF_8));
                assertThat(reader.readLine()).contains("\"Hel\"");

                first.process().destroy();
                HttpResponse<String> refused = awaitRefusal(first.port());
                gate.countDown();
                streamed = readRest(reader);

                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.body()).contains("\"shutting_down\"");
                assertThat(first.process().waitFor(MAX_EXIT_WAIT.toSeconds(), TimeUnit.SECONDS))
                        .as("server exited after SIGTERM").isTrue();
            } finally {
                gate.countDown();
                first.kill();
            }
            assertThat(streamed).contains("\"lo\"");
            assertThat(streamed).endsWith("data: [DONE]\n\n");
            assertThat(first.log()).contains("Tollgate stopped");

            ServerProcess second = ServerProcess.start(data, provider, "second");
            try {
                JsonNode record = get(second.port(), "/v1/requests/" + requestId);
                JsonNode credits = get(second.port(), "/v1/customers/" + customerId
                        + "/subscription").at("/subscription/credits");
                assertThat(record.at("/status").asText()).isEqualTo("completed");
                assertThat(record.at("/model_usage/total_tokens").asLong()).isEqualTo(12);
                // 12 tokens at 2 dollars per million tokens.
                assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0000240000");
                assertThat(credits.at("/total_remaining").asText()).isEqualTo("9.9999760000");
            } finally {
                second.kill();
            }
            try (Database stored = Database.open(data.jdbcUrl())) {
                assertThat(stored.jdbi().withHandle(LedgerCheck::firstMismatch)).isEmpty();
            }
        }
    }

    private static String chunk(String deltaAndRest) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":" + deltaAndRest + "}]}\n\n";
    }

    /** Subscribes a new customer to a plan with 10 dollars of credit and the chat meter. */
    private static String subscribe(int port) throws Exception {
        String meterId = post(port, "/v1/meters", "{\"name\":\"Shutdown chat\","
                + "\"meter_slug\":\"shutdown-chat\",\"rate_type\":\"fixed\","
                + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}")
                .get("meter_id").asText();
        String planId = post(port, "/v1/plans", "{\"name\":\"Shutdown plan\","
                + "\"period_amount\":\"10.00\",\"billing_interval\":\"month\","
                + "\"meter_ids\":[\"" + meterId + "\"]}").get("plan_id").asText();
        String sessionId = post(port, "/v1/checkout_sessions", "{\"checkout_mode\":\"subscription\","
                + "\"origin_url\":\"https://shop.example\",\"plan_id\":\"" + planId + "\"}")
                .get("checkout_session_id").asText();
        return post(port, "/v1/test_helpers/checkout_sessions/" + sessionId + "/complete",
                "{\"phone\":\"+12025550900\",\"card_number\":\"4242424242424242\"}")
                .get("customer_id").asText();
    }

    /**
     * Sends merchant-mode requests that the fake replies to at once until one gets a status other
     * than 200, and returns that response. Requests admitted before shutdown began complete.
     */
    private static HttpResponse<String> awaitRefusal(int port) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> probe;
            try {
                probe = CLIENT.send(forward(port, SANDBOX, "embeddings",
                        "{\"model\":\"text-embedding-3-small\",\"input\":\"probe\"}"),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError("the server closed connections before refusing"
                        + " new gateway requests", e);
            }
            if (probe.statusCode() != 200) {
                return probe;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("new gateway requests were still admitted 20 s after SIGTERM");
    }

    private static HttpRequest forward(int port, String credential, String path, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/forward/" + path
                        + "?u=https://api.openai.com/v1"))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private static String readRest(BufferedReader reader) throws IOException {
        StringBuilder rest = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            rest.append(line).append('\n');
        }
        return rest.toString();
    }

    private static JsonNode post(int port, String path, String json) throws Exception {
        return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static JsonNode get(int port, String path) throws Exception {
        return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private static JsonNode call(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = CLIENT.send(request
                        .header("Authorization", "Bearer " + SANDBOX).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        return JSON.readTree(response.body());
    }

    /** A server process, the file its log (stderr) goes to, and the port it reported. */
    private record ServerProcess(Process process, int port, Path logFile) {

        static ServerProcess start(TestDatabase data, FakeProvider provider, String name)
                throws Exception {
            Path jar = Path.of("target", "tollgate.jar").toAbsolutePath();
            assertThat(jar).as("the packaged server; run ./mvnw package first").exists();
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(java.toString(),
                    "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "serve",
                    "--port", "0", "--data", data.dataDir().toString());
            builder.environment().clear();
            builder.environment().put("TOLLGATE_BOOTSTRAP_SANDBOX_KEY", SANDBOX);
            builder.environment().put("TOLLGATE_BOOTSTRAP_LIVE_KEY", TestServer.LIVE_KEY);
            builder.environment().put("TOLLGATE_UPSTREAM_OVERRIDES",
                    "api.openai.com=" + provider.baseUrl());
            data.databaseUrlSetting().ifPresent(url ->
                    builder.environment().put("TOLLGATE_DATABASE_URL", url));
            Path logs = Files.createDirectories(data.dataDir());
            Path logFile = logs.resolve(name + ".log");
            builder.redirectOutput(logs.resolve(name + ".out").toFile());
            builder.redirectError(logFile.toFile());
            Process process = builder.start();
            Instant deadline = Instant.now().plus(MAX_START_WAIT);
            while (Instant.now().isBefore(deadline) && process.isAlive()) {
                Matcher listening = LISTENING.matcher(Files.readString(logFile));
                if (listening.find()) {
                    return new ServerProcess(process, Integer.parseInt(listening.group(1)),
                            logFile);
                }
                Thread.sleep(100);
            }
            process.destroyForcibly();
            throw new AssertionError("server did not start; its log: " + Files.readString(logFile));
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }

        /** Stops the process with SIGTERM, and with SIGKILL if it is still running after that. */
        void kill() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(MAX_EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
