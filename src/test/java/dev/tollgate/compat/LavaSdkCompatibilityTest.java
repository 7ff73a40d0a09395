package dev.tollgate.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the official Node SDK ({@code @lavapayments/nodejs}, at the version pinned in
 * {@code compat/node/package.json}) against the in-process server. The script
 * {@code compat/node/catalogue.test.mjs} calls every catalogue method of the SDK and checks the
 * replies. {@link NodeProject} lists the tools it needs and when it is skipped.
 */
class LavaSdkCompatibilityTest extends BothDatabases {
    private static final Path NODE_PROJECT = Path.of("compat", "node");
    private static final String TEST_SCRIPT = "catalogue.test.mjs";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    @Test
    void nodeSdkCatalogueSuitePasses() {
        NodeProject project = NodeProject.installed(NODE_PROJECT);

        NodeProject.Result result = project.run(
                List.of("node", "--test", "--test-reporter=spec", TEST_SCRIPT),
                Map.of("TOLLGATE_BASE_URL", server.baseUrl(),
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "TOLLGATE_LIVE_KEY", TestServer.LIVE_KEY,
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);

        assertThat(result.timedOut())
                .withFailMessage("node --test %s did not finish within %s on %s. Output:%n%s",
                        TEST_SCRIPT, RUN_TIMEOUT, database, result.output())
                .isFalse();
        assertThat(result.exitCode())
                .withFailMessage("node --test %s exited with %d on %s. Output:%n%s",
                        TEST_SCRIPT, result.exitCode(), database, result.output())
                .isZero();
    }
}
