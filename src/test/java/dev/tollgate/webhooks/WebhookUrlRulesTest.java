package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Without the loopback setting, URLs to non-public addresses are rejected at creation. */
class WebhookUrlRulesTest extends BothDatabases {

    @Test
    void nonPublicAddressesRejected() {
        String[] urls = {
            "http://127.0.0.1:9/hook",
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://[::1]/hook",
            "https://10.1.2.3/hook",
            "https://192.168.0.10/hook",
            "https://172.16.5.4/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[fe80::1]/hook",
            "https://0.0.0.0/hook",
        };
        for (String url : urls) {
            ApiResponse response = server.post(TestServer.SANDBOX_KEY, "/v1/webhooks",
                    "{\"name\":\"n\",\"url\":\"" + url + "\"}");
            assertThat(response.status()).as(url).isEqualTo(400);
            assertThat(response.at("/error/param")).as(url).isEqualTo("url");
        }
    }

    @Test
    void httpRejectedBeforeHostLookup() {
        // A name under .invalid never resolves, so a lookup would give "could not be resolved".
        ApiResponse response = server.post(TestServer.SANDBOX_KEY, "/v1/webhooks",
                "{\"name\":\"n\",\"url\":\"http://hooks.example.invalid/hook\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo("url");
        assertThat(response.at("/error/message")).contains("must use https");
        assertThat(response.at("/error/message")).doesNotContain("resolved");
    }

    @Test
    void loopbackHttpNeedsSetting() {
        ApiResponse response = server.post(TestServer.SANDBOX_KEY, "/v1/webhooks",
                "{\"name\":\"n\",\"url\":\"http://127.0.0.1:9/hook\"}");

        assertThat(response.at("/error/message")).contains("TOLLGATE_WEBHOOK_ALLOW_LOOPBACK");
    }
}
