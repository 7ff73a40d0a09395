package dev.tollgate.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {
    private static final int PORT = 8080;

    private static boolean allows(AllowedOrigins origins, String origin) {
        return origins.allows(Optional.of(origin), PORT);
    }

    @Test
    void noOriginHeaderIsAllowed() {
        AllowedOrigins origins = AllowedOrigins.from(Map.of(), Optional.empty());

        assertThat(origins.allows(Optional.empty(), PORT)).isTrue();
    }

    @Test
    void loopbackOnServerPortIsAllowed() {
        AllowedOrigins origins = AllowedOrigins.from(Map.of(), Optional.empty());

        assertThat(allows(origins, "http://127.0.0.1:8080")).isTrue();
        assertThat(allows(origins, "http://localhost:8080")).isTrue();
        assertThat(allows(origins, "http://LOCALHOST:8080")).isTrue();
        assertThat(allows(origins, "http://[::1]:8080")).isTrue();
    }

    @Test
    void otherOriginsAreRejected() {
        AllowedOrigins origins = AllowedOrigins.from(Map.of(), Optional.empty());

        assertThat(allows(origins, "http://localhost:3000")).isFalse();
        assertThat(allows(origins, "https://localhost:8080")).isFalse();
        assertThat(allows(origins, "http://rebound.example:8080")).isFalse();
        assertThat(allows(origins, "null")).isFalse();
        assertThat(allows(origins, "not a url")).isFalse();
    }

    @Test
    void publicUrlOriginIsAllowed() {
        AllowedOrigins origins = AllowedOrigins.from(Map.of(),
                Optional.of("https://billing.example.com/"));

        assertThat(allows(origins, "https://billing.example.com")).isTrue();
        assertThat(allows(origins, "https://billing.example.com:443")).isTrue();
        assertThat(allows(origins, "http://billing.example.com")).isFalse();
    }

    @Test
    void configuredOriginsAreAllowed() {
        AllowedOrigins origins = AllowedOrigins.from(Map.of(AllowedOrigins.VARIABLE,
                " https://app.example.com , http://localhost:5173/"), Optional.empty());

        assertThat(allows(origins, "https://app.example.com")).isTrue();
        assertThat(allows(origins, "http://localhost:5173")).isTrue();
        assertThat(allows(origins, "https://other.example.com")).isFalse();
    }

    @Test
    void configuredEntryWithPathIsRejected() {
        Map<String, String> env = Map.of(AllowedOrigins.VARIABLE, "https://app.example.com/mcp");

        assertThatThrownBy(() -> AllowedOrigins.from(env, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TOLLGATE_MCP_ALLOWED_ORIGINS entry"
                        + " 'https://app.example.com/mcp'");
    }

    @Test
    void configuredEntryWithoutSchemeIsRejected() {
        Map<String, String> env = Map.of(AllowedOrigins.VARIABLE, "app.example.com");

        assertThatThrownBy(() -> AllowedOrigins.from(env, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("such as https://app.example.com");
    }
}
