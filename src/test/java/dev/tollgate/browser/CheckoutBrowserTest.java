package dev.tollgate.browser;

import dev.tollgate.testing.Checkouts;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code compat/browser/checkout.test.mjs}: headless Chromium, driven by npm
 * {@code playwright-core}, buys through the demo merchant site in
 * {@code examples/checkout-demo} against an in-process server on SQLite. Screenshots go to
 * {@code target/browser-screenshots}. Needs {@code node}, {@code npm} and Chromium at
 * {@code /usr/bin/chromium} (Debian package {@code chromium}); without them the test is
 * skipped, except under {@code CI=true}, where that is a failure.
 */
@Tag("browser")
class CheckoutBrowserTest {
    private static final Path BROWSER_PROJECT = Path.of("compat", "browser");
    private static final Path DEMO_PROJECT = Path.of("examples", "checkout-demo");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String TEST_SCRIPT = "checkout.test.mjs";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(DatabaseKind.SQLITE);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void checkoutFlowsPassInChromium() {
        requireChromium();
        NodeProject.installed(DEMO_PROJECT);
        NodeProject project = NodeProject.installed(BROWSER_PROJECT);
        Path screenshots = Path.of("target", "browser-screenshots").toAbsolutePath();
        int demoPort = freePort();

        project.assertTestPasses(TEST_SCRIPT,
                Map.of("TOLLGATE_URL", "http://127.0.0.1:" + server.port() + "/",
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "DEMO_PORT", String.valueOf(demoPort),
                        "EXPIRED_CHECKOUT_TOKEN", expiredToken("http://127.0.0.1:" + demoPort + "/"),
                        "SCREENSHOT_DIR", screenshots.toString(),
                        "CHROMIUM_PATH", CHROMIUM.toString(),
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);
    }

    /**
     * Creates a session for the demo's origin and moves its expiry into the past, so its page
     * must show the error.
     */
    private static String expiredToken(String demoOrigin) {
        String planId = Checkouts.plan(server, TestServer.SANDBOX_KEY, "9.00");
        Checkouts.Session session = Checkouts.subscription(server, TestServer.SANDBOX_KEY, planId,
                demoOrigin);
        server.server().database().jdbi().useHandle(handle -> handle.createUpdate(
                        "UPDATE checkout_sessions SET expires_at = :past WHERE id = :id")
                .bind("past", "2020-01-01T00:00:00.000Z")
                .bind("id", session.id())
                .execute());
        return session.body().get("checkout_session_token").asText();
    }

    /** Returns a port that was free a moment ago, for the demo site the script starts. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        String message = "The browser tests need Chromium at " + CHROMIUM
                + ". Install it with: apt-get install -y chromium";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + " Under CI=true a missing tool fails the test.");
        }
        Assumptions.abort(message);
    }
}
