package dev.tollgate.api;

import dev.tollgate.accounts.LoginCodes;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The browser login flow used by {@code Lava.login()} and {@code tollgate login}.
 * {@code GET /auth/connect?state&port} shows a form where the merchant approves the agent with
 * a secret key; {@code POST /auth/connect} checks the key and redirects to
 * {@code http://127.0.0.1:<port>/callback?code&state}; {@code POST /v1/auth/callback {code}}
 * exchanges the code, without credentials, for a new secret key. The redirect always targets
 * the loopback address, so a code never leaves the approving machine.
 */
final class LoginRoutes {
    /** Characters the SDK's hex state uses, plus the other URL-safe ones. */
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9._~-]{8,256}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final int MIN_PORT = 1024;
    private static final int MAX_PORT = 65535;
    private static final int MAX_FORM_BYTES = 4096;

    private final SecretKeys secretKeys;
    private final LoginCodes loginCodes;

    LoginRoutes(SecretKeys secretKeys, LoginCodes loginCodes) {
        this.secretKeys = secretKeys;
        this.loginCodes = loginCodes;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/auth/connect", this::showForm)
                .post("/auth/connect", this::approve)
                .post("/v1/auth/callback", Endpoints.openRequest(request -> {
                    String code = Call.readBody(request).requiredText("code", 200);
                    return Reply.ok(loginCodes.exchange(code));
                }));
    }

    /** The validated parameters of one login attempt. */
    private record Attempt(String state, int port) {
        String callbackUrl(String code) {
            return "http://127.0.0.1:" + port + "/callback?code="
                    + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&state="
                    + URLEncoder.encode(state, StandardCharsets.UTF_8);
        }
    }

    private void showForm(ServerRequest request, ServerResponse response) {
        Map<String, String> query = new HashMap<>();
        request.query().names().forEach(name -> query.put(name, request.query().get(name)));
        Optional<String> problem = problemWith(query);
        if (problem.isPresent()) {
            sendPage(response, Status.BAD_REQUEST_400, LoginPage.invalid(problem.get()));
            return;
        }
        Attempt attempt = attempt(query);
        sendPage(response, Status.OK_200, LoginPage.form(attempt.state(), attempt.port(), null));
    }

    private void approve(ServerRequest request, ServerResponse response) {
        Map<String, String> form;
        try {
            form = readForm(request);
        } catch (IOException | IllegalArgumentException e) {
            sendPage(response, Status.BAD_REQUEST_400,
                    LoginPage.invalid("The form could not be read. Start the login again."));
            return;
        }
        Optional<String> problem = problemWith(form);
        if (problem.isPresent()) {
            sendPage(response, Status.BAD_REQUEST_400, LoginPage.invalid(problem.get()));
            return;
        }
        Attempt attempt = attempt(form);
        Caller approver;
        try {
            approver = secretKeys.authenticate(form.getOrDefault("secret_key", "").strip());
        } catch (ApiError e) {
            sendPage(response, Status.UNAUTHORIZED_401, LoginPage.form(attempt.state(),
                    attempt.port(), "That secret key is unknown, revoked or malformed."
                            + " Paste an aks_test_ or aks_live_ key of your merchant."));
            return;
        }
        String code = loginCodes.issue(approver);
        response.status(Status.SEE_OTHER_303);
        response.header(HeaderNames.LOCATION, attempt.callbackUrl(code));
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        response.send();
    }

    /** Returns why {@code state} or {@code port} is invalid, or empty when both are valid. */
    private static Optional<String> problemWith(Map<String, String> parameters) {
        String state = parameters.get("state");
        if (state == null || !STATE.matcher(state).matches()) {
            return Optional.of("Parameter 'state' must be 8 to 256 characters of letters, digits,"
                    + " '.', '_', '~' or '-'. Start the login again from your agent.");
        }
        String port = parameters.get("port");
        if (port == null || !PORT.matcher(port).matches() || Integer.parseInt(port) < MIN_PORT
                || Integer.parseInt(port) > MAX_PORT) {
            return Optional.of("Parameter 'port' must be a TCP port from " + MIN_PORT + " to "
                    + MAX_PORT + " where the agent listens on 127.0.0.1.");
        }
        return Optional.empty();
    }

    private static Attempt attempt(Map<String, String> parameters) {
        return new Attempt(parameters.get("state"), Integer.parseInt(parameters.get("port")));
    }

    /** Reads an {@code application/x-www-form-urlencoded} body of at most 4 KiB. */
    private static Map<String, String> readForm(ServerRequest request) throws IOException {
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            bytes = in.readNBytes(MAX_FORM_BYTES + 1);
        }
        if (bytes.length > MAX_FORM_BYTES) {
            throw new IllegalArgumentException("form larger than " + MAX_FORM_BYTES + " bytes");
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void sendPage(ServerResponse response, Status status, String html) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        // The form may only post back here, and no other site may frame the page.
        response.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none';"
                + " style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:*;"
                + " frame-ancestors 'none'");
        response.header(HeaderNames.create("X-Frame-Options"), "DENY");
        response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        response.send(html);
    }
}
