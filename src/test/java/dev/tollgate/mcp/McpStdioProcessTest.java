package dev.tollgate.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate mcp} as a separate process, driven line by line on its standard input: bad
 * lines get JSON-RPC errors, later requests are still answered, and the process exits when its
 * input closes.
 */
class McpStdioProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long REPLY_TIMEOUT_SECONDS = 30;
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
            + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":"
            + "\"notifications/initialized\"}";

    private static TestServer server;

    private Process process;
    private OutputStream stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();

    @TempDir
    Path home;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(DatabaseKind.SQLITE);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void startMcp() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "dev.tollgate.app.Main", "mcp", "--url", "http://127.0.0.1:" + server.port())
                .redirectError(Files.createFile(home.resolve("stderr.txt")).toFile());
        builder.environment().clear();
        builder.environment().putAll(java.util.Map.of("HOME", home.toString(),
                "TOLLGATE_SECRET_KEY", TestServer.SANDBOX_KEY));
        process = builder.start();
        stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    stdout.add(line);
                }
            } catch (IOException e) {
                stdout.add("reader failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    @AfterEach
    void stopMcp() {
        process.destroyForcibly();
    }

    @Test
    void badLinesGetErrorsAndServingContinues() throws Exception {
        send(INITIALIZE);
        assertThat(reply().path("id").asInt()).isEqualTo(1);
        send(INITIALIZED);

        List<String> badLines = List.of("garbage",
                "{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999999,\"method\":\"tools/list\"}",
                "[]",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{}}");
        List<Integer> codes = List.of(-32700, -32600, -32600, -32602);
        for (int i = 0; i < badLines.size(); i++) {
            send(badLines.get(i));
            JsonNode error = reply();

            assertThat(error.at("/error/code").asInt()).as(badLines.get(i))
                    .isEqualTo(codes.get(i));
            assertThat(error.at("/error/message").asText()).as(badLines.get(i)).isNotBlank();
        }
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"meters_list\",\"arguments\":{\"limit\":1}}}");
        JsonNode toolReply = reply();

        assertThat(toolReply.path("id").asInt()).isEqualTo(3);
        assertThat(toolReply.at("/result/isError").asBoolean()).as(toolReply.toString()).isFalse();
        assertExitsWhenInputCloses();
    }

    @Test
    void parseErrorHasNullId() throws Exception {
        send("{\"jsonrpc\":");
        JsonNode error = reply();

        assertThat(error.path("id").isNull()).isTrue();
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32700);
        assertExitsWhenInputCloses();
    }

    @Test
    void requestBeforeInitializedGetsError() throws Exception {
        send(INITIALIZE);
        reply();
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode early = reply();
        send("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
        JsonNode pong = reply();
        send(INITIALIZED);
        send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        JsonNode tools = reply();

        assertThat(early.path("id").asInt()).isEqualTo(2);
        assertThat(early.at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(early.at("/error/message").asText()).contains("notifications/initialized");
        assertThat(pong.path("id").asText()).isEqualTo("p");
        assertThat(pong.has("result")).isTrue();
        assertThat(tools.path("id").asInt()).isEqualTo(5);
        assertThat(tools.at("/result/tools").size()).isPositive();
        assertExitsWhenInputCloses();
    }

    @Test
    void oneShotInputGetsAllReplies() throws Exception {
        // A one-shot script: every line at once, then end of input before any reply.
        send(INITIALIZE + "\n" + INITIALIZED + "\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"meters_list\",\"arguments\":{\"limit\":1}}}");
        stdin.close();

        JsonNode initialized = reply();
        JsonNode toolReply = reply();

        assertThat(initialized.path("id").asInt()).isEqualTo(1);
        assertThat(toolReply.path("id").asInt()).isEqualTo(7);
        assertThat(toolReply.at("/result/isError").asBoolean()).as(toolReply.toString()).isFalse();
        assertThat(process.waitFor(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    private void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private JsonNode reply() throws Exception {
        String line = stdout.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(line).as("a reply within %d s; stderr:%n%s", REPLY_TIMEOUT_SECONDS,
                stderr()).isNotNull();
        return JSON.readTree(line);
    }

    private void assertExitsWhenInputCloses() throws Exception {
        stdin.close();

        assertThat(process.waitFor(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("exit after standard input closes; stderr:%n%s", stderr()).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(stdout).as("no output after the replies").isEmpty();
    }

    private String stderr() throws IOException {
        return Files.readString(home.resolve("stderr.txt"));
    }
}
