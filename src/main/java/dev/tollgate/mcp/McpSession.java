package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.client.ApiClient;
import dev.tollgate.client.ApiException;
import dev.tollgate.client.BrowserLogin;
import dev.tollgate.client.StoredLogin;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools of Tollgate's MCP server on stdio, bound to one server URL and secret key. The
 * {@code login} tool replaces the key for the rest of the session.
 */
public final class McpSession {
    private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicReference<ApiClient> client;
    private final Path credentialsFile;
    private final Consumer<String> browserOpener;

    /**
     * @param client the server URL and key (which may be absent until {@code login})
     * @param credentialsFile where {@code login} stores the new credentials
     * @param browserOpener opens the approval URL, normally {@link BrowserLogin#desktopOpener()}
     */
    public McpSession(ApiClient client, Path credentialsFile, Consumer<String> browserOpener) {
        this.client = new AtomicReference<>(client);
        this.credentialsFile = credentialsFile;
        this.browserOpener = browserOpener;
    }

    /** Returns every tool with its schema and handler. */
    public List<SyncToolSpecification> tools() {
        List<ToolSpec> specs = new ArrayList<>();
        specs.add(ToolSpec.of("login", "Sign in through the browser: opens the Tollgate approval"
                + " page, waits up to " + BrowserLogin.MAX_WAIT.toSeconds() + " seconds for the"
                + " merchant to approve, and stores a new secret key in " + credentialsFile
                + " (mode 0600) for this and later sessions.", args -> login()));
        specs.addAll(ToolCalls.apiTools(client::get, () -> client.get().baseUrl()));
        return specs.stream().map(McpSession::toSdk).toList();
    }

    private static SyncToolSpecification toSdk(ToolSpec spec) {
        return SyncToolSpecification.builder()
                .tool(ToolCalls.describe(spec))
                .callHandler((exchange, request) -> ToolCalls.run(spec, request.arguments()))
                .build();
    }

    private JsonNode login() {
        ApiClient current = client.get();
        BrowserLogin.Credentials credentials = new BrowserLogin(current.baseUrl(), browserOpener)
                .run(url -> LOG.info("Opening the login approval page url={}", url));
        StoredLogin.write(credentialsFile, new StoredLogin.Saved(stripSlash(current.baseUrl()),
                credentials.secretKey(), credentials.secretKeyId(), credentials.merchantId()));
        client.set(current.withKey(credentials.secretKey()));
        ObjectNode result = JSON.createObjectNode();
        result.put("merchant_id", credentials.merchantId());
        result.put("secret_key_id", credentials.secretKeyId());
        result.put("environment", credentials.secretKey().startsWith("aks_live_") ? "live"
                : "sandbox");
        result.put("stored_in", credentialsFile.toString());
        return result;
    }

    /** Returns the client's key, or fails with a message that says how to provide one. */
    static String requireKey(ApiClient client) {
        return client.secretKey().orElseThrow(() -> new ApiException(401, "No secret key: set"
                + " TOLLGATE_SECRET_KEY or LAVA_SECRET_KEY, or call the login tool."));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
