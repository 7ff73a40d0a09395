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
 * Runs Node.js projects from JUnit tests: finds the project, installs its locked packages with
 * {@code npm ci} when they are stale, and runs commands with a timeout. A missing tool skips
 * the test, except under {@code CI=true}, where that is a failure.
 */
public final class NodeCommands {
    private static final Duration VERSION_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private NodeCommands() {
    }

    /** The output and exit code of a finished command, or {@code timedOut} when it was killed. */
    public record CommandResult(int exitCode, boolean timedOut, String output) {
    }

    /**
     * Returns the Node project directory. Maven runs tests in the project root, but an IDE may
     * use a subdirectory, so parent directories are searched too.
     */
    public static Path findNodeProject(Path nodeProject) {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(nodeProject);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + nodeProject + "/package.json found in " + start
                + " or its parents. Run the tests from the repository root.");
    }

    /** Runs {@code npm ci} when node_modules is missing or older than package-lock.json. */
    public static synchronized void installPackagesWhenStale(Path projectDir) {
        Path lockFile = projectDir.resolve("package-lock.json");
        // npm 7 and newer write this copy of the lock file at the end of every install.
        Path installedLock = projectDir.resolve("node_modules").resolve(".package-lock.json");
        if (Files.isRegularFile(installedLock) && !isOlder(installedLock, lockFile)) {
            return;
        }
        requireCommand("npm");
        CommandResult result = runCommand(projectDir,
                List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), INSTALL_TIMEOUT);
        assertThat(result.timedOut())
                .withFailMessage("npm ci in %s did not finish within %s. Output:%n%s",
                        projectDir, INSTALL_TIMEOUT, result.output())
                .isFalse();
        assertThat(result.exitCode())
                .withFailMessage("npm ci in %s exited with %d. Output:%n%s",
                        projectDir, result.exitCode(), result.output())
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
     * Checks that {@code command --version} runs. When it does not, the test fails under
     * {@code CI=true} and is skipped otherwise.
     */
    public static void requireCommand(String command) {
        String problem;
        try {
            CommandResult result = runCommand(Path.of("").toAbsolutePath(),
                    List.of(command, "--version"), Map.of(), VERSION_CHECK_TIMEOUT);
            if (!result.timedOut() && result.exitCode() == 0) {
                return;
            }
            problem = "'" + command + " --version' failed: " + result.output().strip();
        } catch (UncheckedIOException e) {
            problem = e.getMessage();
        }
        String message = "This test needs '" + command + "' on the PATH ("
                + problem + "). Install Node.js 20 or newer with npm.";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(
                    message + " Under CI=true a missing tool fails the test.");
        }
        Assumptions.abort(message);
    }

    /**
     * Runs a command in {@code dir} with extra environment variables, copying its combined
     * output to standard output as it arrives. A command still running after {@code timeout}
     * is killed together with its child processes.
     *
     * @throws UncheckedIOException when the command is missing or cannot be started
     */
    public static CommandResult runCommand(Path dir, List<String> command,
            Map<String, String> environment, Duration timeout) {
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
                return new CommandResult(finished ? process.exitValue() : -1, !finished,
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
