package dev.tollgate.mcp;

import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link McpSession}'s tools over standard input and output until the client closes
 * standard input. Standard output carries only protocol messages; logs go to standard error.
 * {@link StdioMessageFilter} reads standard input and replies to invalid lines, so one bad line
 * does not stop the SDK's transport.
 */
public final class StdioServer {
    private static final Logger LOG = LoggerFactory.getLogger(StdioServer.class);
    /**
     * How long the server waits, after the client closed its input, for the replies to requests
     * it already received, such as a slow {@code prompt}.
     */
    private static final Duration REPLY_TIMEOUT = Duration.ofMinutes(5);
    /** How long the SDK may take to close once every reply is written. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final int PIPE_BYTES = 64 * 1024;

    private StdioServer() {
    }

    /** Runs until standard input ends. */
    public static void run(McpSession session, String version) throws IOException {
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(
                new com.fasterxml.jackson.databind.ObjectMapper());
        StdioOutput output = new StdioOutput(System.out);
        PipedInputStream sdkInput = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream validLines = new PipedOutputStream(sdkInput);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper,
                sdkInput, output.lineStream());
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("tollgate", version)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                // ToolArguments checks arguments with messages that name the argument and fix.
                .validateToolInputs(false)
                .tools(session.tools())
                .build();
        LOG.info("MCP server started on stdio");
        try {
            new StdioMessageFilter(System.in, validLines, output).run();
            if (!output.awaitReplies(REPLY_TIMEOUT)) {
                LOG.warn("Stopping with requests unanswered after waiting {} seconds",
                        REPLY_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            validLines.close();
            server.getAsyncServer().closeGracefully().block(CLOSE_TIMEOUT);
            LOG.info("MCP server stopped: standard input closed");
        }
    }
}
