package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.client.ApiClient;
import dev.tollgate.core.ApiError;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tollgate's MCP server over Streamable HTTP at {@code POST /mcp}, stateless: every request
 * carries the caller's secret key as {@code Authorization: Bearer aks_...}. The tools call the
 * server's own HTTP API, on the address it listens on, with that key, so they act for the key's merchant
 * and environment only, and a {@code prompt} is metered and charged like any gateway request.
 *
 * <p>Checks run in this order: method (GET, DELETE and others get 405), {@code Origin} (403, see
 * {@link AllowedOrigins}), secret key (401 with {@code WWW-Authenticate: Bearer}), then the
 * transport's checks of headers and body. Thread-safe.
 */
public final class McpHttpEndpoint implements AutoCloseable {
    public static final String PATH = "/mcp";
    private static final Logger LOG = LoggerFactory.getLogger(McpHttpEndpoint.class);
    private static final String ALLOW = "POST, OPTIONS";
    private static final String ALLOWED_HEADERS =
            "Authorization, Content-Type, Accept, MCP-Protocol-Version, Last-Event-ID";

    private final SecretKeys secretKeys;
    private final AllowedOrigins allowedOrigins;
    private final Optional<String> publicUrl;
    private final StatelessHttpTransport transport;
    private final McpStatelessSyncServer server;
    private volatile ApiClient loopback;
    private volatile int port = -1;

    private McpHttpEndpoint(SecretKeys secretKeys, AllowedOrigins allowedOrigins,
            Optional<String> publicUrl, String version) {
        this.secretKeys = secretKeys;
        this.allowedOrigins = allowedOrigins;
        this.publicUrl = publicUrl;
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
        this.transport = new StatelessHttpTransport(mapper);
        this.server = McpServer.sync(transport)
                .serverInfo("tollgate", version)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                // ToolArguments checks arguments with messages that name the argument and fix.
                .validateToolInputs(false)
                // Run tools on the request's virtual thread, not on Reactor's bounded pool.
                .immediateExecution(true)
                .tools(HttpTools.all())
                .build();
    }

    /**
     * Creates the endpoint, which returns 503 until {@link #bind} gives it the server's address.
     *
     * @param env the environment, for {@code TOLLGATE_MCP_ALLOWED_ORIGINS}
     * @param publicUrl {@code TOLLGATE_PUBLIC_URL}, whose origin may call the endpoint
     * @throws IllegalArgumentException naming the variable when an allowed origin is invalid
     */
    public static McpHttpEndpoint create(SecretKeys secretKeys, Map<String, String> env,
            Optional<String> publicUrl, String version) {
        return new McpHttpEndpoint(secretKeys, AllowedOrigins.from(env, publicUrl), publicUrl,
                version);
    }

    /** Adds {@link #PATH} to the routing, ahead of any catch-all route. */
    public void register(HttpRouting.Builder routing) {
        routing.any(PATH, this::route);
    }

    /**
     * Starts serving: tools call the API at {@code http://<listenHost>:<port>/}, with a
     * wildcard address or {@code localhost} replaced by 127.0.0.1.
     */
    public void bind(String listenHost, int port) {
        this.port = port;
        this.loopback = new ApiClient("http://" + loopbackHost(listenHost) + ":" + port, null);
    }

    static String loopbackHost(String listenHost) {
        String host = listenHost.strip();
        return switch (host) {
            case "0.0.0.0", "::", "[::]", "localhost", "" -> "127.0.0.1";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
    }

    private void route(ServerRequest request, ServerResponse response) {
        try {
            dispatch(request, response);
        } catch (RuntimeException e) {
            LOG.error("MCP request failed", e);
            if (!response.isSent()) {
                JsonRpcReplies.sendError(response, 500, null, JsonRpcReplies.INTERNAL_ERROR,
                        "The server failed to handle this request. It was logged; retry later.");
            }
        }
    }

    private void dispatch(ServerRequest request, ServerResponse response) {
        Method method = request.prologue().method();
        if (method.equals(Method.POST)) {
            post(request, response);
        } else if (method.equals(Method.OPTIONS)) {
            preflight(request, response);
        } else {
            response.header(HeaderNames.ALLOW, ALLOW);
            JsonRpcReplies.sendError(response, 405, null, JsonRpcReplies.INVALID_REQUEST,
                    "Method " + method.text() + " is not allowed on " + PATH + ". This server"
                            + " is stateless and has no event stream or session: send each"
                            + " JSON-RPC message with POST.");
        }
    }

    private void post(ServerRequest request, ServerResponse response) {
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        if (!checkOrigin(origin, response)) {
            return;
        }
        ApiClient base = loopback;
        if (base == null) {
            JsonRpcReplies.sendError(response, 503, null, JsonRpcReplies.INTERNAL_ERROR,
                    "The server is starting; retry shortly.");
            return;
        }
        Optional<String> key = authenticate(request, response);
        if (key.isEmpty()) {
            return;
        }
        McpTransportContext context = McpTransportContext.create(Map.of(
                HttpTools.CLIENT, base.withKey(key.get()),
                HttpTools.SERVER_URL, serverUrl(request)));
        transport.handle(request, response, context);
    }

    /** Sends 403 and returns false when a browser on another origin sent the request. */
    private boolean checkOrigin(Optional<String> origin, ServerResponse response) {
        if (allowedOrigins.allows(origin, port)) {
            origin.ifPresent(value -> {
                response.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, value);
                response.header(HeaderNames.VARY, "Origin");
            });
            return true;
        }
        LOG.debug("Rejected an MCP request from a browser origin origin={}", origin.get());
        JsonRpcReplies.sendApiError(response, 403, "permission_error", "origin_not_allowed",
                "Origin '" + origin.get() + "' may not call " + PATH + ". To allow a browser"
                        + " app on that origin, add it to " + AllowedOrigins.VARIABLE + ".");
        return false;
    }

    /** Returns the caller's secret key, or sends 401 and returns empty. */
    private Optional<String> authenticate(ServerRequest request, ServerResponse response) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        String challenge = "Bearer realm=\"tollgate\"";
        try {
            if (header.isEmpty()) {
                throw ApiError.unauthenticated("Missing Authorization header. Send"
                        + " 'Authorization: Bearer <secret key>' with a key such as aks_test_...");
            }
            String value = header.get().strip();
            if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw ApiError.unauthenticated("Authorization header must use the Bearer scheme:"
                        + " 'Authorization: Bearer <secret key>'.");
            }
            challenge += ", error=\"invalid_token\"";
            String key = value.substring(7).strip();
            secretKeys.authenticate(key);
            return Optional.of(key);
        } catch (ApiError e) {
            response.header(HeaderNames.WWW_AUTHENTICATE, challenge);
            JsonRpcReplies.sendApiError(response, e.status(), e.type(), e.code(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Responds to a CORS preflight from an allowed origin, so browser apps there can POST. */
    private void preflight(ServerRequest request, ServerResponse response) {
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        if (!checkOrigin(origin, response)) {
            return;
        }
        response.header(HeaderNames.ALLOW, ALLOW);
        if (origin.isPresent()) {
            response.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW);
            response.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            response.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    /** Returns the URL clients reach this server at: the public URL, else the Host header's. */
    private String serverUrl(ServerRequest request) {
        return publicUrl.orElseGet(() -> "http://" + request.headers().first(HeaderNames.HOST)
                .orElse(loopbackHost("") + ":" + port) + "/");
    }

    /** Stops accepting MCP requests; those in progress finish. */
    @Override
    public void close() {
        server.close();
    }
}
