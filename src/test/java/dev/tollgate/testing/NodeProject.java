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
 * A Node project in this repository, such as {@code compat/node} or
 * {@code examples/billing-flow}, whose scripts a test runs. {@link #installed} installs the
 * locked packages with {@code npm ci} when {@code node_modules} is missing or older than
 * {@code package-lock.json}, and {@link #run} runs a command in the project with a timeout.
 *
 * <p>Needs {@code node} on the PATH, and {@code npm} when packages must be installed. Without
 * them the calling test is skipped, except under {@code CI=true}, where that is a failure.
 * Installs run with {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}, so no package downloads a
 * browser.
 */
public final class NodeProject {
    private static final Duration VERSION_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** Serializes installs, because two tests may share a project and npm ci rewrites it. */
    private static final Object INSTALL_LOCK = new Object();

    private final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    /**
     * The exit code and combined standard output and error of a command. When the command timed
     * out, {@code exitCode} is -1 and the output ends with a timeout notice.
     */
    public record Result(int exitCode, boolean timedOut, String output) {
    }

    /**
     * Returns the project at {@code relativeDir}, a path from the repository root, after checking
     * that {@code node} runs and installing the packages when they are missing or stale.
     */
    public static NodeProject installed(Path relativeDir) {
        requireCommand("node");
        NodeProject project = new NodeProject(find(relativeDir));
        project.installWhenStale();
        return project;
    }

    /**
     * Returns the project at {@code relativeDir} after checking that {@code node} runs, without
     * installing packages. It suits a project with no dependencies, such as
     * {@code sdk/checkout-js}, which has no lock file for {@code npm ci}.
     */
    public static NodeProject withoutInstall(Path relativeDir) {
        requireCommand("node");
        return new NodeProject(find(relativeDir));
    }

    public Path dir() {
        return dir;
    }

    /**
     * Runs {@code node --test} on {@code script}, one test file at a time, and asserts that it
     * finished within {@code timeout} with exit code 0. A failure message contains the output.
     */
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

    /**
     * Runs {@code command} in the project directory with extra environment variables, copying
     * its combined output to standard output as it arrives. A command still running after
     * {@code timeout} is killed together with its child processes.
     *
     * @throws UncheckedIOException when the command is missing or cannot be started
     */
    public Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        return run(dir, command, environment, timeout);
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
        String message = "This test needs '" + command + "' on the PATH (" + problem
                + "). Install Node.js 20 or newer with npm.";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(
                    message + " Under CI=true a missing tool fails the test.");
        }
        Assumptions.abort(message);
    }

    /**
     * Returns the project directory. Maven runs tests in the repository root, but an IDE may use
     * a subdirectory, so parent directories are searched too.
     */
    private static Path find(Path relativeDir) {
        Path start = Path.of("").toAbsolutePath();
        for (Path candidateRoot = start; candidateRoot != null;
                candidateRoot = candidateRoot.getParent()) {
            Path candidate = candidateRoot.resolve(relativeDir);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + relativeDir + "/package.json found in " + start
                + " or its parents. Run the tests from the repository root.");
    }

    /** Runs {@code npm ci} when node_modules is missing or older than package-lock.json. */
    private void installWhenStale() {
        synchronized (INSTALL_LOCK) {
            // npm 7 and newer write this copy of the lock file at the end of every install.
            Path installedLock = dir.resolve("node_modules").resolve(".package-lock.json");
            if (Files.isRegularFile(installedLock)
                    && !isOlder(installedLock, dir.resolve("package-lock.json"))) {
                return;
            }
            requireCommand("npm");
            Result result = run(List.of("npm", "ci", "--no-audit", "--no-fund"),
                    Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", "NO_COLOR", "1"),
                    INSTALL_TIMEOUT);
            assertThat(result.timedOut())
                    .withFailMessage("npm ci in %s did not finish within %s. Output:%n%s", dir,
                            INSTALL_TIMEOUT, result.output())
                    .isFalse();
            assertThat(result.exitCode())
                    .withFailMessage("npm ci in %s exited with %d. Output:%n%s", dir,
                            result.exitCode(), result.output())
                    .isZero();
        }
    }

    private static boolean isOlder(Path file, Path than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Runs a command in {@code dir}, as {@link #run(List, Map, Duration)} describes. */
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
                killTree(process);
                process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            // A child process that outlives the command can keep the pipe open, so the reader
            // gets a bounded wait.
            reader.join(KILL_WAIT);
            synchronized (output) {
                if (!finished) {
                    output.append("[timed out after ").append(timeout)
                            .append(", so the command and its child processes were killed]")
                            .append(System.lineSeparator());
                }
                return new Result(finished ? process.exitValue() : -1, !finished,
                        output.toString());
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
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
