package dev.tollgate.compat;

import dev.tollgate.app.Main;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code compat/agent/mcp.test.mjs}: the official MCP TypeScript client starts
 * {@code tollgate mcp} (this JVM's class path and {@link Main}) over stdio against the
 * in-process server. The login part needs {@code /usr/bin/chromium}.
 */
@Tag("browser")
class McpStdioTest extends BothDatabases {
    private static final Path AGENT_PROJECT = Path.of("compat", "agent");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void mcpClientDrivesEveryTool() {
        NodeProject project = NodeProject.installed(AGENT_PROJECT);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "[\"" + java + "\",\"--enable-native-access=ALL-UNNAMED\",\"-cp\",\""
                + System.getProperty("java.class.path") + "\",\"" + Main.class.getName() + "\"]";

        project.assertTestPasses("mcp.test.mjs",
                Map.of("TOLLGATE_URL", "http://127.0.0.1:" + server.port(),
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "TOLLGATE_MCP_COMMAND", command,
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);
    }
}
