package dev.tollgate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in provider on 127.0.0.1 that answers each path with a recorded body, as one JSON
 * response, as a stream of server-sent events or as raw bytes such as audio, and keeps every
 * request it received.
 */
public final class FakeProvider implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Function<Received, Reply>> replies = new ConcurrentHashMap<>();
    private final Map<String, Bytes> byteReplies = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** A request as the provider saw it; {@code body} is {@code rawBody} decoded as UTF-8. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers,
            String body, byte[] rawBody) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * A canned answer. For a stream, {@code events} are written one at a time with a flush;
     * when {@code gate} is set, the events after the first {@code eventsBeforeGate} wait for it
     * to open.
     */
    public record Reply(int status, String contentType, byte[] body, List<byte[]> events,
            CountDownLatch gate, int eventsBeforeGate) {
        public static Reply json(int status, String json) {
            return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8),
                    null, null, 0);
        }

        public static Reply stream(List<String> events) {
            return new Reply(200, "text/event-stream", null,
                    events.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList(), null, 0);
        }

        public Reply gatedAfterFirst(CountDownLatch gate) {
            return gatedAfter(1, gate);
        }

        /** Sends the first {@code count} events, then waits for {@code gate} to send the rest. */
        public Reply gatedAfter(int count, CountDownLatch gate) {
            return new Reply(status, contentType, body, events, gate, count);
        }
    }

    /** A canned reply of raw bytes, such as audio, with extra response headers. */
    public record Bytes(int status, String contentType, byte[] body, Map<String, String> headers) {
    }

    public FakeProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to map a provider host to, such as {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void on(String path, Reply reply) {
        byteReplies.remove(path);
        replies.put(path, request -> reply);
    }

    /**
     * Replies to each request for {@code path} with the reply that {@code replyFor} returns for
     * it, such as a stream when the body sets {@code stream} and JSON otherwise.
     */
    public void on(String path, Function<Received, Reply> replyFor) {
        byteReplies.remove(path);
        replies.put(path, replyFor);
    }

    /** Serves raw bytes for {@code path}, in place of any earlier reply for it. */
    public void onBytes(String path, Bytes reply) {
        replies.remove(path);
        byteReplies.put(path, reply);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] rawBody = exchange.getRequestBody().readAllBytes();
        String body = new String(rawBody, StandardCharsets.UTF_8);
        Received request = new Received(exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), body, rawBody);
        received.add(request);
        Bytes bytes = byteReplies.get(request.path());
        if (bytes != null) {
            sendBytes(exchange, bytes);
            return;
        }
        Function<Received, Reply> replyFor = replies.get(request.path());
        Reply reply = replyFor == null ? null : replyFor.apply(request);
        if (reply == null) {
            reply = Reply.json(404, "{\"error\":{\"message\":\"no fake reply for this path\"}}");
        }
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
        exchange.getResponseHeaders().add("x-fake-provider", "yes");
        if (reply.events() == null) {
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
            return;
        }
        exchange.sendResponseHeaders(reply.status(), 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < reply.events().size(); i++) {
                if (i == reply.eventsBeforeGate() && reply.gate() != null) {
                    awaitGate(reply.gate());
                }
                out.write(reply.events().get(i));
                out.flush();
            }
        } catch (IOException clientGone) {
            // The gateway closed the stream early; nothing more to send.
        }
    }

    private static void sendBytes(HttpExchange exchange, Bytes reply) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }

    private static void awaitGate(CountDownLatch gate) {
        try {
            gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
