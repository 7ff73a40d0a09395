package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamPolicyTest {
    private static final String CHAT = "u=https://api.openai.com/v1/chat/completions";

    @Test
    void overrideWithoutPathKeepsProviderPath() {
        UpstreamPolicy policy = new UpstreamPolicy(UpstreamPolicy.parseOverrides(
                "api.openai.com=http://127.0.0.1:9"));

        UpstreamTarget target = policy.target(CHAT, "");

        assertThat(target.connectUri())
                .isEqualTo(URI.create("http://127.0.0.1:9/v1/chat/completions"));
        assertThat(target.providerUri())
                .isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
    }

    @Test
    void overridePathGoesBeforeProviderPathOnce() {
        UpstreamPolicy policy = new UpstreamPolicy(UpstreamPolicy.parseOverrides(
                "api.openai.com=http://127.0.0.1:9/openai/"));

        UpstreamTarget target = policy.target(CHAT + "&api-version=1", "");

        assertThat(target.connectUri())
                .isEqualTo(URI.create("http://127.0.0.1:9/openai/v1/chat/completions?api-version=1"));
    }
}
