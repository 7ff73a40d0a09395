package dev.tollgate.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A webhook receiver on 127.0.0.1: each path responds with a planned sequence of statuses (then
 * 200), or {@link #SILENT} to hold the request without answering until the receiver closes.
 * Every request is recorded with its headers and raw body.
 */
final class Receiver implements AutoCloseable {
    /** A planned response that never comes, because the request is held open. */
    static final int SILENT = -1;
    private static final Duration MAX_HOLD = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger PATHS = new AtomicInteger();

    /** One received request: lower-case header names, the raw body and its JSON. */
    record Received(String path, Map<String, String> headers, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(32);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, List<Integer>> plans = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    Receiver() {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Returns a new URL whose responses follow {@code statuses}, then 200. */
    String url(Integer... statuses) {
        String path = "/hook/" + PATHS.incrementAndGet();
        plans.put(path, new ArrayList<>(List.of(statuses)));
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Returns the requests received on the path of {@code url} that match {@code filter}. */
    List<Received> received(String url, Predicate<Received> filter) {
        String path = url.substring(url.indexOf("/hook/"));
        return received.stream().filter(r -> r.path().equals(path)).filter(filter).toList();
    }

    List<Received> received(String url) {
        return received(url, r -> true);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(), String.join(",", values)));
        received.add(new Received(path, headers, body));
        int status = nextStatus(path);
        if (status == SILENT) {
            hold();
            exchange.close();
            return;
        }
        byte[] reply = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, reply.length);
        exchange.getResponseBody().write(reply);
        exchange.close();
    }

    private int nextStatus(String path) {
        List<Integer> plan = plans.get(path);
        if (plan == null) {
            return 404;
        }
        synchronized (plan) {
            if (plan.isEmpty()) {
                return 200;
            }
            // SILENT stays: a silent path never answers.
            return plan.get(0) == SILENT ? SILENT : plan.remove(0);
        }
    }

    private void hold() {
        try {
            closing.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
