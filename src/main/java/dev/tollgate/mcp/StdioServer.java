package dev.tollgate.mcp;

import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link McpSession}'s tools over standard input and output until the client closes
 * standard input. Standard output carries only protocol messages; logs go to standard error.
 */
public final class StdioServer {
    private static final Logger LOG = LoggerFactory.getLogger(StdioServer.class);

    private StdioServer() {
    }

    /** Runs until standard input ends. */
    public static void run(McpSession session, String version) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(
                new com.fasterxml.jackson.databind.ObjectMapper());
        StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper,
                new NotifyingInputStream(System.in, closed::countDown), System.out);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("tollgate", version)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                // ToolArguments checks arguments with messages that name the argument and fix.
                .validateToolInputs(false)
                .tools(session.tools())
                .build();
        LOG.info("MCP server started on stdio");
        closed.await();
        server.closeGracefully();
        LOG.info("MCP server stopped: standard input closed");
    }
}
