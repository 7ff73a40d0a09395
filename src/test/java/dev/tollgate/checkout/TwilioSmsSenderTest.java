package dev.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the Twilio client against a stand-in for Twilio's Messages API on 127.0.0.1. */
class TwilioSmsSenderTest {
    private static final String SID = "AC" + "0".repeat(32);
    private static final String TOKEN = "token-for-tests";

    private record Received(String method, String path, String authorization, String contentType,
            Map<String, String> form) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(201);
    private HttpServer standIn;

    @BeforeEach
    void startStandIn() throws IOException {
        standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standIn.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), parseForm(body)));
            byte[] reply = "{\"sid\":\"SM1\",\"status\":\"queued\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        standIn.start();
    }

    @AfterEach
    void stopStandIn() {
        standIn.stop(0);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + standIn.getAddress().getPort();
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    @Test
    void sendPostsFormWithBasicAuth() {
        new TwilioSmsSender(baseUrl(), SID, TOKEN, "+12025550199")
                .send("+12025550123", "Your checkout code is 123456.");

        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(request.authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.form()).containsEntry("To", "+12025550123")
                .containsEntry("From", "+12025550199")
                .containsEntry("Body", "Your checkout code is 123456.");
    }

    @Test
    void rejectedMessageRaisesDeliveryError() {
        status.set(400);
        TwilioSmsSender sender = new TwilioSmsSender(baseUrl() + "/", SID, TOKEN, "+12025550199");

        assertThatThrownBy(() -> sender.send("+12025550123", "code"))
                .isInstanceOf(SmsDeliveryException.class)
                .hasMessageContaining("400")
                .hasMessageNotContaining("+12025550123");
    }

    @Test
    void unreachableServerRaisesDeliveryError() {
        String closed = baseUrl();
        standIn.stop(0);
        TwilioSmsSender sender = new TwilioSmsSender(closed, SID, TOKEN, "+12025550199");

        assertThatThrownBy(() -> sender.send("+12025550123", "code"))
                .isInstanceOf(SmsDeliveryException.class)
                .hasMessageContaining("could not be reached");
    }
}
