package dev.tollgate.mcp;

import dev.tollgate.client.ApiClient;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;

/**
 * The tools of the MCP server at {@code /mcp}: the same gateway and management tools as on
 * stdio, without {@code login}, because an HTTP caller already sends a secret key. Each call
 * runs with the {@link ApiClient} that the transport put in its context, which carries the
 * caller's key, so it can read and change only the objects of the caller's merchant and
 * environment.
 */
final class HttpTools {
    /** Context key of the {@link ApiClient} bound to the caller's secret key. */
    static final String CLIENT = "tollgate.client";
    /** Context key of the server URL to show the caller, such as in forward token usage. */
    static final String SERVER_URL = "tollgate.serverUrl";

    private HttpTools() {
    }

    /** Returns the tool specifications for the stateless MCP server. */
    static List<SyncToolSpecification> all() {
        List<ToolSpec> described = ToolCalls.apiTools(HttpTools::noClient, () -> "");
        return described.stream().map(spec -> SyncToolSpecification.builder()
                .tool(ToolCalls.describe(spec))
                .callHandler((context, request) -> call(context, spec.name(),
                        request.arguments()))
                .build()).toList();
    }

    /** Binds the tools to this call's client, then runs the named one. */
    private static CallToolResult call(McpTransportContext context, String name,
            Map<String, Object> arguments) {
        ApiClient client = (ApiClient) context.get(CLIENT);
        String serverUrl = (String) context.get(SERVER_URL);
        if (client == null || serverUrl == null) {
            throw new IllegalStateException("the MCP transport context has no client for tool "
                    + name);
        }
        ToolSpec bound = ToolCalls.apiTools(() -> client, () -> serverUrl).stream()
                .filter(spec -> spec.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no tool named " + name));
        return ToolCalls.run(bound, arguments);
    }

    private static ApiClient noClient() {
        throw new IllegalStateException("tool descriptions must not call the API");
    }
}
