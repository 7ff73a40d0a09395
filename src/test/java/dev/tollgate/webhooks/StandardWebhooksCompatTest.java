package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.NodeProject;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records real deliveries and has {@code compat/webhooks/verify.test.mjs} verify them with the
 * {@code standardwebhooks} npm package (version pinned in its package.json) and Node's crypto.
 * The server runs on the system clock, because the package rejects timestamps more than five
 * minutes from now. {@link NodeProject} lists the tools it needs and when it is skipped.
 */
class StandardWebhooksCompatTest {
    private static final Path PROJECT = Path.of("compat", "webhooks");
    private static final Duration MAX_COMMAND_TIME = Duration.ofMinutes(5);

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void nodePackageVerifiesDeliveries(DatabaseKind kind) throws Exception {
        // Installing before any delivery is recorded keeps a slow npm ci from pushing the
        // delivery timestamps out of the package's five-minute tolerance.
        NodeProject project = NodeProject.installed(PROJECT);
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
                NodeProject.Result result = project.run(
                        List.of("node", "--test", "--test-reporter=spec", "verify.test.mjs"),
                        Map.of("TOLLGATE_DELIVERIES_FILE", file.toString(), "NO_COLOR", "1"),
                        MAX_COMMAND_TIME);
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
}
