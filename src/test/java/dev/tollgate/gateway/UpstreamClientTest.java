package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Received;
import dev.tollgate.testing.FakeProvider.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamClientTest {
    private static final Map<String, List<String>> CLIENT_HEADERS = Map.of(
            "Content-Type", List.of("application/json"),
            "OpenAI-Organization", List.of("org-other"),
            "OpenAI-Project", List.of("proj-other"),
            "OpenAI-Beta", List.of("assistants=v2"));

    private FakeProvider provider;
    private UpstreamTarget target;

    @BeforeEach
    void start() {
        provider = new FakeProvider();
        provider.on("/v1/chat/completions", Reply.json(200, "{}"));
        target = new UpstreamPolicy(UpstreamPolicy.parseOverrides("api.openai.com="
                + provider.baseUrl())).target("u=https://api.openai.com/v1/chat/completions", "");
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void accountHeadersDroppedWhenTollgateSendsItsKey() throws IOException {
        send("Authorization", "Bearer sk-operator");

        Received received = provider.received().getLast();
        assertThat(received.header("authorization")).isEqualTo("Bearer sk-operator");
        assertThat(received.header("openai-organization")).isNull();
        assertThat(received.header("openai-project")).isNull();
        assertThat(received.header("openai-beta")).isEqualTo("assistants=v2");
    }

    @Test
    void accountHeadersKeptWithoutTollgateKey() throws IOException {
        send(null, null);

        Received received = provider.received().getLast();
        assertThat(received.header("openai-organization")).isEqualTo("org-other");
        assertThat(received.header("openai-project")).isEqualTo("proj-other");
    }

    private void send(String authHeader, String authValue) throws IOException {
        UpstreamClient.Response response = new UpstreamClient().send(target, "POST",
                CLIENT_HEADERS, authHeader, authValue, "{}".getBytes(StandardCharsets.UTF_8));
        try (var body = response.body()) {
            body.readAllBytes();
        }
        assertThat(response.status()).isEqualTo(200);
    }
}
