package dev.tollgate.compat;

import dev.tollgate.accounts.Merchants;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.core.Ids;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code compat/agent/mcp-http.test.mjs}: the official MCP TypeScript client's
 * Streamable HTTP transport against {@code /mcp} of the in-process server, with the bootstrap
 * merchant's sandbox key and a second merchant's key for the isolation checks.
 */
class McpHttpTest extends BothDatabases {
    private static final Path AGENT_PROJECT = Path.of("compat", "agent");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void mcpClientDrivesHttpEndpoint() {
        NodeProject project = NodeProject.installed(AGENT_PROJECT);

        project.assertTestPasses("mcp-http.test.mjs",
                Map.of("TOLLGATE_URL", "http://127.0.0.1:" + server.port(),
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "TOLLGATE_OTHER_KEY", secondMerchant().sandboxKey(),
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);
    }

    private static Merchants.NewMerchant secondMerchant() {
        Clock clock = Clock.systemUTC();
        Jdbi jdbi = server.server().database().jdbi();
        Ids ids = new Ids(clock);
        return new Merchants(jdbi, ids, clock, new SecretKeys(jdbi, ids, clock))
                .create("Second");
    }
}
