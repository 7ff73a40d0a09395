package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tollgate} command in a JVM of its own, started from this build's classes with the
 * same {@code dev.tollgate.app.Main} that {@code ./tollgate} runs from the jar: a server node
 * ({@code serve}) or a command that runs to its end ({@code ledger verify}). The process gets
 * only the environment variables passed to it, so no provider key or database URL of the shell
 * leaks into it. {@link #close()} stops it, forcibly when SIGTERM does not end it in time.
 */
public final class TollgateProcess implements AutoCloseable {
    /** How long a node may take to listen, and a command to finish. */
    public static final Duration MAX_START_TIME = Duration.ofSeconds(90);
    /** How long a node may take to stop after SIGTERM before it is killed. */
    public static final Duration MAX_STOP_TIME = Duration.ofSeconds(40);
    private static final Pattern LISTENING = Pattern.compile("Tollgate listening .*port=(\\d+)");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private TollgateProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The outcome of a command: its exit code and what it printed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Starts {@code tollgate serve --port 0 --data dataDir} without waiting for it; call
     * {@link #awaitApi()} to wait until it listens. Its output goes to files in {@code dataDir}.
     */
    public static TollgateProcess startServer(Map<String, String> env, Path dataDir) {
        return launch(env, dataDir, "serve", "--port", "0", "--data", dataDir.toString());
    }

    /**
     * Runs a command such as {@code ledger verify} to its end, with its output kept in files in
     * {@code workDir}.
     *
     * @throws AssertionError when it runs longer than {@link #MAX_START_TIME}
     */
    public static Result run(Map<String, String> env, Path workDir, String... args) {
        try (TollgateProcess command = launch(env, workDir, args)) {
            boolean finished = command.process.waitFor(MAX_START_TIME.toMillis(),
                    TimeUnit.MILLISECONDS);
            if (!finished) {
                throw new AssertionError("tollgate " + String.join(" ", args)
                        + " did not finish in " + MAX_START_TIME + "; its output:\n"
                        + command.outputTail());
            }
            return new Result(command.process.exitValue(), read(command.stdout),
                    read(command.stderr));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running tollgate", e);
        }
    }

    private static TollgateProcess launch(Map<String, String> env, Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "dev.tollgate.app.Main"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(workDir);
            String name = args[0] + "-" + System.nanoTime();
            Path stdout = workDir.resolve(name + ".out");
            Path stderr = workDir.resolve(name + ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            return new TollgateProcess(builder.start(), stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /**
     * Waits until the node logs the port it listens on and returns a client for it.
     *
     * @throws AssertionError when the node exits or does not listen within
     *     {@link #MAX_START_TIME}, with the end of its log
     */
    public ApiClient awaitApi() {
        Instant deadline = Instant.now().plus(MAX_START_TIME);
        while (Instant.now().isBefore(deadline)) {
            Matcher listening = LISTENING.matcher(read(stderr));
            if (listening.find()) {
                return new ApiClient(Integer.parseInt(listening.group(1)));
            }
            if (!process.isAlive()) {
                throw new AssertionError("the node exited with " + process.exitValue()
                        + " before listening; its output:\n" + outputTail());
            }
            sleep(POLL_INTERVAL);
        }
        throw new AssertionError("the node did not listen within " + MAX_START_TIME
                + "; its output:\n" + outputTail());
    }

    /** Returns the last lines the process printed, for failure messages. */
    public String outputTail() {
        List<String> lines = new ArrayList<>(read(stdout).lines().toList());
        lines.addAll(read(stderr).lines().toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES),
                lines.size()));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a node", e);
        }
    }

    /** Sends SIGTERM, waits up to {@link #MAX_STOP_TIME}, then kills the process. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(MAX_STOP_TIME.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(MAX_STOP_TIME.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
