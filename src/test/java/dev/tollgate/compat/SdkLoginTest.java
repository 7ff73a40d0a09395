package dev.tollgate.compat;

import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs the official Node SDK's {@code Lava.login()} against the in-process server, with a
 * headless Chromium approving the login ({@code compat/agent/login.test.mjs}). Needs node,
 * npm and {@code /usr/bin/chromium} (or {@code CHROMIUM_PATH}).
 */
@Tag("browser")
class SdkLoginTest extends BothDatabases {
    private static final Path AGENT_PROJECT = Path.of("compat", "agent");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void sdkLoginWorksWithChromium() {
        NodeProject project = NodeProject.installed(AGENT_PROJECT);

        project.assertTestPasses("login.test.mjs",
                Map.of("TOLLGATE_URL", "http://127.0.0.1:" + server.port(),
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);
    }
}
