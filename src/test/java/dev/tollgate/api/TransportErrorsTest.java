package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Requests that the HTTP layer rejects before routing still get a JSON error body. */
class TransportErrorsTest extends BothDatabases {

    @Test
    void badPercentEscapeInPathIsJson400() throws IOException {
        String response = raw("GET /v1/meters/%zz HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");

        assertJsonBadRequest(response);
    }

    @Test
    void missingHostHeaderIsJson400() throws IOException {
        String response = raw("GET /v1/meters HTTP/1.1\r\nConnection: close\r\n\r\n");

        assertJsonBadRequest(response);
    }

    @Test
    void garbageRequestLineIsJson400() throws IOException {
        String response = raw("NOT HTTP AT ALL\r\n\r\n");

        assertJsonBadRequest(response);
    }

    @Test
    void http10GetsJson505() throws IOException {
        String response = raw("GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 505 ");
        assertThat(response).containsIgnoringCase("content-type: application/json");
        assertThat(response).contains("\"code\":\"http_version_not_supported\"");
        assertThat(response).contains("Send HTTP/1.1.");
    }

    @Test
    void truncatedBodyLoggedWithoutError() throws IOException {
        Logger logger = (Logger) LoggerFactory.getLogger(Endpoints.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        String response;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/customers HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + TestServer.SANDBOX_KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            response = new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
        } finally {
            logger.detachAppender(events);
        }

        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(response).contains("\"code\":\"incomplete_body\"");
        assertThat(events.list).noneMatch(event -> event.getLevel() == Level.ERROR);
        assertThat(events.list).anyMatch(event -> event.getLevel() == Level.INFO
                && event.getFormattedMessage().contains("before sending the whole request body")
                && event.getThrowableProxy() == null);
    }

    private static void assertJsonBadRequest(String response) {
        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(response).containsIgnoringCase("content-type: application/json");
        assertThat(response).contains("\"code\":\"malformed_request\"");
        assertThat(response).contains("Host header");
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
