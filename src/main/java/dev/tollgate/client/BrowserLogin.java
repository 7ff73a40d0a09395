package dev.tollgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The agent's side of the browser login: listens on 127.0.0.1, opens
 * {@code <server>/auth/connect?state&port} in the desktop browser, waits for the redirect to
 * {@code /callback?code&state}, checks the state and exchanges the code for a new secret key.
 */
public final class BrowserLogin {
    /** How long the login waits for the merchant to approve. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String serverUrl;
    private final Consumer<String> opener;

    /**
     * @param serverUrl the Tollgate server's root URL
     * @param opener opens a URL in a browser; {@link #desktopOpener()} in production
     */
    public BrowserLogin(String serverUrl, Consumer<String> opener) {
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1)
                : serverUrl;
        this.opener = opener;
    }

    /** The credentials {@code POST /v1/auth/callback} returned. */
    public record Credentials(String walletId, String secretKeyId, String secretKey,
            String merchantId, String accountId) {
    }

    /**
     * Returns an opener that runs {@code open} on macOS and {@code xdg-open} elsewhere, without
     * waiting for it to finish.
     */
    public static Consumer<String> desktopOpener() {
        return url -> {
            String command = System.getProperty("os.name", "").toLowerCase().contains("mac")
                    ? "open" : "xdg-open";
            try {
                new ProcessBuilder(command, url)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run '" + command + "' to open the"
                        + " browser; open " + url + " yourself", e);
            }
        };
    }

    /**
     * Runs the login and returns the new credentials.
     *
     * @param announce receives the approval URL before the browser is opened, so a user can
     *     open it by hand
     * @throws ApiException when approval times out, the state does not match, or the exchange
     *     fails
     */
    public Credentials run(Consumer<String> announce) {
        String state = HexFormat.of().formatHex(randomBytes(16));
        CompletableFuture<String> code = new CompletableFuture<>();
        HttpServer callback = listen(state, code);
        try {
            String url = serverUrl + "/auth/connect?state=" + state + "&port="
                    + callback.getAddress().getPort();
            announce.accept(url);
            opener.accept(url);
            return exchange(await(code));
        } finally {
            callback.stop(0);
        }
    }

    private static HttpServer listen(String state, CompletableFuture<String> code) {
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/callback", exchange -> handle(exchange, state, code));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1 for the login callback", e);
        }
    }

    private static void handle(HttpExchange exchange, String state,
            CompletableFuture<String> code) throws IOException {
        Map<String, String> query = parseQuery(exchange.getRequestURI());
        if (!"GET".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, "Method not allowed.");
        } else if (!state.equals(query.get("state"))) {
            reply(exchange, 400, "The state does not match this login. Start it again.");
            code.completeExceptionally(new ApiException(0, "Login callback had a different"
                    + " state than this login started with; a forged link may have been opened."
                    + " Start the login again."));
        } else if (query.get("code") == null || query.get("code").isBlank()) {
            reply(exchange, 400, "The callback has no code. Start the login again.");
            code.completeExceptionally(new ApiException(0, "Login callback had no code."));
        } else {
            reply(exchange, 200, "Logged in. You can close this tab.");
            code.complete(query.get("code"));
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = ("<!DOCTYPE html><meta charset=\"utf-8\"><title>Tollgate login</title><p>"
                + text + "</p>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String await(CompletableFuture<String> code) {
        try {
            return code.get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(0, "Login was not approved within " + MAX_WAIT.toSeconds()
                    + " seconds. Start it again.");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ApiException api ? api
                    : new ApiException(0, "Login failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "Login was interrupted.");
        }
    }

    private Credentials exchange(String code) {
        JsonNode reply = new ApiClient(serverUrl, null).post("v1/auth/callback",
                JSON.createObjectNode().put("code", code));
        return new Credentials(reply.path("wallet_id").asText(), reply.path("secret_key_id").asText(),
                reply.path("secret_key").asText(), reply.path("merchant_id").asText(),
                reply.path("account_id").asText());
    }

    private static Map<String, String> parseQuery(URI uri) {
        Map<String, String> query = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
