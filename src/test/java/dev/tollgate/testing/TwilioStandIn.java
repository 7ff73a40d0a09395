package dev.tollgate.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Twilio's Messages API on 127.0.0.1 that accepts every message and keeps it, so
 * that tests can read the one-time code a live checkout sent. Browser scripts read the messages
 * for a number with {@code GET /standin/messages?to=+12025550100}, which returns a JSON array of
 * bodies, oldest first. Thread-safe.
 */
public final class TwilioStandIn implements AutoCloseable {
    public static final String ACCOUNT_SID = "AC" + "0".repeat(32);
    public static final String AUTH_TOKEN = "standin-auth-token";
    public static final String FROM = "+12025550199";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CODE = Pattern.compile("\\b([0-9]{6})\\b");

    /** A message Tollgate sent. */
    public record Message(String to, String from, String body) {
    }

    private final HttpServer server;
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    private TwilioStandIn(HttpServer server) {
        this.server = server;
    }

    public static TwilioStandIn start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TwilioStandIn standIn = new TwilioStandIn(server);
            server.createContext("/", standIn::handle);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the settings that point a Tollgate server's SMS sender at this stand-in. */
    public Map<String, String> settings() {
        return Map.of("TWILIO_ACCOUNT_SID", ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN", AUTH_TOKEN,
                "TWILIO_FROM", FROM,
                "TWILIO_BASE_URL", baseUrl());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Returns the six-digit code of the latest message to {@code phoneE164}. */
    public Optional<String> lastCode(String phoneE164) {
        for (Message message : messages.reversed()) {
            Matcher matcher = CODE.matcher(message.body());
            if (message.to().equals(phoneE164) && matcher.find()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("GET") && path.equals("/standin/messages")) {
            String query = exchange.getRequestURI().getRawQuery();
            String to = query != null && query.startsWith("to=")
                    ? URLDecoder.decode(query.substring(3), StandardCharsets.UTF_8) : "";
            List<String> bodies = messages.stream()
                    .filter(message -> message.to().equals(to))
                    .map(Message::body)
                    .toList();
            reply(exchange, 200, JSON.writeValueAsString(bodies));
            return;
        }
        if (!path.equals("/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json")) {
            reply(exchange, 404, "{\"code\":20404,\"message\":\"The requested resource was not"
                    + " found\"}");
            return;
        }
        Map<String, String> form = FormBodies.parse(new String(
                exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        messages.add(new Message(form.get("To"), form.get("From"), form.get("Body")));
        reply(exchange, 201, "{\"sid\":\"SM" + messages.size() + "\",\"status\":\"queued\"}");
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
