package dev.tollgate.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tollgate.client.ApiClient;
import dev.tollgate.client.ApiException;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tool calls for both transports. Tool failures (bad arguments, API errors) become tool
 * errors with the reason, never protocol errors, so the model can read them and retry.
 */
final class ToolCalls {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ToolCalls() {
    }

    /**
     * Returns the tools that call the HTTP API: gateway and management tools, without
     * {@code login}.
     *
     * @param client the client each call uses, with the caller's secret key
     * @param serverUrl the server URL to show clients, such as in forward token instructions
     */
    static List<ToolSpec> apiTools(Supplier<ApiClient> client, Supplier<String> serverUrl) {
        List<ToolSpec> specs = new ArrayList<>();
        specs.addAll(new GatewayTools(client).all());
        specs.addAll(new ManagementTools(client, serverUrl).all());
        return specs;
    }

    /** Returns the SDK's description of a tool: name, description and argument schema. */
    static McpSchema.Tool describe(ToolSpec spec) {
        return McpSchema.Tool.builder()
                .name(spec.name())
                .description(spec.description())
                .inputSchema(spec.inputSchema())
                .build();
    }

    /** Checks the arguments, runs the tool and returns its JSON result or a tool error. */
    static CallToolResult run(ToolSpec spec, Map<String, Object> arguments) {
        try {
            JsonNode result = spec.handler().call(ToolArguments.check(spec.params(), arguments));
            return CallToolResult.builder().addTextContent(JSON.writeValueAsString(result))
                    .isError(false).build();
        } catch (ToolArgumentException | ApiException e) {
            return error(e.getMessage());
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.error("Tool failed tool={}", spec.name(), e);
            return error("Tool " + spec.name() + " failed: " + e);
        }
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
