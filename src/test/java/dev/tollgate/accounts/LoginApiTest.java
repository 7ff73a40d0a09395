package dev.tollgate.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.ManualClock;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The browser login flow driven with plain HTTP requests, on a clock the test controls. */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class LoginApiTest {
    private static final String STATE = "0123456789abcdef0123456789abcdef";
    private static final int CALLBACK_PORT = 45678;
    private static final Pattern CALLBACK = Pattern.compile(
            "http://127\\.0\\.0\\.1:45678/callback\\?code=(tlc_[A-Za-z0-9]+)&state=" + STATE);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static ManualClock clock;
    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
        server = TestServer.start(database, clock);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void connectPageShowsApprovalForm() {
        HttpResponse<String> page = get("/auth/connect?state=" + STATE + "&port=" + CALLBACK_PORT);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("name=\"state\" value=\"" + STATE + "\"");
        assertThat(page.body()).contains("name=\"port\" value=\"" + CALLBACK_PORT + "\"");
        assertThat(page.body()).contains("name=\"secret_key\"");
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
    }

    @Test
    void approvalRedirectsToLoopbackCallback() {
        HttpResponse<String> approval = approve(TestServer.SANDBOX_KEY, STATE,
                String.valueOf(CALLBACK_PORT));

        assertThat(approval.statusCode()).isEqualTo(303);
        String location = approval.headers().firstValue("location").orElseThrow();
        assertThat(location).matches(CALLBACK.pattern());
    }

    @Test
    void exchangeReturnsNewKeyOfSameEnvironment() {
        ApiResponse exchanged = exchange(approvedCode(TestServer.SANDBOX_KEY));

        assertThat(exchanged.status()).isEqualTo(200);
        String newKey = exchanged.at("/secret_key");
        assertThat(newKey).startsWith("aks_test_").isNotEqualTo(TestServer.SANDBOX_KEY);
        assertThat(exchanged.at("/secret_key_id")).startsWith("sk_test_");
        assertThat(exchanged.at("/merchant_id")).startsWith("mer_");
        assertThat(exchanged.at("/wallet_id")).startsWith("wal_");
        assertThat(exchanged.at("/account_id")).startsWith("acc_");
        assertThat(server.get(newKey, "/v1/meters").status()).isEqualTo(200);
        ApiResponse keys = server.get(TestServer.SANDBOX_KEY, "/v1/secret_keys?limit=100");
        assertThat(keys.text()).contains(exchanged.at("/secret_key_id")).contains("CLI login");
    }

    @Test
    void liveApprovalReturnsLiveKey() {
        ApiResponse exchanged = exchange(approvedCode(TestServer.LIVE_KEY));

        assertThat(exchanged.status()).isEqualTo(200);
        assertThat(exchanged.at("/secret_key")).startsWith("aks_live_");
        assertThat(exchanged.at("/secret_key_id")).startsWith("sk_").doesNotContain("_test_");
    }

    @Test
    void revokingLoginKeyKeepsMerchantKey() {
        ApiResponse exchanged = exchange(approvedCode(TestServer.SANDBOX_KEY));
        String loginKeyId = exchanged.at("/secret_key_id");

        ApiResponse revoked = server.delete(TestServer.SANDBOX_KEY, "/v1/secret_keys/" + loginKeyId);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(server.get(exchanged.at("/secret_key"), "/v1/meters").status()).isEqualTo(401);
        assertThat(server.get(TestServer.SANDBOX_KEY, "/v1/meters").status()).isEqualTo(200);
    }

    @Test
    void reusedCodeIsRejected() {
        String code = approvedCode(TestServer.SANDBOX_KEY);
        assertThat(exchange(code).status()).isEqualTo(200);

        ApiResponse second = exchange(code);

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.at("/error/code")).isEqualTo("login_code_used");
        assertThat(second.json().has("secret_key")).isFalse();
    }

    @Test
    void expiredCodeIsRejected() {
        String code = approvedCode(TestServer.SANDBOX_KEY);
        clock.advance(Duration.ofSeconds(61));

        ApiResponse late = exchange(code);

        assertThat(late.status()).isEqualTo(410);
        assertThat(late.at("/error/code")).isEqualTo("login_code_expired");
    }

    @Test
    void codeWorksUntilSixtySeconds() {
        String code = approvedCode(TestServer.SANDBOX_KEY);
        clock.advance(Duration.ofSeconds(59));

        assertThat(exchange(code).status()).isEqualTo(200);
    }

    @Test
    void unknownOrMissingCodeIsRejected() {
        ApiResponse unknown = exchange("tlc_" + "x".repeat(40));
        ApiResponse missing = server.post(null, "/v1/auth/callback", "{}");

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.at("/error/param")).isEqualTo("code");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.at("/error/code")).isEqualTo("missing_field");
    }

    @Test
    void wrongSecretKeyShowsFormAgain() {
        HttpResponse<String> approval = approve("aks_test_" + "W".repeat(40), STATE,
                String.valueOf(CALLBACK_PORT));

        assertThat(approval.statusCode()).isEqualTo(401);
        assertThat(approval.headers().firstValue("location")).isEmpty();
        assertThat(approval.body()).contains("unknown, revoked or malformed");
        assertThat(approval.body()).doesNotContain("W".repeat(40));
    }

    @Test
    void invalidStateOrPortIsRejected() {
        Map<String, String> cases = Map.of(
                "state=" + STATE + "&port=80", "port",
                "state=" + STATE + "&port=65536", "port",
                "state=" + STATE + "&port=8080x", "port",
                "state=" + STATE, "port",
                "state=short&port=45678", "state",
                "state=%3Cscript%3Ealert(1)%3C%2Fscript%3E&port=45678", "state",
                "port=45678", "state");
        cases.forEach((query, parameter) -> {
            HttpResponse<String> page = get("/auth/connect?" + query);
            assertThat(page.statusCode()).as(query).isEqualTo(400);
            assertThat(page.body()).as(query).contains("Parameter '" + parameter + "'");
            assertThat(page.body()).as(query).doesNotContain("<script>");
        });
    }

    @Test
    void approvalWithInvalidPortIsRejected() {
        HttpResponse<String> approval = approve(TestServer.SANDBOX_KEY, STATE, "22");

        assertThat(approval.statusCode()).isEqualTo(400);
        assertThat(approval.headers().firstValue("location")).isEmpty();
    }

    private static String approvedCode(String key) {
        HttpResponse<String> approval = approve(key, STATE, String.valueOf(CALLBACK_PORT));
        assertThat(approval.statusCode()).isEqualTo(303);
        Matcher matcher = CALLBACK.matcher(approval.headers().firstValue("location").orElseThrow());
        assertThat(matcher.matches()).isTrue();
        return matcher.group(1);
    }

    private static ApiResponse exchange(String code) {
        return server.post(null, "/v1/auth/callback", "{\"code\":\"" + code + "\"}");
    }

    private static HttpResponse<String> approve(String key, String state, String port) {
        String form = "state=" + encode(state) + "&port=" + encode(port) + "&secret_key="
                + encode(key);
        return send(HttpRequest.newBuilder(uri("/auth/connect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
