import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A fast stand-in for the OpenAI chat completions API, for benchmarks on one machine. It listens
 * on 127.0.0.1 only and responds to {@code POST /v1/chat/completions} with a fixed completion and a
 * fixed usage (20 prompt tokens, 10 completion tokens). A body with {@code "stream": true} gets
 * a server-sent event stream of {@code --chunks} content chunks, then a usage-only chunk when the
 * body requests {@code stream_options.include_usage}, then {@code data: [DONE]}.
 * {@code GET /stats} returns the number of completions served, so a benchmark can check that a
 * proxy really forwarded its requests.
 *
 * <p>Usage: {@code java FakeProvider [--port P] [--chunks N] [--first-chunk-delay-ms D]}.
 * With port 0 it picks a free port. It prints {@code listening on PORT} once ready.
 */
public final class FakeProvider {
    private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern INCLUDE_USAGE = Pattern.compile("\"include_usage\"\\s*:\\s*true");
    private static final int PROMPT_TOKENS = 20;
    private static final int COMPLETION_TOKENS = 10;

    private static final byte[] COMPLETION = ("""
            {"id":"chatcmpl-bench0001","object":"chat.completion","created":1767225600,\
            "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Hello! This is a fixed answer from the benchmark's fake provider.",\
            "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,\
            "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
            "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,\
            "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
            "service_tier":"default","system_fingerprint":"fp_bench"}"""
            .formatted(PROMPT_TOKENS, COMPLETION_TOKENS, PROMPT_TOKENS + COMPLETION_TOKENS))
            .getBytes(StandardCharsets.UTF_8);

    private static final String CHUNK_PREFIX = "data: {\"id\":\"chatcmpl-bench0002\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",";
    private static final byte[] CONTENT_CHUNK = (CHUNK_PREFIX
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"},\"logprobs\":null,"
            + "\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    private static final byte[] FINAL_CHUNK = (CHUNK_PREFIX
            + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}]}\n\n").getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = "{\"error\":{\"message\":\"Unknown path.\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private final int chunks;
    private final long firstChunkDelayMillis;
    private final AtomicLong served = new AtomicLong();

    private FakeProvider(int chunks, long firstChunkDelayMillis) {
        this.chunks = chunks;
        this.firstChunkDelayMillis = firstChunkDelayMillis;
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        int chunks = 20;
        long delayMillis = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--chunks" -> chunks = Integer.parseInt(args[i + 1]);
                case "--first-chunk-delay-ms" -> delayMillis = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --port, --chunks or --first-chunk-delay-ms");
            }
        }
        // The JDK server reads this property once, when it loads (ServerConfig in JDK 25), and
        // leaves Nagle's algorithm on without it, so small writes such as SSE chunks would
        // wait for the peer's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        FakeProvider provider = new FakeProvider(chunks, delayMillis);
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", provider::handle);
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("POST") && path.equals("/v1/chat/completions")) {
                served.incrementAndGet();
                String text = new String(body, StandardCharsets.UTF_8);
                if (STREAM_TRUE.matcher(text).find()) {
                    stream(exchange, INCLUDE_USAGE.matcher(text).find());
                } else {
                    send(exchange, 200, COMPLETION);
                }
            } else if (method.equals("GET") && path.equals("/stats")) {
                send(exchange, 200, ("{\"chat_completions\":" + served.get() + "}")
                        .getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, NOT_FOUND);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void stream(HttpExchange exchange, boolean includeUsage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        // Length 0 selects chunked transfer encoding.
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            if (firstChunkDelayMillis > 0) {
                sleep(firstChunkDelayMillis);
            }
            for (int i = 0; i < chunks; i++) {
                out.write(CONTENT_CHUNK);
                out.flush();
            }
            out.write(FINAL_CHUNK);
            out.flush();
            if (includeUsage) {
                out.write((CHUNK_PREFIX + "\"choices\":[],\"usage\":{\"prompt_tokens\":"
                        + PROMPT_TOKENS + ",\"completion_tokens\":" + chunks
                        + ",\"total_tokens\":" + (PROMPT_TOKENS + chunks) + "}}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(DONE);
            out.flush();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
