package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Node project under {@code compat/} whose scripts a test runs: installs its locked packages
 * with {@code npm ci} when they are missing or stale, and runs {@code node --test} on a script.
 * Without {@code node} or {@code npm} the test is skipped, except under {@code CI=true}, where
 * that is a failure. No package may download a browser: installs run with
 * {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}.
 */
public final class NodeProject {
    private static final Duration VERSION_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    /** The output and exit code of a finished command, or {@code timedOut} when it was killed. */
    public record Result(int exitCode, boolean timedOut, String output) {
    }

    /**
     * Returns the project at {@code relativeDir} (such as {@code compat/agent}) with its packages
     * installed. Parent directories of the working directory are searched too, for IDEs.
     */
    public static NodeProject installed(String relativeDir) {
        requireCommand("node");
        NodeProject project = new NodeProject(find(Path.of(relativeDir)));
        project.installWhenStale();
        return project;
    }

    public Path dir() {
        return dir;
    }

    /** Runs {@code node --test} on {@code script} and asserts that it passed. */
    public void assertTestPasses(String script, Map<String, String> environment,
            Duration timeout) {
        Result result = run(List.of("node", "--test", "--test-reporter=spec",
                "--test-concurrency=1", script), environment, timeout);
        assertThat(result.timedOut())
                .withFailMessage("node --test %s did not finish within %s. Output:%n%s",
                        script, timeout, result.output())
                .isFalse();
        assertThat(result.exitCode())
                .withFailMessage("node --test %s exited with %d. Output:%n%s", script,
                        result.exitCode(), result.output())
                .isZero();
    }

    private static Path find(Path relative) {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + relative + "/package.json found in " + start
                + " or its parents. Run the tests from the repository root.");
    }

    /** Runs {@code npm ci} when node_modules is missing or older than package-lock.json. */
    private synchronized void installWhenStale() {
        // npm 7 and newer write this copy of the lock file at the end of every install.
        Path installedLock = dir.resolve("node_modules").resolve(".package-lock.json");
        if (Files.isRegularFile(installedLock)
                && !isOlder(installedLock, dir.resolve("package-lock.json"))) {
            return;
        }
        requireCommand("npm");
        Result result = run(List.of("npm", "ci", "--no-audit", "--no-fund"),
                Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"), INSTALL_TIMEOUT);
        assertThat(result.timedOut())
                .withFailMessage("npm ci in %s did not finish within %s. Output:%n%s", dir,
                        INSTALL_TIMEOUT, result.output())
                .isFalse();
        assertThat(result.exitCode())
                .withFailMessage("npm ci in %s exited with %d. Output:%n%s", dir,
                        result.exitCode(), result.output())
                .isZero();
    }

    private static boolean isOlder(Path file, Path than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Checks that {@code command --version} runs. When it does not, the calling test fails
     * under {@code CI=true} and is skipped otherwise.
     */
    public static void requireCommand(String command) {
        String problem;
        try {
            Result result = run(Path.of("").toAbsolutePath(), List.of(command, "--version"),
                    Map.of(), VERSION_CHECK_TIMEOUT);
            if (!result.timedOut() && result.exitCode() == 0) {
                return;
            }
            problem = "'" + command + " --version' failed: " + result.output().strip();
        } catch (UncheckedIOException e) {
            problem = e.getMessage();
        }
        String message = "This test needs '" + command + "' on the PATH (" + problem + ").";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(
                    message + " Under CI=true a missing tool fails the test.");
        }
        Assumptions.abort(message);
    }

    public Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        return run(dir, command, environment, timeout);
    }

    /**
     * Runs a command with extra environment variables, copying its combined output to standard
     * output as it arrives. A command still running after {@code timeout} is killed together
     * with its child processes.
     *
     * @throws UncheckedIOException when the command is missing or cannot be started
     */
    private static Result run(Path dir, List<String> command, Map<String, String> environment,
            Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start '" + String.join(" ", command)
                    + "': " + e.getMessage(), e);
        }
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> copyOutput(process, output));
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(10));
            synchronized (output) {
                return new Result(finished ? process.exitValue() : -1, !finished,
                        output.toString());
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static void copyOutput(Process process, StringBuilder output) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println(line);
                synchronized (output) {
                    output.append(line).append(System.lineSeparator());
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.append("[reading the output failed: ").append(e.getMessage()).append(']');
            }
        }
    }
}
