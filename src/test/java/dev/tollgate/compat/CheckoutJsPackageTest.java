package dev.tollgate.compat;

import dev.tollgate.testing.NodeProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser SDK's own Node tests ({@code sdk/checkout-js/test}) with {@code node --test},
 * so that the Maven build covers the token decoding the checkout overlay relies on. The package
 * has no dependencies, so nothing is installed. Needs {@code node}; without it the test is
 * skipped, except under {@code CI=true}, where that is a failure.
 */
class CheckoutJsPackageTest {
    private static final Path SDK_PROJECT = Path.of("sdk", "checkout-js");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);

    @Test
    void tokenTestsPass() {
        NodeProject project = NodeProject.withoutInstall(SDK_PROJECT);

        project.assertTestPasses("test/token.test.mjs", Map.of("NO_COLOR", "1"), RUN_TIMEOUT);
    }
}
