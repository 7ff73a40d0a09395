package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestServer;
import org.junit.jupiter.api.Test;

class HealthApiTest extends BothDatabases {
    @Test
    void healthzAnswersOk() {
        ApiResponse response = server.get(null, "/healthz");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.at("/status")).isEqualTo("ok");
    }

    @Test
    void unknownRouteIsJson404() {
        ApiResponse response = server.get(TestServer.SANDBOX_KEY, "/v1/nothing-here");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.at("/error/code")).isEqualTo("route_missing");
    }

    @Test
    void missingKeyIs401() {
        ApiResponse response = server.get(null, "/v1/meters");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.at("/error/type")).isEqualTo("authentication_error");
    }
}
