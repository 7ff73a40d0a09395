package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records real deliveries and has {@code compat/webhooks/verify.test.mjs} verify them with the
 * {@code standardwebhooks} npm package (version pinned in its package.json) and Node's crypto.
 * The server runs on the system clock, because the package rejects timestamps more than five
 * minutes from now. Without {@code node} and {@code npm} the test is skipped, except under
 * {@code CI=true}, where that is a failure.
 */
class StandardWebhooksCompatTest {
    private static final Path PROJECT = Path.of("compat", "webhooks");
    private static final Duration MAX_COMMAND_TIME = Duration.ofMinutes(5);

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void nodePackageVerifiesDeliveries(DatabaseKind kind) throws Exception {
        requireNode();
        try (Receiver receiver = new Receiver();
                TestServer server = TestServer.start(kind, Clock.systemUTC(),
                        WebhookTestBase.ENV)) {
            String url = receiver.url();
            String body = "{\"name\":\"n\",\"url\":\"" + url + "\"}";
            var webhook = server.post(TestServer.SANDBOX_KEY, "/v1/webhooks", body).json();
            server.post(TestServer.SANDBOX_KEY, "/v1/webhooks/"
                    + webhook.get("webhook_id").asText() + "/test", "");
            server.post(TestServer.SANDBOX_KEY, "/v1/customers", "{\"name\":\"Zoë Ünal\"}");
            List<Receiver.Received> received = WebhookTestBase.await("three deliveries",
                    () -> receiver.received(url), list -> list.size() >= 3);

            Path file = writeDeliveries(webhook.get("webhook_secret").asText(), received);
            try {
                installWhenStale();
                Result result = run(List.of("node", "--test", "--test-reporter=spec",
                        "verify.test.mjs"), Map.of("TOLLGATE_DELIVERIES_FILE", file.toString()));
                assertThat(result.exitCode()).as(result.output()).isZero();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private static Path writeDeliveries(String secret, List<Receiver.Received> received)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("secret", secret);
        var deliveries = root.putArray("deliveries");
        for (Receiver.Received request : received) {
            ObjectNode item = deliveries.addObject();
            item.set("headers", json.valueToTree(request.headers()));
            item.put("body_base64", Base64.getEncoder().encodeToString(request.body()));
        }
        Path file = Files.createTempFile("tollgate-deliveries-", ".json");
        Files.writeString(file, root.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private record Result(int exitCode, String output) {
    }

    private static void requireNode() {
        try {
            if (run(List.of("node", "--version"), Map.of()).exitCode() == 0
                    && run(List.of("npm", "--version"), Map.of()).exitCode() == 0) {
                return;
            }
        } catch (IOException e) {
            // Handled below like a failing command.
        }
        String message = "The standardwebhooks check needs node and npm on the PATH."
                + " Install Node.js 20 or newer.";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + " Under CI=true this fails the test.");
        }
        Assumptions.abort(message);
    }

    /** Runs {@code npm ci} when node_modules is missing or older than the lock file. */
    private static synchronized void installWhenStale() throws IOException {
        Path installed = PROJECT.resolve("node_modules").resolve(".package-lock.json");
        Path lock = PROJECT.resolve("package-lock.json");
        if (Files.isRegularFile(installed) && Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(lock)) >= 0) {
            return;
        }
        Result result = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of());
        assertThat(result.exitCode()).as("npm ci in " + PROJECT + ": " + result.output()).isZero();
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            // The output is small, so reading it after exit cannot fill the pipe.
            if (!process.waitFor(MAX_COMMAND_TIME.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(-1, command + " did not finish within " + MAX_COMMAND_TIME);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(output);
        return new Result(process.exitValue(), output);
    }
}
